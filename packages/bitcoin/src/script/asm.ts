import {
  BufferWriter,
  bytesToHex,
  hexToBytes,
  InvalidArgumentError,
  isHex,
  utf8ToBytes,
} from '@keel/util';
import { encodeScriptNum } from './num.ts';
import { Opcode, opcodeFromName, opcodeName } from './opcodes.ts';
import { readScriptOp } from './script.ts';

/** Pushes `data` with the opcode its length calls for (Core's `CScript << vector`). */
function writeLengthPush(w: BufferWriter, data: Uint8Array): void {
  const n = data.length;
  if (n < Opcode.OP_PUSHDATA1) w.u8(n);
  else if (n <= 0xff) w.u8(Opcode.OP_PUSHDATA1).u8(n);
  else if (n <= 0xffff) w.u8(Opcode.OP_PUSHDATA2).u16le(n);
  else w.u8(Opcode.OP_PUSHDATA4).u32le(n);
  w.bytes(data);
}

const DECIMAL = /^-?[0-9]+$/;

/**
 * Parses the script notation of Bitcoin Core's test vectors (core_read's ParseScript):
 * decimal numbers become the minimal number push (-1 and 1..16 as OP_N), `0x…` words are
 * raw bytes inserted verbatim, `'text'` is pushed, and opcode names are accepted with or
 * without `OP_`. Throws InvalidArgumentError on anything else.
 */
export function parseScriptAsm(asm: string): Uint8Array {
  const w = new BufferWriter(64);
  for (const word of asm.split(/\s+/)) {
    if (word === '') continue;
    if (DECIMAL.test(word)) {
      const n = Number(word);
      if (!Number.isSafeInteger(n) || Math.abs(n) > 0xffffffff) {
        throw new InvalidArgumentError(`script number out of range: ${word}`);
      }
      if (n === 0) w.u8(Opcode.OP_0);
      else if (n === -1) w.u8(Opcode.OP_1NEGATE);
      else if (n >= 1 && n <= 16) w.u8(Opcode.OP_1 + n - 1);
      else writeLengthPush(w, encodeScriptNum(n));
    } else if (word.startsWith('0x') && word.length > 2 && isHex(word)) {
      w.bytes(hexToBytes(word));
    } else if (word.length >= 2 && word.startsWith("'") && word.endsWith("'")) {
      writeLengthPush(w, utf8ToBytes(word.slice(1, -1)));
    } else {
      const op = opcodeFromName(word);
      if (op === undefined) throw new InvalidArgumentError(`unknown script word: ${word}`);
      w.u8(op);
    }
  }
  return w.finish();
}

/**
 * A readable rendering (Core's ScriptToAsmStr without sighash decoding): pushes as hex,
 * opcodes by name, `[error]` after a truncated push.
 */
export function scriptToAsm(script: Uint8Array): string {
  const parts: string[] = [];
  let pc = 0;
  while (pc < script.length) {
    const op = readScriptOp(script, pc);
    if (!op) {
      parts.push('[error]');
      break;
    }
    if (op.data === undefined || op.opcode === Opcode.OP_0) parts.push(opcodeName(op.opcode));
    else parts.push(bytesToHex(op.data));
    pc = op.next;
  }
  return parts.join(' ');
}
