/**
 * Core's standardness rules (src/policy/policy.cpp at 30.x): IsStandardTx, dust,
 * AreInputsStandard, IsWitnessStandard. Each returns Core's reject reason or undefined.
 */
import type { Transaction, TxOut } from '@keel/bitcoin';
import { transactionSizes } from '@keel/bitcoin/primitives';
import {
  ANNEX_TAG,
  countScriptSigOps,
  evalScript,
  isP2SH,
  isPushOnly,
  isUnspendable,
  nullSignatureChecker,
  ScriptError,
  SigVersion,
  TAPROOT_LEAF_MASK,
  TAPSCRIPT_LEAF_VERSION,
  witnessProgram,
} from '@keel/bitcoin/script';
import { compactSizeLength } from '@keel/util';
import {
  feeFor,
  MAX_DUST_OUTPUTS_PER_TX,
  MAX_P2SH_SIGOPS,
  MAX_STANDARD_P2WSH_SCRIPT_SIZE,
  MAX_STANDARD_P2WSH_STACK_ITEM_SIZE,
  MAX_STANDARD_P2WSH_STACK_ITEMS,
  MAX_STANDARD_SCRIPTSIG_SIZE,
  MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE,
  MAX_STANDARD_TX_WEIGHT,
  MAX_TX_LEGACY_SIGOPS,
  type MempoolPolicy,
  TX_MAX_STANDARD_VERSION,
} from './policy.ts';
import { isPayToAnchor, solve } from './solver.ts';

/**
 * Core's GetDustThreshold: the value below which spending the output would cost more than it
 * is worth at `dustRelayFee` — the output's size plus a typical input spending it (148 bytes,
 * or 67 vbytes for witness programs). Unspendable outputs are never dust.
 */
export function dustThreshold(out: TxOut, dustRelayFee: bigint): bigint {
  if (isUnspendable(out.scriptPubKey)) return 0n;
  const outSize = 8 + compactSizeLength(out.scriptPubKey.length) + out.scriptPubKey.length;
  const spend = witnessProgram(out.scriptPubKey)
    ? 32 + 4 + 1 + Math.floor(107 / 4) + 4
    : 32 + 4 + 1 + 107 + 4;
  return feeFor(dustRelayFee, outSize + spend);
}

export function isDust(out: TxOut, dustRelayFee: bigint): boolean {
  return out.value < dustThreshold(out, dustRelayFee);
}

/** Indexes of the dust outputs. */
export function dustOutputs(tx: Transaction, dustRelayFee: bigint): number[] {
  const out: number[] = [];
  tx.outputs.forEach((o, i) => {
    if (isDust(o, dustRelayFee)) out.push(i);
  });
  return out;
}

/** Core's IsStandardTx. */
export function isStandardTx(tx: Transaction, policy: MempoolPolicy): string | undefined {
  if (tx.version > TX_MAX_STANDARD_VERSION || tx.version < 1) return 'version';
  // Sighashing is O(inputs × size): the weight cap bounds the CPU a transaction can cost.
  if (transactionSizes(tx).weight > MAX_STANDARD_TX_WEIGHT) return 'tx-size';
  for (const input of tx.inputs) {
    // A 15-of-15 P2SH multisig spend is ~1,627 bytes; 1,650 leaves a little room.
    if (input.scriptSig.length > MAX_STANDARD_SCRIPTSIG_SIZE) return 'scriptsig-size';
    if (!isPushOnly(input.scriptSig)) return 'scriptsig-not-pushonly';
  }
  let dataLeft = policy.maxDatacarrierBytes ?? 0;
  for (const out of tx.outputs) {
    const sol = solve(out.scriptPubKey);
    if (sol.type === 'nonstandard') return 'scriptpubkey';
    if (sol.type === 'multisig' && (sol.n! < 1 || sol.n! > 3 || sol.m! < 1 || sol.m! > sol.n!)) {
      return 'scriptpubkey';
    }
    if (sol.type === 'nulldata') {
      const size = out.scriptPubKey.length;
      if (size > dataLeft) return 'datacarrier';
      dataLeft -= size;
    } else if (sol.type === 'multisig' && !policy.permitBareMultisig) {
      return 'bare-multisig';
    }
  }
  if (dustOutputs(tx, policy.dustRelayFee).length > MAX_DUST_OUTPUTS_PER_TX) return 'dust';
  return undefined;
}

/** The scriptSig's final stack (no signature checks), or undefined if it does not evaluate. */
function scriptSigStack(scriptSig: Uint8Array): Uint8Array[] | undefined {
  const stack: Uint8Array[] = [];
  try {
    evalScript(stack, scriptSig, 0, nullSignatureChecker, SigVersion.BASE);
  } catch (e) {
    if (e instanceof ScriptError) return undefined;
    throw e;
  }
  return stack;
}

/**
 * Core's AreInputsStandard: every spent output is of a known type (not a future witness
 * version), a P2SH redeem script has at most 15 sigops, and (Core 30) the legacy sigops of
 * scriptSigs, spent scriptPubKeys and redeem scripts total at most 2,500.
 */
export function areInputsStandard(tx: Transaction, spent: readonly TxOut[]): boolean {
  let legacySigops = 0;
  for (let i = 0; i < tx.inputs.length; i++) {
    const input = tx.inputs[i]!;
    const prev = spent[i]!.scriptPubKey;
    const type = solve(prev).type;
    if (type === 'nonstandard' || type === 'witness_unknown') return false;
    legacySigops += countScriptSigOps(input.scriptSig, true) + countScriptSigOps(prev, true);
    if (type === 'scripthash') {
      const stack = scriptSigStack(input.scriptSig);
      if (!stack || stack.length === 0) return false;
      const redeemSigops = countScriptSigOps(stack[stack.length - 1]!, true);
      if (redeemSigops > MAX_P2SH_SIGOPS) return false;
      legacySigops += redeemSigops;
    }
    if (legacySigops > MAX_TX_LEGACY_SIGOPS) return false;
  }
  return true;
}

/**
 * Core's IsWitnessStandard: witness data only where a witness program is spent (never for
 * P2A), P2WSH within 3,600-byte scripts and 100 items of 80 bytes, and taproot spends with
 * no annex and tapscript stack items of at most 80 bytes.
 */
export function isWitnessStandard(tx: Transaction, spent: readonly TxOut[]): boolean {
  for (let i = 0; i < tx.inputs.length; i++) {
    const wit = tx.inputs[i]!.witness;
    if (wit.length === 0) continue;
    let prev = spent[i]!.scriptPubKey;
    const p2sh = isP2SH(prev);
    if (p2sh) {
      // The redeem script, read casually: push-only-ness and the hash are checked by scripts.
      const stack = scriptSigStack(tx.inputs[i]!.scriptSig);
      if (!stack || stack.length === 0) return false;
      prev = stack[stack.length - 1]!;
    }
    if (isPayToAnchor(prev)) return false;
    const wp = witnessProgram(prev);
    if (!wp) return false;
    if (wp.version === 0 && wp.program.length === 32) {
      if (wit[wit.length - 1]!.length > MAX_STANDARD_P2WSH_SCRIPT_SIZE) return false;
      if (wit.length - 1 > MAX_STANDARD_P2WSH_STACK_ITEMS) return false;
      for (let j = 0; j < wit.length - 1; j++) {
        if (wit[j]!.length > MAX_STANDARD_P2WSH_STACK_ITEM_SIZE) return false;
      }
    }
    if (wp.version === 1 && wp.program.length === 32 && !p2sh && !taprootWitnessStandard(wit)) {
      return false;
    }
  }
  return true;
}

function taprootWitnessStandard(wit: readonly Uint8Array[]): boolean {
  let stack = wit.slice();
  const last = stack[stack.length - 1]!;
  // BIP341 annex: nonstandard while no semantics are defined for it.
  if (stack.length >= 2 && last.length > 0 && last[0] === ANNEX_TAG) return false;
  if (stack.length >= 2) {
    const control = stack[stack.length - 1]!;
    stack = stack.slice(0, -2); // drop the control block and the script
    if (control.length === 0) return false;
    if ((control[0]! & TAPROOT_LEAF_MASK) === TAPSCRIPT_LEAF_VERSION) {
      if (stack.some((item) => item.length > MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE)) return false;
    }
    return true;
  }
  return stack.length === 1; // key path; 0 items is invalid anyway
}
