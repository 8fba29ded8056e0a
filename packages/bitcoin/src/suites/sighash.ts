import type { ConformanceSuite } from '@keel/conformance';
import { hexToBytes } from '@keel/util';
import { checkTransaction } from '../consensus/checkTransaction.ts';
import { decodeTransaction, hashToHex } from '../primitives/transaction.ts';
import { legacySighash } from '../script/sighash.ts';

const FILE = 'bitcoin-core/sighash.json';

/**
 * Core's sighash.json: legacy signature hashes, including undefined hash types, SINGLE
 * without a matching output and scripts with OP_CODESEPARATOR. As in Core's test, each
 * transaction must also pass CheckTransaction.
 */
export const sighashSuite: ConformanceSuite = {
  name: 'bitcoin-sighash',
  description: "Bitcoin Core's sighash.json: legacy signature hash",
  files: [FILE],
  expectedCases: 500,
  variants: ['noble', 'libsecp256k1'],
  run(ctx) {
    const entries = ctx.readJson(FILE) as unknown[][];
    let n = 0;
    for (const e of entries) {
      if (e.length === 1) continue; // header
      const [rawTx, script, index, hashType, expected] = e as [
        string,
        string,
        number,
        number,
        string,
      ];
      ctx.check(`sighash#${n++}`, () => {
        const tx = decodeTransaction(hexToBytes(rawTx));
        ctx.expectEqual(checkTransaction(tx), { ok: true }, 'CheckTransaction');
        const h = legacySighash(tx, index, hexToBytes(script), hashType);
        ctx.expectEqual(hashToHex(h), expected, 'sighash');
      });
    }
  },
};
