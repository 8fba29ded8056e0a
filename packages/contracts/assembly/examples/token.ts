// A fungible token (ERC-20 shaped, u64 amounts): init, transfer, approve, transferFrom, views.
// Events: Transfer(address,address,u64) and Approval(address,address,u64); topic 0 is the
// sha256 of the signature string, topics 1 and 2 the two addresses, data the amount (u64 LE).
import {
  Args, caller, concat, emitEvent, require, returnData, storageGet, storageGetU64, storageSet,
  storageSetU64, utf8, Writer,
} from "../sdk";

const TRANSFER = "Transfer(address,address,u64)";
const APPROVAL = "Approval(address,address,u64)";

function balanceKey(a: Uint8Array): Uint8Array {
  return concat(utf8("b"), a);
}

function allowanceKey(owner: Uint8Array, spender: Uint8Array): Uint8Array {
  return concat(concat(utf8("a"), owner), spender);
}

function move(from: Uint8Array, to: Uint8Array, amount: u64): void {
  const fk = balanceKey(from);
  const fb = storageGetU64(fk);
  require(fb >= amount, "insufficient balance");
  storageSetU64(fk, fb - amount);
  const tk = balanceKey(to);
  const tb = storageGetU64(tk);
  require(tb + amount >= tb, "balance overflow");
  storageSetU64(tk, tb + amount);
  emitEvent(TRANSFER, [from, to], new Writer().u64(amount).finish());
}

function ok(): void {
  returnData(new Writer().u8(1).finish());
}

/** init(supply: u64): mints the supply to the deployer; runs once. */
export function init(): void {
  const args = Args.fromInput();
  const supply = args.u64();
  args.end();
  const key = utf8("supply");
  require(storageGet(key) === null, "already initialized");
  storageSetU64(key, supply);
  const to = caller();
  storageSetU64(balanceKey(to), supply);
  emitEvent(TRANSFER, [new Uint8Array(32), to], new Writer().u64(supply).finish());
  ok();
}

/** transfer(to: address, amount: u64) -> u8 1 */
export function transfer(): void {
  const args = Args.fromInput();
  const to = args.address();
  const amount = args.u64();
  args.end();
  move(caller(), to, amount);
  ok();
}

/** approve(spender: address, amount: u64) -> u8 1: sets (not adds) the allowance. */
export function approve(): void {
  const args = Args.fromInput();
  const spender = args.address();
  const amount = args.u64();
  args.end();
  const owner = caller();
  storageSetU64(allowanceKey(owner, spender), amount);
  emitEvent(APPROVAL, [owner, spender], new Writer().u64(amount).finish());
  ok();
}

/** transferFrom(from: address, to: address, amount: u64) -> u8 1: spends the caller's allowance. */
export function transferFrom(): void {
  const args = Args.fromInput();
  const from = args.address();
  const to = args.address();
  const amount = args.u64();
  args.end();
  const key = allowanceKey(from, caller());
  const allowed = storageGetU64(key);
  require(allowed >= amount, "allowance exceeded");
  storageSetU64(key, allowed - amount);
  move(from, to, amount);
  ok();
}

/** balanceOf(owner: address) -> u64 */
export function balanceOf(): void {
  const args = Args.fromInput();
  const owner = args.address();
  args.end();
  returnData(new Writer().u64(storageGetU64(balanceKey(owner))).finish());
}

/** allowance(owner: address, spender: address) -> u64 */
export function allowance(): void {
  const args = Args.fromInput();
  const owner = args.address();
  const spender = args.address();
  args.end();
  returnData(new Writer().u64(storageGetU64(allowanceKey(owner, spender))).finish());
}

/** totalSupply() -> u64 */
export function totalSupply(): void {
  returnData(new Writer().u64(storageGetU64(utf8("supply"))).finish());
}
