import type { ConformanceSuite } from '@keel/conformance';
import { bytesToHex, hexToBytes, isKeelError } from '@keel/util';
import { open, seal } from '../aead/chacha20poly1305.ts';
import { CryptoErrorCode } from '../errors.ts';

interface AeadCase {
  name: string;
  key: string;
  nonce: string;
  aad: string;
  plaintext: string;
  ciphertext: string;
  tag: string;
  sealed: string;
}

const FILE = 'hashes/chacha20poly1305_rfc8439.json';

export const chacha20poly1305Suite: ConformanceSuite = {
  name: 'chacha20poly1305',
  description: 'AEAD_CHACHA20_POLY1305 (RFC 8439 §2.8.2, A.5): seal, open, tampered tag',
  files: [FILE],
  expectedCases: 2,
  run(ctx) {
    const { cases } = ctx.readJson(FILE) as { cases: AeadCase[] };
    for (const c of cases) {
      ctx.check(c.name, () => {
        const key = hexToBytes(c.key);
        const nonce = hexToBytes(c.nonce);
        const aad = hexToBytes(c.aad);
        const pt = hexToBytes(c.plaintext);
        const sealed = seal(key, nonce, pt, aad);
        ctx.expectEqual(bytesToHex(sealed), c.sealed.toLowerCase(), 'sealed');
        ctx.expectEqual(
          bytesToHex(sealed),
          (c.ciphertext + c.tag).toLowerCase(),
          'ciphertext ‖ tag',
        );
        ctx.expectEqual(bytesToHex(open(key, nonce, hexToBytes(c.sealed), aad)), bytesToHex(pt));
        const bad = hexToBytes(c.sealed);
        bad[bad.length - 1]! ^= 0x01;
        const err = ctx.expectThrows(() => open(key, nonce, bad, aad), 'tampered tag');
        ctx.expectTrue(
          isKeelError(err) && err.code === CryptoErrorCode.DECRYPT_FAILED,
          'tampered tag must fail with DECRYPT_FAILED',
        );
      });
    }
  },
};
