import type { ConformanceSuite } from '@keel/conformance';
import { bytesToHex, hexToBytes } from '@keel/util';
import { siphash24, siphash24U64, siphash24x128 } from '../siphash/siphash.ts';

interface SipHashCase {
  len: number;
  key: string;
  message: string;
  siphash24_64: string;
  siphash24_64_as_u64_hex: string;
  siphash24_128: string;
}

const FILE = 'hashes/siphash24.json';

export const siphashSuite: ConformanceSuite = {
  name: 'siphash',
  description: 'SipHash-2-4 reference vectors (64-bit bytes, as uint64, and the 128-bit variant)',
  files: [FILE],
  expectedCases: 64,
  run(ctx) {
    const { cases } = ctx.readJson(FILE) as { cases: SipHashCase[] };
    for (const c of cases) {
      ctx.check(`len-${c.len}`, () => {
        const key = hexToBytes(c.key);
        const msg = hexToBytes(c.message);
        ctx.expectEqual(msg.length, c.len, 'message length');
        ctx.expectEqual(bytesToHex(siphash24(key, msg)), c.siphash24_64.toLowerCase(), '64-bit');
        ctx.expectEqual(
          siphash24U64(key, msg).toString(16).padStart(16, '0'),
          c.siphash24_64_as_u64_hex.toLowerCase(),
          'as u64',
        );
        ctx.expectEqual(
          bytesToHex(siphash24x128(key, msg)),
          c.siphash24_128.toLowerCase(),
          '128-bit',
        );
      });
    }
  },
};
