import { getPrecompile } from '../precompiles/index.ts';
import type { Address } from '../tx/types.ts';
import { create2Address, createAddress } from './address.ts';
import {
  chargeBig,
  END_HALT,
  END_SUCCESS,
  FRAME_CALL,
  FRAME_CREATE,
  Frame,
  GAS_CHUNK,
  memCost,
  memGrow,
  OUT_OF_GAS,
  rangeEnd,
  refill,
  STATIC_WRITE,
  type TxContext,
} from './frame.ts';
import { allButOne64th, G } from './gas.ts';
import { exec } from './interpreter.ts';
import { addressToWord, wordToAddress } from './words.ts';

const EMPTY = new Uint8Array(0);
const MAX_NONCE = 2n ** 64n - 1n;
const MAX_DEPTH = 1024;
/** The RIPEMD-160 precompile, whose touch survives a failed call (mainnet block 2675119). */
const RIPEMD160 = (() => {
  const a = new Uint8Array(20);
  a[19] = 3;
  return a;
})();

function charge(f: Frame, cost: number): void {
  if ((f.gas -= cost) < 0) f.gas = refill(f, f.gas);
}

function addGas(f: Frame, from: Frame): void {
  f.gas += from.gas;
  f.gasX += from.gasX;
  if (f.gas > GAS_CHUNK) {
    f.gasX += BigInt(f.gas - GAS_CHUNK);
    f.gas = GAS_CHUNK;
  }
}

function returnGas(f: Frame, g: bigint): void {
  f.setGas(f.gasLeft() + g);
}

function push(f: Frame, v: bigint): void {
  f.stack[f.sp++] = v;
}

export function opSload(ctx: TxContext, f: Frame): void {
  const key = f.stack[f.sp - 1]!;
  charge(f, ctx.state.warmSlot(f.address, key) ? G.warmAccess : G.coldSload);
  f.stack[f.sp - 1] = ctx.state.getStorage(f.address, key);
}

/** SSTORE with EIP-2200 (net metering), EIP-2929 (cold slots) and EIP-3529 (refunds). */
export function opSstore(ctx: TxContext, f: Frame): void {
  if (f.isStatic) throw STATIC_WRITE;
  const key = f.stack[--f.sp]!;
  const value = f.stack[--f.sp]!;
  // EIP-2200 sentry: no SSTORE with the call stipend or less left.
  if (f.gasX === 0n && f.gas <= G.callStipend) throw OUT_OF_GAS;
  const state = ctx.state;
  let cost = state.warmSlot(f.address, key) ? 0 : G.coldSload;
  const current = state.getStorage(f.address, key);
  const original = state.getOriginalStorage(f.address, key);
  if (original === current && current !== value) {
    cost += original === 0n ? G.sstoreSet : G.sstoreReset - G.coldSload;
  } else {
    cost += G.warmAccess;
  }
  if (current !== value) {
    if (original !== 0n && current !== 0n && value === 0n) ctx.refund += G.sstoreClearRefund;
    if (original !== 0n && current === 0n) ctx.refund -= G.sstoreClearRefund;
    if (original === value) {
      ctx.refund +=
        original === 0n ? G.sstoreSet - G.warmAccess : G.sstoreReset - G.coldSload - G.warmAccess;
    }
  }
  charge(f, cost);
  if (current !== value) state.setStorage(f.address, key, value);
}

function transfer(ctx: TxContext, from: Address, to: Address, value: bigint): void {
  const s = ctx.state;
  s.setBalance(from, s.getBalance(from) - value);
  s.addBalance(to, value);
}

/**
 * Enters a message frame: checkpoint, value transfer, EIP-161 touch; runs a precompile or empty
 * code right away. Returns true when the frame already ended.
 */
export function enterCall(ctx: TxContext, f: Frame, transferValue: boolean): boolean {
  const s = ctx.state;
  f.checkpoint = s.checkpoint();
  f.logsLen = ctx.logs.length;
  f.refundAtEntry = ctx.refund;
  if (transferValue && f.value !== 0n) transfer(ctx, f.caller, f.address, f.value);
  s.touch(f.address);
  const pre = getPrecompile(f.codeAddress) ?? ctx.precompileCtx.extra?.(f.codeAddress);
  if (pre !== undefined) {
    const r = pre(f.data, f.gasLeft(), ctx.precompileCtx);
    if (r.ok) {
      f.setGas(f.gasLeft() - r.gasUsed);
      // The output may be a view of the input, itself a view of the caller's memory.
      f.output = r.output.buffer === f.data.buffer ? r.output.slice() : r.output;
      f.end = END_SUCCESS;
    } else {
      f.setGas(0n);
      f.end = END_HALT;
      f.haltReason = 'precompile failed';
    }
    return true;
  }
  if (f.code.length === 0) {
    f.end = END_SUCCESS;
    return true;
  }
  return false;
}

/** Enters a creation frame (EIP-6780 bookkeeping, nonce 1, endowment). True when it ended. */
export function enterCreate(ctx: TxContext, f: Frame): boolean {
  const s = ctx.state;
  f.checkpoint = s.checkpoint();
  f.logsLen = ctx.logs.length;
  f.refundAtEntry = ctx.refund;
  s.clearStorage(f.address);
  s.markCreated(f.address);
  s.setNonce(f.address, 1n);
  if (f.value !== 0n) transfer(ctx, f.caller, f.address, f.value);
  if (f.code.length === 0) {
    f.end = END_SUCCESS;
    return true;
  }
  return false;
}

/** Ends a frame: code deposit for creations, then commit or revert its state changes. */
export function leaveFrame(ctx: TxContext, f: Frame): void {
  if (f.kind === FRAME_CREATE && f.end === END_SUCCESS) {
    const out = f.output;
    const cost = BigInt(G.codeDeposit * out.length);
    if ((out.length > 0 && out[0] === 0xef) || cost > f.gasLeft()) {
      failHalt(f, 'code deposit');
    } else if (out.length > ctx.fork.maxCodeSize) {
      failHalt(f, 'code size limit');
    } else {
      f.setGas(f.gasLeft() - cost);
      ctx.state.setCode(f.address, out.slice());
      f.output = EMPTY;
    }
  }
  if (f.end === END_SUCCESS) {
    ctx.state.commit(f.checkpoint);
    return;
  }
  ctx.state.revert(f.checkpoint);
  ctx.logs.length = f.logsLen;
  ctx.refund = f.refundAtEntry;
  if (f.kind === FRAME_CALL && equal20(f.address, RIPEMD160)) ctx.state.touch(RIPEMD160);
}

function failHalt(f: Frame, reason: string): void {
  f.end = END_HALT;
  f.haltReason = reason;
  f.setGas(0n);
  f.output = EMPTY;
}

function equal20(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 20; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Hands a finished child's result back to its parent (stack, gas, return data, memory). */
export function resume(p: Frame, child: Frame): void {
  addGas(p, child);
  const ok = child.end === END_SUCCESS;
  if (child.kind === FRAME_CREATE) {
    p.returnData = ok ? EMPTY : child.output;
    push(p, ok ? addressToWord(child.address) : 0n);
    return;
  }
  p.returnData = child.output;
  push(p, ok ? 1n : 0n);
  const n = Math.min(child.retSize, child.output.length);
  if (n > 0) p.mem.set(child.output.subarray(0, n), child.retOffset);
}

/** Runs `root` (already entered) and all the frames it calls, without JS recursion. */
export function runFrames(ctx: TxContext, root: Frame): void {
  let f = root;
  for (;;) {
    const child = exec(ctx, f);
    if (child !== null && child !== false) {
      f = child;
      continue;
    }
    leaveFrame(ctx, f);
    const p = f.parent;
    if (p === null) return;
    resume(p, f);
    f = p;
  }
}

/** CALL, CALLCODE, DELEGATECALL, STATICCALL. Returns the child frame to run, or null. */
export function opCall(ctx: TxContext, f: Frame, op: number): Frame | null {
  const st = f.stack;
  const gasReq = st[--f.sp]!;
  const target = wordToAddress(st[--f.sp]!);
  const value = op === 0xf1 || op === 0xf2 ? st[--f.sp]! : 0n;
  const inOff = st[--f.sp]!;
  const inSize = st[--f.sp]!;
  const outOff = st[--f.sp]!;
  const outSize = st[--f.sp]!;
  const inEnd = rangeEnd(inOff, inSize);
  const outEnd = rangeEnd(outOff, outSize);
  const mem = BigInt(memCost(f, Math.max(inEnd, outEnd)));
  const s = ctx.state;
  let extra = s.warmAddress(target) ? G.warmAccess : G.coldAccountAccess;
  if (value !== 0n) {
    extra += G.callValue;
    if (op === 0xf1 && !s.isAlive(target)) extra += G.newAccount;
  }
  const extraN = BigInt(extra);
  const left = f.gasLeft();
  if (left < extraN + mem) throw OUT_OF_GAS;
  const cap = allButOne64th(left - mem - extraN);
  const childGas = gasReq < cap ? gasReq : cap;
  chargeBig(f, childGas + extraN + mem);
  if (op === 0xf1 && f.isStatic && value !== 0n) throw STATIC_WRITE;
  memGrow(f, Math.max(inEnd, outEnd));
  const given = value !== 0n ? childGas + BigInt(G.callStipend) : childGas;
  f.returnData = EMPTY;
  const depth = f.depth + 1;
  if ((value !== 0n && s.getBalance(f.address) < value) || depth > MAX_DEPTH) {
    returnGas(f, given);
    push(f, 0n);
    return null;
  }
  // A view, not a copy: the caller's memory cannot change while the callee runs.
  const data = inEnd === 0 ? EMPTY : f.mem.subarray(Number(inOff), inEnd);
  const code = s.getCode(target);
  let child: Frame;
  if (op === 0xf1 || op === 0xfa) {
    const isStatic = op === 0xfa || f.isStatic;
    child = new Frame(
      FRAME_CALL,
      f.address,
      target,
      target,
      value,
      data,
      code,
      depth,
      isStatic,
      given,
    );
  } else if (op === 0xf2) {
    child = new Frame(
      FRAME_CALL,
      f.address,
      f.address,
      target,
      value,
      data,
      code,
      depth,
      f.isStatic,
      given,
    );
  } else {
    child = new Frame(
      FRAME_CALL,
      f.caller,
      f.address,
      target,
      f.value,
      data,
      code,
      depth,
      f.isStatic,
      given,
    );
  }
  child.retOffset = outEnd === 0 ? 0 : Number(outOff);
  child.retSize = outEnd === 0 ? 0 : Number(outSize);
  child.parent = f;
  if (enterCall(ctx, child, op === 0xf1 || op === 0xf2)) {
    leaveFrame(ctx, child);
    resume(f, child);
    return null;
  }
  return child;
}

/** CREATE and CREATE2 (EIP-3860 initcode limit, EIP-684/7610 collisions). */
export function opCreate(ctx: TxContext, f: Frame, op: number): Frame | null {
  const st = f.stack;
  const value = st[--f.sp]!;
  const off = st[--f.sp]!;
  const size = st[--f.sp]!;
  const salt = op === 0xf5 ? st[--f.sp]! : 0n;
  const end = rangeEnd(off, size);
  const words = Math.ceil(Number(size) / 32);
  let cost = memCost(f, end) + G.initcodeWord * words;
  if (op === 0xf5) cost += G.keccakWord * words;
  charge(f, cost);
  memGrow(f, end);
  if (Number(size) > ctx.fork.maxInitcodeSize) throw OUT_OF_GAS;
  const s = ctx.state;
  const initcode = end === 0 ? EMPTY : f.mem.subarray(Number(off), end);
  const nonce = s.getNonce(f.address);
  const address =
    op === 0xf5 ? create2Address(f.address, salt, initcode) : createAddress(f.address, nonce);
  const childGas = allButOne64th(f.gasLeft());
  chargeBig(f, childGas);
  if (f.isStatic) throw STATIC_WRITE;
  f.returnData = EMPTY;
  const depth = f.depth + 1;
  if (s.getBalance(f.address) < value || nonce === MAX_NONCE || depth > MAX_DEPTH) {
    returnGas(f, childGas);
    push(f, 0n);
    return null;
  }
  s.warmAddress(address);
  s.setNonce(f.address, nonce + 1n);
  if (s.getNonce(address) !== 0n || s.getCode(address).length !== 0 || s.hasStorage(address)) {
    push(f, 0n);
    return null;
  }
  const child = new Frame(
    FRAME_CREATE,
    f.address,
    address,
    address,
    value,
    EMPTY,
    initcode,
    depth,
    false,
    childGas,
  );
  child.parent = f;
  if (enterCreate(ctx, child)) {
    leaveFrame(ctx, child);
    resume(f, child);
    return null;
  }
  return child;
}

/** SELFDESTRUCT with EIP-6780: the account is deleted only if created in this transaction. */
export function opSelfdestruct(ctx: TxContext, f: Frame): void {
  const beneficiary = wordToAddress(f.stack[--f.sp]!);
  const s = ctx.state;
  let cost = s.warmAddress(beneficiary) ? 0 : G.coldAccountAccess;
  const balance = s.getBalance(f.address);
  if (balance !== 0n && !s.isAlive(beneficiary)) cost += G.newAccount;
  charge(f, cost);
  s.setBalance(f.address, 0n);
  s.addBalance(beneficiary, balance);
  s.touch(beneficiary);
  if (!ctx.fork.eip6780 || s.isCreatedInTx(f.address)) {
    s.setBalance(f.address, 0n);
    s.markDestroyed(f.address);
  }
}
