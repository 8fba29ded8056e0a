import { txBaseSize } from '../primitives/_serialize.ts';
import { MAX_BLOCK_WEIGHT, MAX_MONEY, WITNESS_SCALE_FACTOR } from '../primitives/limits.ts';
import { isCoinbase, type Transaction } from '../primitives/transaction.ts';

/** Core's CheckTransaction reject reasons. */
export type CheckTransactionReason =
  | 'bad-txns-vin-empty'
  | 'bad-txns-vout-empty'
  | 'bad-txns-oversize'
  | 'bad-txns-vout-negative'
  | 'bad-txns-vout-toolarge'
  | 'bad-txns-txouttotal-toolarge'
  | 'bad-txns-inputs-duplicate'
  | 'bad-cb-length'
  | 'bad-txns-prevout-null';

export type CheckTransactionResult = { ok: true } | { ok: false; reason: CheckTransactionReason };

const OK: CheckTransactionResult = { ok: true };

function isNullPrevout(txid: Uint8Array, vout: number): boolean {
  return vout === 0xffffffff && txid.every((b) => b === 0);
}

/**
 * Context-free transaction checks (Core's CheckTransaction), in Core's order, returning
 * Core's reject reason. Scripts, fees and finality are checked elsewhere.
 */
export function checkTransaction(tx: Transaction): CheckTransactionResult {
  const fail = (reason: CheckTransactionReason): CheckTransactionResult => ({ ok: false, reason });
  if (tx.inputs.length === 0) return fail('bad-txns-vin-empty');
  if (tx.outputs.length === 0) return fail('bad-txns-vout-empty');
  // Size limit without witness data (the witness cannot be checked before it is validated).
  if (txBaseSize(tx) * WITNESS_SCALE_FACTOR > MAX_BLOCK_WEIGHT) {
    return fail('bad-txns-oversize');
  }
  let total = 0n;
  for (const o of tx.outputs) {
    if (o.value < 0n) return fail('bad-txns-vout-negative');
    if (o.value > MAX_MONEY) return fail('bad-txns-vout-toolarge');
    total += o.value;
    if (total > MAX_MONEY) return fail('bad-txns-txouttotal-toolarge');
  }
  // CVE-2018-17144: duplicate inputs within one transaction.
  if (hasDuplicateInput(tx)) return fail('bad-txns-inputs-duplicate');
  if (isCoinbase(tx)) {
    const n = tx.inputs[0]!.scriptSig.length;
    if (n < 2 || n > 100) return fail('bad-cb-length');
  } else {
    for (const i of tx.inputs) {
      if (isNullPrevout(i.prevout.txid, i.prevout.vout)) return fail('bad-txns-prevout-null');
    }
  }
  return OK;
}

/** A compact string key per outpoint: the txid as 16 UTF-16 units, then the index. */
function outpointMapKey(txid: Uint8Array, vout: number): string {
  let k = '';
  for (let i = 0; i < 32; i += 2) k += String.fromCharCode(txid[i]! | (txid[i + 1]! << 8));
  return k + vout;
}

function hasDuplicateInput(tx: Transaction): boolean {
  const n = tx.inputs.length;
  if (n < 2) return false;
  if (n <= 8) {
    // few inputs: pairwise comparison allocates nothing
    for (let a = 1; a < n; a++) {
      const pa = tx.inputs[a]!.prevout;
      for (let b = 0; b < a; b++) {
        const pb = tx.inputs[b]!.prevout;
        if (pa.vout === pb.vout && sameHash(pa.txid, pb.txid)) return true;
      }
    }
    return false;
  }
  const seen = new Set<string>();
  for (const i of tx.inputs) {
    const key = outpointMapKey(i.prevout.txid, i.prevout.vout);
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
