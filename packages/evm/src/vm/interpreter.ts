import { keccak256 } from '@keel/crypto/hashes';
import {
  BAD_JUMP,
  copyToMemory,
  END_HALT,
  END_REVERT,
  END_SUCCESS,
  type Frame,
  Halt,
  INVALID_OPCODE,
  memCost,
  memGrow,
  OUT_OF_GAS,
  RETURNDATA_OOB,
  rangeEnd,
  refill,
  STACK_OVERFLOW,
  STACK_UNDERFLOW,
  STATIC_WRITE,
  type TxContext,
} from './frame.ts';
import { G } from './gas.ts';
import { codeInfo } from './jumpdest.ts';
import { opTable } from './opcodes.ts';
import { opCall, opCreate, opSelfdestruct, opSload, opSstore } from './system.ts';
import {
  addressToWord,
  fromSigned,
  MAX_U256,
  readWord,
  toSigned,
  wordToAddress,
  wordToBytes,
  writeWord,
} from './words.ts';

const EMPTY = new Uint8Array(0);
const U32 = 0xffffffffn;

function bytesLen(v: bigint): number {
  let n = 0;
  while (v > 0n) {
    v >>= 8n;
    n++;
  }
  return n;
}

function accessCost(ctx: TxContext, address: Uint8Array): number {
  return ctx.state.warmAddress(address) ? G.warmAccess : G.coldAccountAccess;
}

/** Gas for copying `size` bytes: 3 per word. */
function copyCost(size: bigint): number {
  if (size > U32) throw OUT_OF_GAS;
  return G.copyWord * Math.ceil(Number(size) / 32);
}

/** `exec`'s result when its instruction budget ran out: `f` is running and resumes at `f.pc`. */
export const PAUSED = false;

/**
 * Runs frame `f` until it ends (returns null; `f.end` says how) or needs a child frame (returns
 * the child; `f` resumes after the child ends, see `resume` in `call.ts`). Exceptional halts are
 * `Halt`s thrown inside and caught here: the frame ends with all its gas consumed.
 *
 * `budget` > 0 stops after that many instructions (returns `PAUSED` with pc, sp and gas saved
 * in `f`): the step machine (`src/step/`) runs the same opcode code one instruction at a time.
 * The default (-1) never runs out.
 */
export function exec(ctx: TxContext, f: Frame, budget = -1): Frame | null | typeof PAUSED {
  const code = f.code;
  const codeLen = code.length;
  const info = codeInfo(code);
  const jumpdests = info.jumpdests;
  const pushCache = info.pushes;
  const stack = f.stack;
  const table = opTable(ctx.fork);
  const staticGas = table.gas;
  const pops = table.pops;
  const pushes = table.pushes;
  let pc = f.pc;
  let sp = f.sp;
  let gas = f.gas;
  let left = budget;
  try {
    for (;;) {
      if (left-- === 0) {
        f.pc = pc;
        f.sp = sp;
        f.gas = gas;
        return PAUSED;
      }
      const op = pc < codeLen ? code[pc]! : 0;
      const sg = staticGas[op]!;
      if (sg < 0) throw INVALID_OPCODE;
      if (sp < pops[op]!) throw STACK_UNDERFLOW;
      if (sp - pops[op]! + pushes[op]! > 1024) throw STACK_OVERFLOW;
      if ((gas -= sg) < 0) gas = refill(f, gas);
      if (op >= 0x60 && op <= 0x7f) {
        const n = op - 0x5f;
        let v = pushCache[pc];
        if (v === undefined) {
          v = readWord(code, pc + 1, n);
          pushCache[pc] = v;
        }
        stack[sp++] = v;
        pc += n + 1;
        continue;
      }
      if (op >= 0x80 && op <= 0x8f) {
        stack[sp] = stack[sp - (op - 0x7f)]!;
        sp++;
        pc++;
        continue;
      }
      if (op >= 0x90 && op <= 0x9f) {
        const j = sp - 2 - (op - 0x90);
        const t = stack[sp - 1]!;
        stack[sp - 1] = stack[j]!;
        stack[j] = t;
        pc++;
        continue;
      }
      switch (op) {
        case 0x00:
          f.end = END_SUCCESS;
          f.output = EMPTY;
          f.gas = gas;
          return null;
        case 0x01:
          sp--;
          stack[sp - 1] = (stack[sp - 1]! + stack[sp]!) & MAX_U256;
          break;
        case 0x02:
          sp--;
          stack[sp - 1] = (stack[sp - 1]! * stack[sp]!) & MAX_U256;
          break;
        case 0x03:
          sp--;
          stack[sp - 1] = (stack[sp]! - stack[sp - 1]!) & MAX_U256;
          break;
        case 0x04: {
          sp--;
          const b = stack[sp - 1]!;
          stack[sp - 1] = b === 0n ? 0n : stack[sp]! / b;
          break;
        }
        case 0x05: {
          sp--;
          const b = stack[sp - 1]!;
          stack[sp - 1] = b === 0n ? 0n : fromSigned(toSigned(stack[sp]!) / toSigned(b)) & MAX_U256;
          break;
        }
        case 0x06: {
          sp--;
          const b = stack[sp - 1]!;
          stack[sp - 1] = b === 0n ? 0n : stack[sp]! % b;
          break;
        }
        case 0x07: {
          sp--;
          const b = stack[sp - 1]!;
          stack[sp - 1] = b === 0n ? 0n : fromSigned(toSigned(stack[sp]!) % toSigned(b));
          break;
        }
        case 0x08: {
          sp -= 2;
          const n = stack[sp - 1]!;
          stack[sp - 1] = n === 0n ? 0n : (stack[sp + 1]! + stack[sp]!) % n;
          break;
        }
        case 0x09: {
          sp -= 2;
          const n = stack[sp - 1]!;
          stack[sp - 1] = n === 0n ? 0n : (stack[sp + 1]! * stack[sp]!) % n;
          break;
        }
        case 0x0a: {
          sp--;
          const base = stack[sp]!;
          const e = stack[sp - 1]!;
          if ((gas -= G.expByte * bytesLen(e)) < 0) gas = refill(f, gas);
          stack[sp - 1] = modPow(base, e);
          break;
        }
        case 0x0b: {
          sp--;
          const b = stack[sp]!;
          const x = stack[sp - 1]!;
          if (b < 31n) {
            const bit = b * 8n + 7n;
            const mask = (1n << (bit + 1n)) - 1n;
            stack[sp - 1] = (x >> bit) & 1n ? x | (MAX_U256 ^ mask) : x & mask;
          }
          break;
        }
        case 0x10:
          sp--;
          stack[sp - 1] = stack[sp]! < stack[sp - 1]! ? 1n : 0n;
          break;
        case 0x11:
          sp--;
          stack[sp - 1] = stack[sp]! > stack[sp - 1]! ? 1n : 0n;
          break;
        case 0x12:
          sp--;
          stack[sp - 1] = toSigned(stack[sp]!) < toSigned(stack[sp - 1]!) ? 1n : 0n;
          break;
        case 0x13:
          sp--;
          stack[sp - 1] = toSigned(stack[sp]!) > toSigned(stack[sp - 1]!) ? 1n : 0n;
          break;
        case 0x14:
          sp--;
          stack[sp - 1] = stack[sp]! === stack[sp - 1]! ? 1n : 0n;
          break;
        case 0x15:
          stack[sp - 1] = stack[sp - 1]! === 0n ? 1n : 0n;
          break;
        case 0x16:
          sp--;
          stack[sp - 1] = stack[sp]! & stack[sp - 1]!;
          break;
        case 0x17:
          sp--;
          stack[sp - 1] = stack[sp]! | stack[sp - 1]!;
          break;
        case 0x18:
          sp--;
          stack[sp - 1] = stack[sp]! ^ stack[sp - 1]!;
          break;
        case 0x19:
          stack[sp - 1] = MAX_U256 ^ stack[sp - 1]!;
          break;
        case 0x1a: {
          sp--;
          const i = stack[sp]!;
          stack[sp - 1] = i < 32n ? (stack[sp - 1]! >> (248n - i * 8n)) & 0xffn : 0n;
          break;
        }
        case 0x1b: {
          sp--;
          const s = stack[sp]!;
          stack[sp - 1] = s < 256n ? (stack[sp - 1]! << s) & MAX_U256 : 0n;
          break;
        }
        case 0x1c: {
          sp--;
          const s = stack[sp]!;
          stack[sp - 1] = s < 256n ? stack[sp - 1]! >> s : 0n;
          break;
        }
        case 0x1d: {
          sp--;
          const s = stack[sp]!;
          const v = toSigned(stack[sp - 1]!);
          stack[sp - 1] = fromSigned(v >> (s < 256n ? s : 256n));
          break;
        }
        case 0x20: {
          sp--;
          const off = stack[sp]!;
          const size = stack[sp - 1]!;
          const end = rangeEnd(off, size);
          if ((gas -= G.keccakWord * Math.ceil(Number(size) / 32) + memCost(f, end)) < 0) {
            gas = refill(f, gas);
          }
          memGrow(f, end);
          const o = Number(off);
          const data = end === 0 ? EMPTY : f.mem.subarray(o, end);
          stack[sp - 1] = readWord(keccak256(data), 0, 32);
          break;
        }
        case 0x30:
          stack[sp++] = addressToWord(f.address);
          break;
        case 0x31: {
          const a = wordToAddress(stack[sp - 1]!);
          if ((gas -= accessCost(ctx, a)) < 0) gas = refill(f, gas);
          stack[sp - 1] = ctx.state.getBalance(a);
          break;
        }
        case 0x32:
          stack[sp++] = addressToWord(ctx.origin);
          break;
        case 0x33:
          stack[sp++] = addressToWord(f.caller);
          break;
        case 0x34:
          stack[sp++] = f.value;
          break;
        case 0x35: {
          const i = stack[sp - 1]!;
          stack[sp - 1] = i >= BigInt(f.data.length) ? 0n : readWord(f.data, Number(i), 32);
          break;
        }
        case 0x36:
          stack[sp++] = BigInt(f.data.length);
          break;
        case 0x37:
        case 0x39:
        case 0x3e: {
          sp -= 3;
          const memOff = stack[sp + 2]!;
          const srcOff = stack[sp + 1]!;
          const size = stack[sp]!;
          const end = rangeEnd(memOff, size);
          if ((gas -= copyCost(size) + memCost(f, end)) < 0) gas = refill(f, gas);
          const src = op === 0x37 ? f.data : op === 0x39 ? code : f.returnData;
          if (op === 0x3e && srcOff + size > BigInt(src.length)) throw RETURNDATA_OOB;
          memGrow(f, end);
          copyToMemory(f, end === 0 ? 0 : Number(memOff), src, srcOff, Number(size));
          break;
        }
        case 0x38:
          stack[sp++] = BigInt(codeLen);
          break;
        case 0x3a:
          stack[sp++] = ctx.gasPrice;
          break;
        case 0x3b: {
          const a = wordToAddress(stack[sp - 1]!);
          if ((gas -= accessCost(ctx, a)) < 0) gas = refill(f, gas);
          stack[sp - 1] = BigInt(ctx.state.getCode(a).length);
          break;
        }
        case 0x3c: {
          sp -= 4;
          const a = wordToAddress(stack[sp + 3]!);
          const memOff = stack[sp + 2]!;
          const srcOff = stack[sp + 1]!;
          const size = stack[sp]!;
          const end = rangeEnd(memOff, size);
          const cost = accessCost(ctx, a) + copyCost(size) + memCost(f, end);
          if ((gas -= cost) < 0) gas = refill(f, gas);
          memGrow(f, end);
          const ext = ctx.state.getCode(a);
          copyToMemory(f, end === 0 ? 0 : Number(memOff), ext, srcOff, Number(size));
          break;
        }
        case 0x3d:
          stack[sp++] = BigInt(f.returnData.length);
          break;
        case 0x3f: {
          const a = wordToAddress(stack[sp - 1]!);
          if ((gas -= accessCost(ctx, a)) < 0) gas = refill(f, gas);
          const h = ctx.state.isAlive(a) ? ctx.state.getCodeHash(a) : undefined;
          stack[sp - 1] = h === undefined ? 0n : readWord(h, 0, 32);
          break;
        }
        case 0x40: {
          const n = stack[sp - 1]!;
          const cur = ctx.env.number;
          let h: Uint8Array | undefined;
          if (n < cur && n + 256n >= cur) h = ctx.env.getBlockHash(n);
          stack[sp - 1] = h === undefined ? 0n : readWord(h, 0, 32);
          break;
        }
        case 0x41:
          stack[sp++] = addressToWord(ctx.env.coinbase);
          break;
        case 0x42:
          stack[sp++] = ctx.env.timestamp;
          break;
        case 0x43:
          stack[sp++] = ctx.env.number;
          break;
        case 0x44:
          stack[sp++] = readWord(ctx.env.prevRandao, 0, 32);
          break;
        case 0x45:
          stack[sp++] = ctx.env.gasLimit;
          break;
        case 0x46:
          stack[sp++] = ctx.env.chainId;
          break;
        case 0x47:
          stack[sp++] = ctx.state.getBalance(f.address);
          break;
        case 0x48:
          stack[sp++] = ctx.env.baseFee;
          break;
        case 0x49: {
          const i = stack[sp - 1]!;
          const hashes = ctx.blobHashes;
          stack[sp - 1] = i < BigInt(hashes.length) ? readWord(hashes[Number(i)]!, 0, 32) : 0n;
          break;
        }
        case 0x4a:
          stack[sp++] = ctx.blobBaseFee;
          break;
        case 0x50:
          sp--;
          break;
        case 0x51: {
          const off = stack[sp - 1]!;
          const end = rangeEnd(off, 32n);
          if ((gas -= memCost(f, end)) < 0) gas = refill(f, gas);
          memGrow(f, end);
          stack[sp - 1] = readWord(f.mem, end - 32, 32);
          break;
        }
        case 0x52: {
          sp -= 2;
          const end = rangeEnd(stack[sp + 1]!, 32n);
          if ((gas -= memCost(f, end)) < 0) gas = refill(f, gas);
          memGrow(f, end);
          writeWord(f.mem, end - 32, stack[sp]!);
          break;
        }
        case 0x53: {
          sp -= 2;
          const end = rangeEnd(stack[sp + 1]!, 1n);
          if ((gas -= memCost(f, end)) < 0) gas = refill(f, gas);
          memGrow(f, end);
          f.mem[end - 1] = Number(stack[sp]! & 0xffn);
          break;
        }
        case 0x54:
        case 0x55: {
          f.gas = gas;
          f.sp = sp;
          if (op === 0x54) opSload(ctx, f);
          else opSstore(ctx, f);
          gas = f.gas;
          sp = f.sp;
          break;
        }
        case 0x56: {
          const d = stack[--sp]!;
          if (d > U32 || jumpdests[Number(d)] !== 1) throw BAD_JUMP;
          pc = Number(d);
          continue;
        }
        case 0x57: {
          sp -= 2;
          if (stack[sp]! !== 0n) {
            const d = stack[sp + 1]!;
            if (d > U32 || jumpdests[Number(d)] !== 1) throw BAD_JUMP;
            pc = Number(d);
            continue;
          }
          break;
        }
        case 0x58:
          stack[sp++] = BigInt(pc);
          break;
        case 0x59:
          stack[sp++] = BigInt(f.memSize);
          break;
        case 0x5a:
          stack[sp++] = BigInt(gas) + f.gasX;
          break;
        case 0x5b:
          break;
        case 0x5c:
          stack[sp - 1] = ctx.state.getTransient(f.address, stack[sp - 1]!);
          break;
        case 0x5d:
          if (f.isStatic) throw STATIC_WRITE;
          sp -= 2;
          ctx.state.setTransient(f.address, stack[sp + 1]!, stack[sp]!);
          break;
        case 0x5e: {
          sp -= 3;
          const dst = stack[sp + 2]!;
          const src = stack[sp + 1]!;
          const size = stack[sp]!;
          const end = Math.max(rangeEnd(dst, size), rangeEnd(src, size));
          if ((gas -= copyCost(size) + memCost(f, end)) < 0) gas = refill(f, gas);
          memGrow(f, end);
          if (size > 0n) f.mem.copyWithin(Number(dst), Number(src), Number(src + size));
          break;
        }
        case 0x5f:
          stack[sp++] = 0n;
          break;
        case 0xa0:
        case 0xa1:
        case 0xa2:
        case 0xa3:
        case 0xa4: {
          if (f.isStatic) throw STATIC_WRITE;
          const n = op - 0xa0;
          sp -= 2;
          const off = stack[sp + 1]!;
          const size = stack[sp]!;
          const end = rangeEnd(off, size);
          if ((gas -= G.logData * Number(size) + memCost(f, end)) < 0) gas = refill(f, gas);
          memGrow(f, end);
          const topics: Uint8Array[] = [];
          for (let i = 0; i < n; i++) topics.push(wordToBytes(stack[--sp]!));
          const data = end === 0 ? EMPTY : f.mem.slice(Number(off), end);
          ctx.logs.push({ address: f.address, topics, data });
          break;
        }
        case 0xf0:
        case 0xf5:
        case 0xf1:
        case 0xf2:
        case 0xf4:
        case 0xfa: {
          f.gas = gas;
          f.sp = sp;
          f.pc = pc + 1;
          const child = op === 0xf0 || op === 0xf5 ? opCreate(ctx, f, op) : opCall(ctx, f, op);
          if (child !== null) return child;
          gas = f.gas;
          sp = f.sp;
          pc++;
          continue;
        }
        case 0xf3:
        case 0xfd: {
          sp -= 2;
          const off = stack[sp + 1]!;
          const size = stack[sp]!;
          const end = rangeEnd(off, size);
          if ((gas -= memCost(f, end)) < 0) gas = refill(f, gas);
          memGrow(f, end);
          // A view: this frame's memory is never written again.
          f.output = end === 0 ? EMPTY : f.mem.subarray(Number(off), end);
          f.end = op === 0xf3 ? END_SUCCESS : END_REVERT;
          f.gas = gas;
          return null;
        }
        case 0xff: {
          if (f.isStatic) throw STATIC_WRITE;
          f.gas = gas;
          f.sp = sp;
          opSelfdestruct(ctx, f);
          f.end = END_SUCCESS;
          f.output = EMPTY;
          return null;
        }
        default:
          throw INVALID_OPCODE;
      }
      pc++;
    }
  } catch (e) {
    if (!(e instanceof Halt)) throw e;
    f.end = END_HALT;
    f.haltReason = e.reason;
    f.gas = 0;
    f.gasX = 0n;
    f.output = EMPTY;
    return null;
  }
}

function modPow(base: bigint, e: bigint): bigint {
  if (e === 0n) return 1n;
  if (base === 0n) return 0n;
  if (base === 2n && e < 256n) return 1n << e;
  let r = 1n;
  let b = base;
  while (e > 0n) {
    if (e & 1n) r = (r * b) & MAX_U256;
    e >>= 1n;
    if (e > 0n) b = (b * b) & MAX_U256;
  }
  return r;
}
