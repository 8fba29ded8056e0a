import { InvalidArgumentError } from '@keel/util';
import { WITNESS_SCALE_FACTOR } from '../primitives/limits.ts';
import type { Transaction, TxOut } from '../primitives/transaction.ts';
import { isCoinbase } from '../primitives/transaction.ts';
import { decodeSmallInt, Opcode } from './opcodes.ts';
import {
  isP2SH,
  isPushOnly,
  MAX_PUBKEYS_PER_MULTISIG,
  readScriptOp,
  scriptOpEnd,
  witnessProgram,
} from './script.ts';

/**
 * Signature-operation counting, as Core's CScript::GetSigOpCount and
 * GetTransactionSigOpCost. Legacy counting charges 20 for every CHECKMULTISIG; "accurate"
 * counting (P2SH redeem scripts, witness scripts) uses the preceding OP_1..OP_16.
 */
export function countScriptSigOps(script: Uint8Array, accurate: boolean): number {
  let n = 0;
  let last = -1;
  let pc = 0;
  while (pc < script.length) {
    const next = scriptOpEnd(script, pc);
    if (next < 0) break; // counting stops at a truncated push, like Core
    const c = script[pc]!;
    if (c === Opcode.OP_CHECKSIG || c === Opcode.OP_CHECKSIGVERIFY) n++;
    else if (c === Opcode.OP_CHECKMULTISIG || c === Opcode.OP_CHECKMULTISIGVERIFY) {
      n +=
        accurate && last >= Opcode.OP_1 && last <= Opcode.OP_16
          ? decodeSmallInt(last)
          : MAX_PUBKEYS_PER_MULTISIG;
    }
    last = c;
    pc = next;
  }
  return n;
}

/** The data of the last push in a push-only scriptSig, or undefined if it is not push-only. */
function lastPush(scriptSig: Uint8Array): Uint8Array | undefined {
  let data: Uint8Array = new Uint8Array(0);
  let pc = 0;
  while (pc < scriptSig.length) {
    const op = readScriptOp(scriptSig, pc);
    if (!op || op.opcode > Opcode.OP_16) return undefined;
    data = op.data ?? new Uint8Array(0);
    pc = op.next;
  }
  return data;
}

/** BIP16 sigops of spending `scriptPubKey` with `scriptSig`: the redeem script's accurate count. */
export function countP2SHSigOps(scriptPubKey: Uint8Array, scriptSig: Uint8Array): number {
  if (!isP2SH(scriptPubKey)) return countScriptSigOps(scriptPubKey, true);
  const redeem = lastPush(scriptSig);
  return redeem === undefined ? 0 : countScriptSigOps(redeem, true);
}

function witnessProgramSigOps(version: number, program: Uint8Array, witness: Uint8Array[]) {
  if (version !== 0) return 0; // BIP342: tapscript sigops are budgeted per input instead
  if (program.length === 20) return 1;
  if (program.length === 32 && witness.length > 0) {
    return countScriptSigOps(witness[witness.length - 1]!, true);
  }
  return 0;
}

/** BIP141 witness sigops of one input (P2WPKH = 1, P2WSH = its witness script, nested too). */
export function countWitnessSigOps(
  scriptSig: Uint8Array,
  scriptPubKey: Uint8Array,
  witness: Uint8Array[],
): number {
  const direct = witnessProgram(scriptPubKey);
  if (direct) return witnessProgramSigOps(direct.version, direct.program, witness);
  if (isP2SH(scriptPubKey) && isPushOnly(scriptSig)) {
    const redeem = lastPush(scriptSig);
    const nested = redeem ? witnessProgram(redeem) : null;
    if (nested) return witnessProgramSigOps(nested.version, nested.program, witness);
  }
  return 0;
}

/** Core's GetLegacySigOpCount: every scriptSig and scriptPubKey, inaccurate counting. */
export function legacySigOpCount(tx: Transaction): number {
  let n = 0;
  for (const i of tx.inputs) n += countScriptSigOps(i.scriptSig, false);
  for (const o of tx.outputs) n += countScriptSigOps(o.scriptPubKey, false);
  return n;
}

/** Core's GetP2SHSigOpCount: redeem-script sigops of inputs spending P2SH outputs. */
export function p2shSigOpCount(tx: Transaction, spent: readonly TxOut[]): number {
  if (isCoinbase(tx)) return 0;
  let n = 0;
  tx.inputs.forEach((input, i) => {
    const spk = spent[i]!.scriptPubKey;
    if (isP2SH(spk)) n += countP2SHSigOps(spk, input.scriptSig);
  });
  return n;
}

/**
 * Core's GetTransactionSigOpCost: legacy and P2SH sigops cost 4 each (the witness scale
 * factor), witness sigops 1 each. `spent` holds the outputs the inputs spend, in order.
 */
export function transactionSigOpCost(
  tx: Transaction,
  spent: readonly TxOut[],
  opts: { p2sh: boolean; witness: boolean },
): number {
  let cost = legacySigOpCount(tx) * WITNESS_SCALE_FACTOR;
  if (isCoinbase(tx)) return cost;
  if ((opts.p2sh || opts.witness) && spent.length !== tx.inputs.length) {
    // found by fuzzing (fuzz/corpus/block): a short list used to crash with a TypeError
    throw new InvalidArgumentError(
      `spent outputs (${spent.length}) must match the inputs (${tx.inputs.length})`,
      { spent: spent.length, inputs: tx.inputs.length },
    );
  }
  if (opts.p2sh) cost += p2shSigOpCount(tx, spent) * WITNESS_SCALE_FACTOR;
  if (opts.witness) {
    tx.inputs.forEach((input, i) => {
      cost += countWitnessSigOps(input.scriptSig, spent[i]!.scriptPubKey, input.witness);
    });
  }
  return cost;
}
