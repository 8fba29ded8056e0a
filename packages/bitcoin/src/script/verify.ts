import { BufferWriter, compactSizeLength, equalBytes } from '@keel/util';
import { sha256 } from '../primitives/_hash.ts';
import type { SignatureChecker } from './checker.ts';
import { ScriptError, type ScriptErrorName, scriptFail } from './errors.ts';
import { ScriptFlags } from './flags.ts';
import { createExecutionData, evalScript } from './interpreter.ts';
import { castToBool } from './num.ts';
import { isOpSuccess, Opcode as O } from './opcodes.ts';
import {
  isP2SH,
  isPushOnly,
  MAX_SCRIPT_ELEMENT_SIZE,
  MAX_STACK_SIZE,
  readScriptOp,
  witnessProgram,
} from './script.ts';
import { type ExecutionData, SigVersion } from './sigversion.ts';
import {
  ANNEX_TAG,
  TAPROOT_CONTROL_BASE_SIZE,
  TAPROOT_CONTROL_MAX_SIZE,
  TAPROOT_CONTROL_NODE_SIZE,
  TAPROOT_LEAF_MASK,
  TAPSCRIPT_LEAF_VERSION,
  tapleafHash,
  taprootMerkleRootFromControl,
} from './taproot.ts';

/** The outcome of `verifyScript`: a verdict, never an exception. */
export type ScriptVerdict = { ok: true } | { ok: false; error: ScriptErrorName };

const OK: ScriptVerdict = { ok: true };
/** BIP342: the validation weight budget starts at the witness size plus this. */
const VALIDATION_WEIGHT_OFFSET = 50;

/**
 * Verifies one input (Core's VerifyScript): scriptSig, then scriptPubKey, then P2SH and
 * witness programs (segwit v0, taproot) as `flags` enable. Returns Core's error name on
 * failure; only bugs (never inputs) can make it throw.
 */
export function verifyScript(
  scriptSig: Uint8Array,
  scriptPubKey: Uint8Array,
  witness: readonly Uint8Array[],
  flags: number,
  checker: SignatureChecker,
): ScriptVerdict {
  try {
    runVerify(scriptSig, scriptPubKey, witness, flags, checker);
    return OK;
  } catch (e) {
    if (e instanceof ScriptError) return { ok: false, error: e.error };
    throw e;
  }
}

function requireTrue(stack: Uint8Array[]): void {
  if (stack.length === 0 || !castToBool(stack[stack.length - 1]!)) scriptFail('EVAL_FALSE');
}

function runVerify(
  scriptSig: Uint8Array,
  scriptPubKey: Uint8Array,
  witness: readonly Uint8Array[],
  flags: number,
  checker: SignatureChecker,
): void {
  if (flags & ScriptFlags.SIGPUSHONLY && !isPushOnly(scriptSig)) scriptFail('SIG_PUSHONLY');
  let stack: Uint8Array[] = [];
  evalScript(stack, scriptSig, flags, checker, SigVersion.BASE);
  const p2shStack = flags & ScriptFlags.P2SH ? stack.slice() : [];
  evalScript(stack, scriptPubKey, flags, checker, SigVersion.BASE);
  requireTrue(stack);

  let hadWitness = false;
  if (flags & ScriptFlags.WITNESS) {
    const wp = witnessProgram(scriptPubKey);
    if (wp) {
      hadWitness = true;
      // Native witness spends must have an empty scriptSig (no malleability).
      if (scriptSig.length !== 0) scriptFail('WITNESS_MALLEATED');
      verifyWitnessProgram(witness, wp.version, wp.program, flags, checker, false);
      stack.length = 1; // bypass the CLEANSTACK check below
    }
  }

  if (flags & ScriptFlags.P2SH && isP2SH(scriptPubKey)) {
    // BIP16: scriptSig must be push-only so the redeem script is exactly what was pushed.
    if (!isPushOnly(scriptSig)) scriptFail('SIG_PUSHONLY');
    stack = p2shStack;
    // Cannot be empty: the scriptPubKey above hashed its top item.
    const redeem = stack.pop()!;
    evalScript(stack, redeem, flags, checker, SigVersion.BASE);
    requireTrue(stack);
    if (flags & ScriptFlags.WITNESS) {
      const wp = witnessProgram(redeem);
      if (wp) {
        hadWitness = true;
        // P2SH-wrapped witness: scriptSig must be exactly one push of the redeem script.
        if (!equalBytes(scriptSig, pushScript(redeem))) scriptFail('WITNESS_MALLEATED_P2SH');
        verifyWitnessProgram(witness, wp.version, wp.program, flags, checker, true);
        stack.length = 1;
      }
    }
  }

  // CLEANSTACK only makes sense with P2SH and WITNESS (Core asserts this combination).
  if (flags & ScriptFlags.CLEANSTACK && stack.length !== 1) scriptFail('CLEANSTACK');
  if (flags & ScriptFlags.WITNESS && !hadWitness && witness.length > 0) {
    scriptFail('WITNESS_UNEXPECTED');
  }
}

/** `CScript() << data`: one push sized by length. */
function pushScript(data: Uint8Array): Uint8Array {
  const w = new BufferWriter(data.length + 5);
  const n = data.length;
  if (n < O.OP_PUSHDATA1) w.u8(n);
  else if (n <= 0xff) w.u8(O.OP_PUSHDATA1).u8(n);
  else if (n <= 0xffff) w.u8(O.OP_PUSHDATA2).u16le(n);
  else w.u8(O.OP_PUSHDATA4).u32le(n);
  return w.bytes(data).finish();
}

function p2wpkhScript(program: Uint8Array): Uint8Array {
  // DUP HASH160 <20-byte program> EQUALVERIFY CHECKSIG, written directly (hot: every P2WPKH input)
  const s = new Uint8Array(25);
  s[0] = O.OP_DUP;
  s[1] = O.OP_HASH160;
  s[2] = 20;
  s.set(program, 3);
  s[23] = O.OP_EQUALVERIFY;
  s[24] = O.OP_CHECKSIG;
  return s;
}

function verifyWitnessProgram(
  witness: readonly Uint8Array[],
  version: number,
  program: Uint8Array,
  flags: number,
  checker: SignatureChecker,
  isP2SHWrapped: boolean,
): void {
  const exec = createExecutionData();
  if (version === 0) {
    if (program.length === 32) {
      if (witness.length === 0) scriptFail('WITNESS_PROGRAM_WITNESS_EMPTY');
      const script = witness[witness.length - 1]!;
      if (!equalBytes(sha256(script), program)) scriptFail('WITNESS_PROGRAM_MISMATCH');
      executeWitnessScript(
        witness.slice(0, -1),
        script,
        flags,
        SigVersion.WITNESS_V0,
        checker,
        exec,
        witness,
      );
      return;
    }
    if (program.length === 20) {
      if (witness.length !== 2) scriptFail('WITNESS_PROGRAM_MISMATCH');
      const script = p2wpkhScript(program);
      executeWitnessScript(
        witness.slice(),
        script,
        flags,
        SigVersion.WITNESS_V0,
        checker,
        exec,
        witness,
      );
      return;
    }
    scriptFail('WITNESS_PROGRAM_WRONG_LENGTH');
  }
  if (version === 1 && program.length === 32 && !isP2SHWrapped) {
    if (!(flags & ScriptFlags.TAPROOT)) return;
    verifyTaproot(witness, program, flags, checker, exec);
    return;
  }
  if (flags & ScriptFlags.DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM) {
    scriptFail('DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM');
  }
  // Other versions and lengths are anyone-can-spend until a soft fork gives them meaning.
}

function verifyTaproot(
  witness: readonly Uint8Array[],
  program: Uint8Array,
  flags: number,
  checker: SignatureChecker,
  exec: ExecutionData,
): void {
  const stack = witness.slice();
  if (stack.length === 0) scriptFail('WITNESS_PROGRAM_WITNESS_EMPTY');
  const last = stack[stack.length - 1]!;
  if (stack.length >= 2 && last.length > 0 && last[0] === ANNEX_TAG) {
    // BIP341: the annex is signed (as its hash) but otherwise ignored.
    exec.annexHash = sha256(new BufferWriter(last.length + 9).varBytes(last).finish());
    stack.pop();
  }
  if (stack.length === 1) {
    // Key path spending: one Schnorr signature for the output key.
    const err = checker.checkSchnorrSignature(stack[0]!, program, SigVersion.TAPROOT, exec);
    if (err) scriptFail(err);
    return;
  }
  const control = stack.pop()!;
  const script = stack.pop()!;
  if (
    control.length < TAPROOT_CONTROL_BASE_SIZE ||
    control.length > TAPROOT_CONTROL_MAX_SIZE ||
    (control.length - TAPROOT_CONTROL_BASE_SIZE) % TAPROOT_CONTROL_NODE_SIZE !== 0
  ) {
    scriptFail('TAPROOT_WRONG_CONTROL_SIZE');
  }
  const leafVersion = control[0]! & TAPROOT_LEAF_MASK;
  const leaf = tapleafHash(leafVersion, script);
  const root = taprootMerkleRootFromControl(control, leaf);
  const internalKey = control.subarray(1, TAPROOT_CONTROL_BASE_SIZE);
  if (!checker.checkTapTweak(internalKey, root, program, control[0]! & 1)) {
    scriptFail('WITNESS_PROGRAM_MISMATCH');
  }
  exec.tapleafHash = leaf;
  if (leafVersion === TAPSCRIPT_LEAF_VERSION) {
    executeWitnessScript(stack, script, flags, SigVersion.TAPSCRIPT, checker, exec, witness);
    return;
  }
  if (flags & ScriptFlags.DISCOURAGE_UPGRADABLE_TAPROOT_VERSION) {
    scriptFail('DISCOURAGE_UPGRADABLE_TAPROOT_VERSION');
  }
  // Unknown leaf versions succeed (reserved for future soft forks).
}

/** Serialized size of a witness stack (BIP342's validation weight base). */
function witnessSize(witness: readonly Uint8Array[]): number {
  let n = compactSizeLength(witness.length);
  for (const w of witness) n += compactSizeLength(w.length) + w.length;
  return n;
}

function executeWitnessScript(
  stack: Uint8Array[],
  script: Uint8Array,
  flags: number,
  sigversion: SigVersion,
  checker: SignatureChecker,
  exec: ExecutionData,
  fullWitness: readonly Uint8Array[],
): void {
  if (sigversion === SigVersion.TAPSCRIPT) {
    exec.validationWeightLeft = witnessSize(fullWitness) + VALIDATION_WEIGHT_OFFSET;
    // BIP342: any OP_SUCCESSx makes the script succeed before anything else is checked,
    // but the script must first parse.
    let pc = 0;
    while (pc < script.length) {
      const op = readScriptOp(script, pc);
      if (!op) scriptFail('BAD_OPCODE');
      if (isOpSuccess(op.opcode)) {
        if (flags & ScriptFlags.DISCOURAGE_OP_SUCCESS) scriptFail('DISCOURAGE_OP_SUCCESS');
        return;
      }
      pc = op.next;
    }
    if (stack.length > MAX_STACK_SIZE) scriptFail('STACK_SIZE');
  }
  for (const item of stack) if (item.length > MAX_SCRIPT_ELEMENT_SIZE) scriptFail('PUSH_SIZE');
  evalScript(stack, script, flags, checker, sigversion, exec);
  // Witness scripts always need a clean stack with one true item (consensus, not policy).
  if (stack.length !== 1) scriptFail('CLEANSTACK');
  if (!castToBool(stack[0]!)) scriptFail('EVAL_FALSE');
}
