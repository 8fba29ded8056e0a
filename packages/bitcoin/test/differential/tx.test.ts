// keel vs bcoin's transaction verifier on Core's tx_valid.json / tx_invalid.json: for every
// case (taproot-only flags masked off, as bcoin 2.2.0 has no taproot) the whole-transaction
// verdict of keel (every input through verifyScript) must equal bcoin's `tx.verify(view,
// flags)` under the case's flags and under random consistent flag sets, and keel's
// CheckTransaction must agree with bcoin's `checkSanity` on pass/fail.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findVectorsDir } from '@keel/conformance';
import { loadSecp256k1Backend } from '@keel/crypto/secp256k1';
import { hexToBytes, isKeelError, reverseBytes } from '@keel/util';
import { checkTransaction } from '../../src/consensus/checkTransaction.ts';
import {
  decodeTransaction,
  isCoinbase,
  type Transaction,
} from '../../src/primitives/transaction.ts';
import { parseScriptAsm } from '../../src/script/asm.ts';
import { parseScriptFlags } from '../../src/script/flags.ts';
import {
  BCOIN_FLAGS,
  type Bcoin,
  consistentFlags,
  keelVerify,
  loadBcoin,
  type Prevout,
  rng,
} from './_bcoin.ts';

type Row = [Array<[string, number, string, number?]>, string, string];

function cases(dir: string, file: string): Row[] {
  const all = JSON.parse(readFileSync(join(dir, 'bitcoin-core', file), 'utf8')) as unknown[];
  return all.filter((e): e is Row => Array.isArray(e) && Array.isArray(e[0]));
}

function prevoutsOf(rows: Row[0]): Prevout[] {
  return rows.map(([txid, vout, asm, amount]) => ({
    txid: reverseBytes(hexToBytes(txid)),
    vout: vout >>> 0,
    value: BigInt(amount ?? 0),
    scriptPubKey: parseScriptAsm(asm),
  }));
}

function keelTx(
  tx: Transaction,
  prevouts: Prevout[],
  flags: number,
  backend: Awaited<ReturnType<typeof loadSecp256k1Backend>>,
): boolean {
  const spent = tx.inputs.map((i) => {
    const p = prevouts.find(
      (q) => q.vout === i.prevout.vout && q.txid.every((b, k) => b === i.prevout.txid[k]),
    );
    return p ? { value: p.value, scriptPubKey: p.scriptPubKey } : undefined;
  });
  if (spent.some((s) => !s)) return false;
  const outs = spent as { value: bigint; scriptPubKey: Uint8Array }[];
  return tx.inputs.every((_, i) => keelVerify(tx, i, outs, flags, backend) === 'OK');
}

describe('differential: keel vs bcoin transaction verifier (Core tx vectors)', async () => {
  const dir = findVectorsDir();
  const bcoin = loadBcoin();
  const backend = await loadSecp256k1Backend('auto');
  const skip =
    typeof bcoin === 'string' ? bcoin : dir ? false : 'vectors folder not found (KEEL_VECTORS)';

  for (const [file, valid] of [
    ['tx_valid.json', true],
    ['tx_invalid.json', false],
  ] as const) {
    it(`${file}: same verdicts under the case's flags and 4 random flag sets`, { skip }, () => {
      const b = bcoin as Bcoin;
      const r = rng(valid ? 11 : 12);
      const rows = cases(dir!, file);
      assert.ok(rows.length > 80, `only ${rows.length} cases in ${file}`);
      const mismatches: string[] = [];
      let compared = 0;
      let coinbaseLike = 0;
      let passes = 0;
      rows.forEach((row, n) => {
        const raw = hexToBytes(row[1]);
        let tx: Transaction;
        try {
          tx = decodeTransaction(raw);
        } catch (e) {
          assert.ok(isKeelError(e));
          return; // keel rejects the bytes (bcoin's parser is looser): CheckTransaction-level
        }
        const listed = row[2] === 'BADTX' ? 0 : parseScriptFlags(row[2]);
        // valid: all flags but the excluded ones; invalid: the listed ones
        const own = consistentFlags(valid ? BCOIN_FLAGS & ~listed : listed);
        const sane = checkTransaction(tx).ok;
        if (sane !== (b.checkSanity(raw) === 'OK'))
          mismatches.push(`${file}#${n}: CheckTransaction`);
        if (!sane) return;
        // A null-prevout single-input tx is a coinbase to bcoin, whose tx.verify then checks
        // no script (as no node ever runs a coinbase's scriptSig); Core's tx tests run it
        // anyway (tx_valid #15/#16, CLEANSTACK excluded). Not comparable: counted, skipped.
        if (isCoinbase(tx)) {
          coinbaseLike++;
          return;
        }
        const prevouts = prevoutsOf(row[0]);
        for (const flags of [
          own,
          ...Array.from({ length: 4 }, () => consistentFlags(r.int(1 << 17))),
        ]) {
          const k = keelTx(tx, prevouts, flags, backend);
          const bc = b.verifyTx(raw, prevouts, flags);
          compared++;
          if (k) passes++;
          if (k !== bc) mismatches.push(`${file}#${n} flags ${flags}: keel ${k}, bcoin ${bc}`);
        }
      });
      process.stdout.write(
        `# ${file}: ${compared} verdicts compared, ${passes} valid, ${mismatches.length} disagreements, ${coinbaseLike} coinbase-shaped cases not compared\n`,
      );
      assert.ok(passes > 0 && passes < compared, 'both outcomes must occur');
      assert.deepEqual(mismatches, []);
    });
  }
});
