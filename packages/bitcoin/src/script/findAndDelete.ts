import { concatBytes } from '@keel/util';
import { Opcode as O } from './opcodes.ts';
import { readScriptOp } from './script.ts';

/**
 * Core's FindAndDelete: removes every occurrence of `pattern` that starts on an opcode
 * boundary. Returns the script (unchanged object when nothing matched) and the count.
 */
export function findAndDelete(
  script: Uint8Array,
  pattern: Uint8Array,
): { script: Uint8Array; count: number } {
  // a pattern longer than the script cannot occur (P2PKH: 25-byte scriptCode, ~72-byte sig push)
  if (pattern.length === 0 || pattern.length > script.length) return { script, count: 0 };
  const parts: Uint8Array[] = [];
  let count = 0;
  let pc = 0;
  let kept = 0;
  for (;;) {
    parts.push(script.subarray(kept, pc));
    while (script.length - pc >= pattern.length && matchAt(script, pc, pattern)) {
      pc += pattern.length;
      count++;
    }
    kept = pc;
    const op = readScriptOp(script, pc);
    if (!op) break;
    pc = op.next;
  }
  if (count === 0) return { script, count };
  parts.push(script.subarray(kept));
  return { script: concatBytes(...parts), count };
}

function matchAt(script: Uint8Array, at: number, pattern: Uint8Array): boolean {
  for (let i = 0; i < pattern.length; i++) if (script[at + i] !== pattern[i]) return false;
  return true;
}

/** `CScript() << sig`: the signature pushed by length (what FindAndDelete removes). */
export function pushOf(data: Uint8Array): Uint8Array {
  const n = data.length;
  const head =
    n < O.OP_PUSHDATA1 ? [n] : n <= 0xff ? [O.OP_PUSHDATA1, n] : [O.OP_PUSHDATA2, n & 0xff, n >> 8];
  const out = new Uint8Array(head.length + n);
  out.set(head);
  out.set(data, head.length);
  return out;
}
