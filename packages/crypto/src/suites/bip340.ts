import type { ConformanceSuite } from '@keel/conformance';
import { bytesToHex, hexToBytes } from '@keel/util';
import { backendFor, parseCsv, SECP256K1_VARIANTS } from './_secp256k1Variant.ts';

const FILE = 'bips/bip-0340/test-vectors.csv';

/** BIP340 test vectors: sign (where a secret key is given, exact signature) and verify. */
export const bip340Suite: ConformanceSuite = {
  name: 'bip340',
  description: 'BIP340 Schnorr signatures: exact signing and verification, per secp256k1 backend',
  files: [FILE],
  ownsDirs: ['bips/bip-0340'],
  expectedCases: 19,
  variants: SECP256K1_VARIANTS,
  async run(ctx) {
    const rows = parseCsv(ctx.readText(FILE));
    const loaded = await backendFor(ctx);
    for (const row of rows) {
      const id = `vector-${row.index}`;
      if ('reason' in loaded) {
        ctx.skip(id, loaded.reason);
        continue;
      }
      const b = loaded.backend;
      ctx.check(id, () => {
        const pub = hexToBytes(row['public key']!);
        const msg = hexToBytes(row.message!);
        const sig = hexToBytes(row.signature!);
        const expected = row['verification result'] === 'TRUE';
        if (row['secret key']) {
          const sk = hexToBytes(row['secret key']!);
          ctx.expectEqual(bytesToHex(b.xOnlyPublicKey(sk)), bytesToHex(pub), 'public key');
          const made = b.schnorrSign(msg, sk, hexToBytes(row.aux_rand!));
          ctx.expectEqual(bytesToHex(made), bytesToHex(sig), 'signature');
        }
        ctx.expectEqual(b.schnorrVerify(sig, msg, pub), expected, `verify (${row.comment})`);
      });
    }
  },
};
