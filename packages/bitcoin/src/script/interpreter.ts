import { Machine } from './_machine.ts';
import { cryptoOp, numericOp, stackOp } from './_ops.ts';
import type { SignatureChecker } from './checker.ts';
import { ScriptError, scriptFail } from './errors.ts';
import { findAndDelete, pushOf } from './findAndDelete.ts';
import { ScriptFlags } from './flags.ts';
import { castToBool } from './num.ts';
import { Opcode as O } from './opcodes.ts';
import {
  isMinimalPush,
  MAX_OPS_PER_SCRIPT,
  MAX_PUBKEYS_PER_MULTISIG,
  MAX_SCRIPT_ELEMENT_SIZE,
  MAX_STACK_SIZE,
  scriptOpEnd,
} from './script.ts';
import { checkPubKeyEncoding, checkSignatureEncoding } from './sigencoding.ts';
import { type ExecutionData, SigVersion } from './sigversion.ts';

const MAX_SCRIPT_SIZE = 10_000;
/** BIP342: each executed signature check costs this much validation weight. */
export const VALIDATION_WEIGHT_PER_SIGOP_PASSED = 50;
const LOCKTIME_MAX_BYTES = 5;
const SEQUENCE_LOCKTIME_DISABLE_FLAG = 0x80000000;

function isDisabled(op: number): boolean {
  return (
    op === O.OP_CAT ||
    op === O.OP_SUBSTR ||
    op === O.OP_LEFT ||
    op === O.OP_RIGHT ||
    op === O.OP_INVERT ||
    op === O.OP_AND ||
    op === O.OP_OR ||
    op === O.OP_XOR ||
    op === O.OP_2MUL ||
    op === O.OP_2DIV ||
    op === O.OP_MUL ||
    op === O.OP_DIV ||
    op === O.OP_MOD ||
    op === O.OP_LSHIFT ||
    op === O.OP_RSHIFT
  );
}

/** Size of the push starting at `pc` (its length prefix already validated by pushEnd). */
function pushSize(script: Uint8Array, pc: number): number {
  const op = script[pc]!;
  if (op < O.OP_PUSHDATA1) return op;
  if (op === O.OP_PUSHDATA1) return script[pc + 1]!;
  if (op === O.OP_PUSHDATA2) return script[pc + 1]! | (script[pc + 2]! << 8);
  return (
    (script[pc + 1]! | (script[pc + 2]! << 8) | (script[pc + 3]! << 16)) + script[pc + 4]! * 2 ** 24
  );
}

/** A fresh ExecutionData with no code separator, annex or leaf. */
export function createExecutionData(): ExecutionData {
  return {
    codeSeparatorPos: 0xffffffff,
    annexHash: undefined,
    tapleafHash: undefined,
    validationWeightLeft: 0,
  };
}

/**
 * Runs one script over `stack` (Core's EvalScript). Failures throw ScriptError; callers
 * turn them into verdicts. `stack` is modified in place.
 */
export function evalScript(
  stack: Uint8Array[],
  script: Uint8Array,
  flags: number,
  checker: SignatureChecker,
  sigversion: SigVersion,
  exec: ExecutionData = createExecutionData(),
): void {
  const legacyLimits = sigversion === SigVersion.BASE || sigversion === SigVersion.WITNESS_V0;
  if (legacyLimits && script.length > MAX_SCRIPT_SIZE) scriptFail('SCRIPT_SIZE');
  const m = new Machine(stack, script, flags, checker, sigversion, exec);
  exec.codeSeparatorPos = 0xffffffff;
  let pc = 0;
  for (let opcodePos = 0; pc < script.length; opcodePos++) {
    const executing = m.falseCount === 0;
    // Inline GetScriptOp: no per-opcode object; a push's data is a view into the script.
    const opcode = script[pc]!;
    let data: Uint8Array | undefined;
    if (opcode <= O.OP_PUSHDATA4) {
      const end = scriptOpEnd(script, pc);
      if (end < 0) scriptFail('BAD_OPCODE');
      const start = end - pushSize(script, pc);
      if (end - start > MAX_SCRIPT_ELEMENT_SIZE) scriptFail('PUSH_SIZE');
      data = script.subarray(start, end);
      pc = end;
    } else pc++;
    if (legacyLimits && opcode > O.OP_16 && ++m.opCount > MAX_OPS_PER_SCRIPT) {
      scriptFail('OP_COUNT');
    }
    if (isDisabled(opcode)) scriptFail('DISABLED_OPCODE');
    if (
      opcode === O.OP_CODESEPARATOR &&
      sigversion === SigVersion.BASE &&
      flags & ScriptFlags.CONST_SCRIPTCODE
    ) {
      scriptFail('OP_CODESEPARATOR');
    }
    if (data) {
      if (executing) {
        if (flags & ScriptFlags.MINIMALDATA && !isMinimalPush(data, opcode)) {
          scriptFail('MINIMALDATA');
        }
        m.push(data);
      }
    } else if (executing || (opcode >= O.OP_IF && opcode <= O.OP_ENDIF)) {
      step(m, opcode, executing, pc, opcodePos);
    }
    if (m.stack.length + m.alt.length > MAX_STACK_SIZE) scriptFail('STACK_SIZE');
  }
  if (m.cond.length !== 0) scriptFail('UNBALANCED_CONDITIONAL');
}

/** Executes one non-push opcode. */
function step(m: Machine, opcode: number, executing: boolean, pc: number, opcodePos: number): void {
  const { flags } = m;
  switch (opcode) {
    case O.OP_1NEGATE:
    case O.OP_1:
    case O.OP_2:
    case O.OP_3:
    case O.OP_4:
    case O.OP_5:
    case O.OP_6:
    case O.OP_7:
    case O.OP_8:
    case O.OP_9:
    case O.OP_10:
    case O.OP_11:
    case O.OP_12:
    case O.OP_13:
    case O.OP_14:
    case O.OP_15:
    case O.OP_16:
      m.pushNum(opcode - (O.OP_1 - 1));
      return;
    case O.OP_NOP:
      return;
    case O.OP_CHECKLOCKTIMEVERIFY: {
      // Not enabled: a plain NOP (never discouraged, so removing flags cannot invalidate).
      if (!(flags & ScriptFlags.CHECKLOCKTIMEVERIFY)) return;
      m.need(1);
      // BIP65: 5-byte operand so times up to 2^39-1 fit.
      const lockTime = m.num(1, LOCKTIME_MAX_BYTES);
      if (lockTime < 0) scriptFail('NEGATIVE_LOCKTIME');
      if (!m.checker.checkLockTime(lockTime)) scriptFail('UNSATISFIED_LOCKTIME');
      return;
    }
    case O.OP_CHECKSEQUENCEVERIFY: {
      if (!(flags & ScriptFlags.CHECKSEQUENCEVERIFY)) return;
      m.need(1);
      const sequence = m.num(1, LOCKTIME_MAX_BYTES);
      if (sequence < 0) scriptFail('NEGATIVE_LOCKTIME');
      // BIP112: with the disable flag set the operand is a NOP.
      if (sequence & SEQUENCE_LOCKTIME_DISABLE_FLAG) return;
      if (!m.checker.checkSequence(sequence)) scriptFail('UNSATISFIED_LOCKTIME');
      return;
    }
    case O.OP_NOP1:
    case O.OP_NOP4:
    case O.OP_NOP5:
    case O.OP_NOP6:
    case O.OP_NOP7:
    case O.OP_NOP8:
    case O.OP_NOP9:
    case O.OP_NOP10:
      upgradableNop(flags);
      return;
    case O.OP_IF:
    case O.OP_NOTIF:
      opIf(m, opcode, executing);
      return;
    case O.OP_ELSE:
      if (m.cond.length === 0) scriptFail('UNBALANCED_CONDITIONAL');
      {
        const i = m.cond.length - 1;
        m.falseCount += m.cond[i] ? 1 : -1;
        m.cond[i] = !m.cond[i];
      }
      return;
    case O.OP_ENDIF:
      if (m.cond.length === 0) scriptFail('UNBALANCED_CONDITIONAL');
      if (!m.cond.pop()) m.falseCount--;
      return;
    case O.OP_VERIFY:
      m.need(1);
      if (!castToBool(m.top())) scriptFail('VERIFY');
      m.pop();
      return;
    case O.OP_RETURN:
      throw new ScriptError('OP_RETURN');
    case O.OP_CODESEPARATOR:
      // Core: all signature checks after this see the script from here on.
      m.codeStart = pc;
      m.exec.codeSeparatorPos = opcodePos;
      return;
    case O.OP_CHECKSIG:
    case O.OP_CHECKSIGVERIFY: {
      m.need(2);
      const ok = evalChecksig(m, m.top(2), m.top(1));
      m.pop();
      m.pop();
      if (opcode === O.OP_CHECKSIGVERIFY) {
        if (!ok) scriptFail('CHECKSIGVERIFY');
      } else m.pushBool(ok);
      return;
    }
    case O.OP_CHECKSIGADD: {
      if (m.sigversion !== SigVersion.TAPSCRIPT) scriptFail('BAD_OPCODE');
      m.need(3);
      const sig = m.top(3);
      const n = m.num(2);
      const ok = evalChecksig(m, sig, m.top(1));
      m.pop();
      m.pop();
      m.pop();
      m.pushNum(n + (ok ? 1 : 0));
      return;
    }
    case O.OP_CHECKMULTISIG:
    case O.OP_CHECKMULTISIGVERIFY:
      checkMultisig(m, opcode === O.OP_CHECKMULTISIGVERIFY);
      return;
    default:
      if (stackOp(m, opcode) || numericOp(m, opcode) || cryptoOp(m, opcode)) return;
      scriptFail('BAD_OPCODE');
  }
}

function upgradableNop(flags: number): void {
  if (flags & ScriptFlags.DISCOURAGE_UPGRADABLE_NOPS) scriptFail('DISCOURAGE_UPGRADABLE_NOPS');
}

function opIf(m: Machine, opcode: number, executing: boolean): void {
  let value = false;
  if (executing) {
    // The vectors (Core's script_tests.json as synced) expect INVALID_STACK_OPERATION here.
    m.need(1);
    const v = m.top();
    const minimalIf =
      m.sigversion === SigVersion.TAPSCRIPT ||
      (m.sigversion === SigVersion.WITNESS_V0 && m.flags & ScriptFlags.MINIMALIF);
    if (minimalIf && (v.length > 1 || (v.length === 1 && v[0] !== 1))) {
      // BIP342 makes MINIMALIF consensus in tapscript.
      scriptFail(m.sigversion === SigVersion.TAPSCRIPT ? 'TAPSCRIPT_MINIMALIF' : 'MINIMALIF');
    }
    value = castToBool(v);
    if (opcode === O.OP_NOTIF) value = !value;
    m.pop();
  }
  m.cond.push(value);
  if (!value) m.falseCount++;
}

/** OP_CHECKSIG semantics for every sig version (Core's EvalChecksig). */
function evalChecksig(m: Machine, sig: Uint8Array, pubkey: Uint8Array): boolean {
  if (m.sigversion === SigVersion.TAPSCRIPT) return evalChecksigTapscript(m, sig, pubkey);
  let scriptCode = m.script.subarray(m.codeStart);
  if (m.sigversion === SigVersion.BASE) {
    // Pre-segwit: a signature cannot sign itself, so it is removed from the scriptCode.
    // the push of sig is longer than sig: a shorter scriptCode cannot hold it (no copy made)
    if (sig.length < scriptCode.length) {
      const r = findAndDelete(scriptCode, pushOf(sig));
      if (r.count > 0 && m.flags & ScriptFlags.CONST_SCRIPTCODE) scriptFail('SIG_FINDANDDELETE');
      scriptCode = r.script;
    }
  }
  checkSignatureEncoding(sig, m.flags);
  checkPubKeyEncoding(pubkey, m.flags, m.sigversion);
  const ok = m.checker.checkECDSASignature(sig, pubkey, scriptCode, m.sigversion);
  if (!ok && m.flags & ScriptFlags.NULLFAIL && sig.length) scriptFail('NULLFAIL');
  return ok;
}

function evalChecksigTapscript(m: Machine, sig: Uint8Array, pubkey: Uint8Array): boolean {
  // BIP342: an empty signature is a valid "no" and costs nothing.
  const nonEmpty = sig.length !== 0;
  if (nonEmpty) {
    m.exec.validationWeightLeft -= VALIDATION_WEIGHT_PER_SIGOP_PASSED;
    if (m.exec.validationWeightLeft < 0) scriptFail('TAPSCRIPT_VALIDATION_WEIGHT');
  }
  if (pubkey.length === 0) scriptFail('TAPSCRIPT_EMPTY_PUBKEY');
  if (pubkey.length === 32) {
    if (nonEmpty) {
      const err = m.checker.checkSchnorrSignature(sig, pubkey, m.sigversion, m.exec);
      if (err) scriptFail(err);
    }
  } else if (m.flags & ScriptFlags.DISCOURAGE_UPGRADABLE_PUBKEYTYPE) {
    // Unknown key types succeed for any non-empty signature (soft-fork space).
    scriptFail('DISCOURAGE_UPGRADABLE_PUBKEYTYPE');
  }
  return nonEmpty;
}

function checkMultisig(m: Machine, verify: boolean): void {
  if (m.sigversion === SigVersion.TAPSCRIPT) scriptFail('TAPSCRIPT_CHECKMULTISIG');
  const { flags } = m;
  let i = 1;
  m.need(i);
  let keys = m.num(i);
  if (keys < 0 || keys > MAX_PUBKEYS_PER_MULTISIG) scriptFail('PUBKEY_COUNT');
  m.opCount += keys;
  if (m.opCount > MAX_OPS_PER_SCRIPT) scriptFail('OP_COUNT');
  let ikey = ++i;
  // Keys not reached by the loop must also be NULLFAIL-checked below: track how many.
  let ikey2 = keys + 2;
  i += keys;
  m.need(i);
  let sigs = m.num(i);
  if (sigs < 0 || sigs > keys) scriptFail('SIG_COUNT');
  let isig = ++i;
  i += sigs;
  m.need(i);

  let scriptCode = m.script.subarray(m.codeStart);
  for (let k = 0; k < sigs; k++) {
    const sig = m.top(isig + k);
    if (m.sigversion === SigVersion.BASE) {
      const r = findAndDelete(scriptCode, pushOf(sig));
      if (r.count > 0 && flags & ScriptFlags.CONST_SCRIPTCODE) scriptFail('SIG_FINDANDDELETE');
      scriptCode = r.script;
    }
  }

  let success = true;
  while (success && sigs > 0) {
    const sig = m.top(isig);
    const pubkey = m.top(ikey);
    checkSignatureEncoding(sig, flags);
    checkPubKeyEncoding(pubkey, flags, m.sigversion);
    if (m.checker.checkECDSASignature(sig, pubkey, scriptCode, m.sigversion)) {
      isig++;
      sigs--;
    }
    ikey++;
    keys--;
    // More signatures left than keys: it can no longer succeed.
    if (sigs > keys) success = false;
  }

  // Clean up the stack, NULLFAIL-checking the signatures.
  while (i-- > 1) {
    if (!success && flags & ScriptFlags.NULLFAIL && ikey2 === 0 && m.top().length) {
      scriptFail('NULLFAIL');
    }
    if (ikey2 > 0) ikey2--;
    m.pop();
  }
  // The extra item Satoshi's off-by-one consumes; BIP147 makes it be empty.
  m.need(1);
  if (flags & ScriptFlags.NULLDUMMY && m.top().length) scriptFail('SIG_NULLDUMMY');
  m.pop();
  if (verify) {
    if (!success) scriptFail('CHECKMULTISIGVERIFY');
  } else m.pushBool(success);
}
