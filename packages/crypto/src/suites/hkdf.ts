import type { ConformanceSuite } from '@keel/conformance';
import { bytesToHex, hexToBytes } from '@keel/util';
import { hkdfSha256, hkdfSha256Expand, hkdfSha256Extract } from '../hashes/index.ts';

interface HkdfCase {
  name: string;
  IKM: string;
  salt: string;
  info: string;
  L: number;
  PRK: string;
  OKM: string;
}

const FILE = 'hashes/hkdf_sha256_rfc5869.json';

export const hkdfSuite: ConformanceSuite = {
  name: 'hkdf',
  description: 'HKDF-SHA256 extract/expand (RFC 5869 A.1-A.3)',
  files: [FILE],
  expectedCases: 3,
  run(ctx) {
    const { cases } = ctx.readJson(FILE) as { cases: HkdfCase[] };
    for (const c of cases) {
      ctx.check(c.name, () => {
        const ikm = hexToBytes(c.IKM);
        const salt = c.salt ? hexToBytes(c.salt) : undefined;
        const info = hexToBytes(c.info);
        const prk = hkdfSha256Extract(ikm, salt);
        ctx.expectEqual(bytesToHex(prk), c.PRK.toLowerCase(), 'PRK');
        ctx.expectEqual(bytesToHex(hkdfSha256Expand(prk, info, c.L)), c.OKM.toLowerCase(), 'OKM');
        ctx.expectEqual(
          bytesToHex(hkdfSha256(ikm, salt, info, c.L)),
          c.OKM.toLowerCase(),
          'one-shot OKM',
        );
      });
    }
  },
};
