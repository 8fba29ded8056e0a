import { sha1 } from '@keel/crypto';
import { equalBytes } from '@keel/util';
import { hash160, ripemd160, sha256, sha256d } from '../primitives/_hash.ts';
import type { Machine } from './_machine.ts';
import { scriptFail } from './errors.ts';
import { castToBool } from './num.ts';
import { Opcode as O } from './opcodes.ts';

/** Stack manipulation, OP_SIZE and OP_EQUAL(VERIFY); false when `opcode` is not one of them. */
export function stackOp(m: Machine, opcode: number): boolean {
  const s = m.stack;
  switch (opcode) {
    case O.OP_TOALTSTACK:
      m.need(1);
      m.alt.push(m.pop());
      return true;
    case O.OP_FROMALTSTACK:
      if (m.alt.length < 1) scriptFail('INVALID_ALTSTACK_OPERATION');
      m.push(m.alt.pop()!);
      return true;
    case O.OP_2DROP:
      m.need(2);
      s.length -= 2;
      return true;
    case O.OP_2DUP: {
      m.need(2);
      const a = m.top(2);
      const b = m.top(1);
      s.push(a, b);
      return true;
    }
    case O.OP_3DUP: {
      m.need(3);
      const a = m.top(3);
      const b = m.top(2);
      const c = m.top(1);
      s.push(a, b, c);
      return true;
    }
    case O.OP_2OVER: {
      m.need(4);
      const a = m.top(4);
      const b = m.top(3);
      s.push(a, b);
      return true;
    }
    case O.OP_2ROT: {
      m.need(6);
      const [a, b] = s.splice(s.length - 6, 2);
      s.push(a!, b!);
      return true;
    }
    case O.OP_2SWAP:
      m.need(4);
      m.swap(4, 2);
      m.swap(3, 1);
      return true;
    case O.OP_IFDUP:
      m.need(1);
      if (castToBool(m.top())) s.push(m.top());
      return true;
    case O.OP_DEPTH:
      m.pushNum(s.length);
      return true;
    case O.OP_DROP:
      m.need(1);
      s.pop();
      return true;
    case O.OP_DUP:
      m.need(1);
      s.push(m.top());
      return true;
    case O.OP_NIP:
      m.need(2);
      s.splice(s.length - 2, 1);
      return true;
    case O.OP_OVER:
      m.need(2);
      s.push(m.top(2));
      return true;
    case O.OP_PICK:
    case O.OP_ROLL: {
      m.need(2);
      const n = m.num(1);
      s.pop();
      if (n < 0 || n >= s.length) scriptFail('INVALID_STACK_OPERATION');
      const v = m.top(n + 1);
      if (opcode === O.OP_ROLL) s.splice(s.length - n - 1, 1);
      s.push(v);
      return true;
    }
    case O.OP_ROT:
      m.need(3);
      m.swap(3, 2);
      m.swap(2, 1);
      return true;
    case O.OP_SWAP:
      m.need(2);
      m.swap(2, 1);
      return true;
    case O.OP_TUCK:
      m.need(2);
      s.splice(s.length - 2, 0, m.top());
      return true;
    case O.OP_SIZE:
      m.need(1);
      m.pushNum(m.top().length);
      return true;
    case O.OP_EQUAL:
    case O.OP_EQUALVERIFY: {
      m.need(2);
      const eq = equalBytes(m.top(2), m.top(1));
      s.length -= 2;
      if (opcode === O.OP_EQUALVERIFY) {
        if (!eq) scriptFail('EQUALVERIFY');
      } else m.pushBool(eq);
      return true;
    }
    default:
      return false;
  }
}

/** CScriptNum arithmetic; false when `opcode` is not one of them. */
export function numericOp(m: Machine, opcode: number): boolean {
  if (opcode >= O.OP_1ADD && opcode <= O.OP_0NOTEQUAL) {
    m.need(1);
    let n = m.num(1);
    switch (opcode) {
      case O.OP_1ADD:
        n += 1;
        break;
      case O.OP_1SUB:
        n -= 1;
        break;
      case O.OP_NEGATE:
        n = -n;
        break;
      case O.OP_ABS:
        n = Math.abs(n);
        break;
      case O.OP_NOT:
        n = n === 0 ? 1 : 0;
        break;
      case O.OP_0NOTEQUAL:
        n = n !== 0 ? 1 : 0;
        break;
      default:
        return false; // 2MUL/2DIV are disabled before reaching here
    }
    m.pop();
    m.pushNum(n);
    return true;
  }
  if (opcode >= O.OP_ADD && opcode <= O.OP_MAX) {
    m.need(2);
    const a = m.num(2);
    const b = m.num(1);
    let r: number;
    switch (opcode) {
      case O.OP_ADD:
        r = a + b;
        break;
      case O.OP_SUB:
        r = a - b;
        break;
      case O.OP_BOOLAND:
        r = a !== 0 && b !== 0 ? 1 : 0;
        break;
      case O.OP_BOOLOR:
        r = a !== 0 || b !== 0 ? 1 : 0;
        break;
      case O.OP_NUMEQUAL:
      case O.OP_NUMEQUALVERIFY:
        r = a === b ? 1 : 0;
        break;
      case O.OP_NUMNOTEQUAL:
        r = a !== b ? 1 : 0;
        break;
      case O.OP_LESSTHAN:
        r = a < b ? 1 : 0;
        break;
      case O.OP_GREATERTHAN:
        r = a > b ? 1 : 0;
        break;
      case O.OP_LESSTHANOREQUAL:
        r = a <= b ? 1 : 0;
        break;
      case O.OP_GREATERTHANOREQUAL:
        r = a >= b ? 1 : 0;
        break;
      case O.OP_MIN:
        r = Math.min(a, b);
        break;
      case O.OP_MAX:
        r = Math.max(a, b);
        break;
      default:
        return false; // MUL/DIV/MOD/LSHIFT/RSHIFT are disabled
    }
    m.pop();
    m.pop();
    if (opcode === O.OP_NUMEQUALVERIFY) {
      if (!r) scriptFail('NUMEQUALVERIFY');
    } else m.pushNum(r);
    return true;
  }
  if (opcode === O.OP_WITHIN) {
    m.need(3);
    const x = m.num(3);
    const lo = m.num(2);
    const hi = m.num(1);
    m.stack.length -= 3;
    m.pushBool(lo <= x && x < hi);
    return true;
  }
  return false;
}

/** Hash opcodes; false when `opcode` is not one of them. */
export function cryptoOp(m: Machine, opcode: number): boolean {
  let f: ((d: Uint8Array) => Uint8Array) | undefined;
  if (opcode === O.OP_RIPEMD160) f = ripemd160;
  else if (opcode === O.OP_SHA1) f = sha1;
  else if (opcode === O.OP_SHA256) f = sha256;
  else if (opcode === O.OP_HASH160) f = hash160;
  else if (opcode === O.OP_HASH256) f = sha256d;
  if (!f) return false;
  m.need(1);
  m.push(f(m.pop()));
  return true;
}
