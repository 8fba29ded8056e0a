import { BufferWriter, DecodeError, DecodeErrorCode } from '@keel/util';
import { decodeSmallInt, Opcode } from './opcodes.ts';

/**
 * One parsed script operation. `data` is set for push opcodes (0x00-0x4e) and is a view into
 * the script, not a copy. `pos` is where the opcode byte sits, `next` where the following
 * operation starts.
 */
export interface ScriptOp {
  opcode: number;
  data: Uint8Array | undefined;
  pos: number;
  next: number;
}

/** Largest push a script may execute (Core's MAX_SCRIPT_ELEMENT_SIZE). */
export const MAX_SCRIPT_ELEMENT_SIZE = 520;
/** Non-push opcodes a legacy/v0 script may execute. */
export const MAX_OPS_PER_SCRIPT = 201;
/** Keys in one CHECKMULTISIG. */
export const MAX_PUBKEYS_PER_MULTISIG = 20;
/** Combined main + alt stack size limit. */
export const MAX_STACK_SIZE = 1000;

/**
 * Reads the operation at `pc`, like Core's GetScriptOp. Returns `null` when a push runs past
 * the end of the script (the opcode or its length field is truncated); callers that
 * iterate stop there. Never allocates beyond the result object.
 */
export function readScriptOp(script: Uint8Array, pc: number): ScriptOp | null {
  const end = script.length;
  if (pc >= end) return null;
  const opcode = script[pc]!;
  let p = pc + 1;
  if (opcode > Opcode.OP_PUSHDATA4) return { opcode, data: undefined, pos: pc, next: p };
  let size: number;
  if (opcode < Opcode.OP_PUSHDATA1) {
    size = opcode;
  } else if (opcode === Opcode.OP_PUSHDATA1) {
    if (end - p < 1) return null;
    size = script[p]!;
    p += 1;
  } else if (opcode === Opcode.OP_PUSHDATA2) {
    if (end - p < 2) return null;
    size = script[p]! | (script[p + 1]! << 8);
    p += 2;
  } else {
    if (end - p < 4) return null;
    size = (script[p]! | (script[p + 1]! << 8) | (script[p + 2]! << 16)) + script[p + 3]! * 2 ** 24;
    p += 4;
  }
  if (end - p < size) return null;
  return { opcode, data: script.subarray(p, p + size), pos: pc, next: p + size };
}

/**
 * Where the operation at `pc` ends (the next pc), or -1 when a push's length prefix or data
 * runs past the script: `readScriptOp` without allocating (hot loops).
 */
export function scriptOpEnd(script: Uint8Array, pc: number): number {
  const op = script[pc]!;
  if (op > Opcode.OP_PUSHDATA4) return pc + 1;
  const n = script.length;
  let p = pc + 1;
  let size: number;
  if (op < Opcode.OP_PUSHDATA1) size = op;
  else if (op === Opcode.OP_PUSHDATA1) {
    if (n - p < 1) return -1;
    size = script[p]!;
    p += 1;
  } else if (op === Opcode.OP_PUSHDATA2) {
    if (n - p < 2) return -1;
    size = script[p]! | (script[p + 1]! << 8);
    p += 2;
  } else {
    if (n - p < 4) return -1;
    size = (script[p]! | (script[p + 1]! << 8) | (script[p + 2]! << 16)) + script[p + 3]! * 2 ** 24;
    p += 4;
  }
  return n - p < size ? -1 : p + size;
}

/** Iterates the operations of `script`; `ok` is false when iteration stopped at a bad push. */
export function parseScript(script: Uint8Array): { ops: ScriptOp[]; ok: boolean } {
  const ops: ScriptOp[] = [];
  let pc = 0;
  while (pc < script.length) {
    const op = readScriptOp(script, pc);
    if (!op) return { ops, ok: false };
    ops.push(op);
    pc = op.next;
  }
  return { ops, ok: true };
}

/** Parses a script that must be well formed; throws DecodeError on a truncated push. */
export function decodeScript(script: Uint8Array): ScriptOp[] {
  const { ops, ok } = parseScript(script);
  if (!ok) {
    const at = ops.length ? ops[ops.length - 1]!.next : 0;
    throw new DecodeError(DecodeErrorCode.OUT_OF_BOUNDS, `truncated push at script offset ${at}`, {
      offset: at,
    });
  }
  return ops;
}

/** A script element for `encodeScript`: an opcode, or bytes pushed with the minimal push. */
export type ScriptChunk = number | Uint8Array;

/**
 * Serializes operations. A `ScriptOp` is written exactly as parsed (non-minimal pushes
 * survive a round trip); a bare `Uint8Array` gets the minimal push, a number is an opcode.
 */
export function encodeScript(chunks: readonly (ScriptChunk | ScriptOp)[]): Uint8Array {
  const w = new BufferWriter(64);
  for (const c of chunks) {
    if (typeof c === 'number') w.u8(c);
    else if (c instanceof Uint8Array) writeMinimalPush(w, c);
    else if (c.data === undefined) w.u8(c.opcode);
    else writePush(w, c.opcode, c.data);
  }
  return w.finish();
}

/** Writes `data` with an explicit push opcode (0x00-0x4b, PUSHDATA1/2/4). */
function writePush(w: BufferWriter, opcode: number, data: Uint8Array): void {
  w.u8(opcode);
  if (opcode === Opcode.OP_PUSHDATA1) w.u8(data.length);
  else if (opcode === Opcode.OP_PUSHDATA2) w.u16le(data.length);
  else if (opcode === Opcode.OP_PUSHDATA4) w.u32le(data.length);
  w.bytes(data);
}

/** The push opcode Core's MINIMALDATA rule expects for `data`. */
export function minimalPushOpcode(data: Uint8Array): number {
  if (data.length === 0) return Opcode.OP_0;
  if (data.length === 1 && data[0]! >= 1 && data[0]! <= 16) return Opcode.OP_1 + data[0]! - 1;
  if (data.length === 1 && data[0] === 0x81) return Opcode.OP_1NEGATE;
  if (data.length <= 75) return data.length;
  if (data.length <= 0xff) return Opcode.OP_PUSHDATA1;
  if (data.length <= 0xffff) return Opcode.OP_PUSHDATA2;
  return Opcode.OP_PUSHDATA4;
}

function writeMinimalPush(w: BufferWriter, data: Uint8Array): void {
  const op = minimalPushOpcode(data);
  if (op === Opcode.OP_0 || op > Opcode.OP_PUSHDATA4) w.u8(op);
  else writePush(w, op, data);
}

/** The minimal push of `data` as script bytes. */
export function encodePush(data: Uint8Array): Uint8Array {
  return encodeScript([data]);
}

/** BIP62 rule 3 (MINIMALDATA): was `data` pushed with the smallest possible opcode? */
export function isMinimalPush(data: Uint8Array, opcode: number): boolean {
  return minimalPushOpcode(data) === opcode;
}

/** True when every operation is a push (OP_RESERVED counts as one, as in Core's IsPushOnly). */
export function isPushOnly(script: Uint8Array): boolean {
  let pc = 0;
  while (pc < script.length) {
    const op = readScriptOp(script, pc);
    if (!op || op.opcode > Opcode.OP_16) return false;
    pc = op.next;
  }
  return true;
}

/** BIP16 pay-to-script-hash: `OP_HASH160 <20 bytes> OP_EQUAL`, exactly 23 bytes. */
export function isP2SH(script: Uint8Array): boolean {
  return (
    script.length === 23 &&
    script[0] === Opcode.OP_HASH160 &&
    script[1] === 0x14 &&
    script[22] === Opcode.OP_EQUAL
  );
}

/** `OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG`. */
export function isP2PKH(script: Uint8Array): boolean {
  return (
    script.length === 25 &&
    script[0] === Opcode.OP_DUP &&
    script[1] === Opcode.OP_HASH160 &&
    script[2] === 0x14 &&
    script[23] === Opcode.OP_EQUALVERIFY &&
    script[24] === Opcode.OP_CHECKSIG
  );
}

/** A BIP141 witness program: version and program bytes (a view into `script`). */
export interface WitnessProgram {
  version: number;
  program: Uint8Array;
}

/**
 * BIP141: a 4-42 byte script of a version opcode (OP_0, OP_1..OP_16) followed by one direct
 * push of 2-40 bytes. Returns null for anything else.
 */
export function witnessProgram(script: Uint8Array): WitnessProgram | null {
  if (script.length < 4 || script.length > 42) return null;
  const v = script[0]!;
  if (v !== Opcode.OP_0 && (v < Opcode.OP_1 || v > Opcode.OP_16)) return null;
  if (script[1]! + 2 !== script.length) return null;
  return { version: decodeSmallInt(v), program: script.subarray(2) };
}

export function isWitnessProgram(script: Uint8Array): boolean {
  return witnessProgram(script) !== null;
}

export function isP2WPKH(script: Uint8Array): boolean {
  return script.length === 22 && script[0] === Opcode.OP_0 && script[1] === 0x14;
}

export function isP2WSH(script: Uint8Array): boolean {
  return script.length === 34 && script[0] === Opcode.OP_0 && script[1] === 0x20;
}

/** BIP341 pay-to-taproot: `OP_1 <32 bytes>`. */
export function isP2TR(script: Uint8Array): boolean {
  return script.length === 34 && script[0] === Opcode.OP_1 && script[1] === 0x20;
}

/** Provably unspendable: starts with OP_RETURN or exceeds MAX_SCRIPT_SIZE (Core's IsUnspendable). */
export function isUnspendable(script: Uint8Array): boolean {
  return (script.length > 0 && script[0] === Opcode.OP_RETURN) || script.length > 10_000;
}
