// Contract-calls-contract examples: a proxy, a nested call whose caller then reverts, self
// recursion for the call-depth limit, and transient storage seen across frames of one tx.
import {
  Args, CALL_OK, callContract, require, returnData, revertWith, selfAddress, storageGetU64,
  storageSetU64, utf8, Writer,
} from "../sdk";

/** callIncrement(target: address) -> the counter's output; reverts if the callee failed. */
export function callIncrement(): void {
  const args = Args.fromInput();
  const target = args.address();
  args.end();
  const r = callContract(target, "increment", new Uint8Array(0));
  require(r.ok, "callee failed");
  storageSetU64(utf8("calls"), storageGetU64(utf8("calls")) + 1);
  returnData(r.output);
}

/** incrementThenRevert(target: address): the callee succeeds, then this frame reverts. */
export function incrementThenRevert(): void {
  const args = Args.fromInput();
  const target = args.address();
  args.end();
  const r = callContract(target, "increment", new Uint8Array(0));
  require(r.ok, "callee failed");
  storageSetU64(utf8("calls"), storageGetU64(utf8("calls")) + 1);
  revertWith(utf8("reverted after a successful call"));
}

/**
 * forward(target: address, method: string, input: bytes, gas: u64) -> status u8 ‖ output bytes.
 * Never reverts for a failing callee: the status tells.
 */
export function forward(): void {
  const args = Args.fromInput();
  const target = args.address();
  const method = args.string();
  const input = args.bytes();
  const gas = args.u64();
  args.end();
  const r = callContract(target, method, input, 0, <i64>gas);
  returnData(new Writer().u8(<u8>r.status).bytes(r.output).finish());
}

/**
 * recurse(n: u32) -> u32: calls itself n more times; returns the depth reached below it.
 * Reverts with [status] when a nested call fails (e.g. 4 = call depth exceeded).
 */
export function recurse(): void {
  const args = Args.fromInput();
  const n = args.u32();
  args.end();
  if (n == 0) {
    returnData(new Writer().u32(0).finish());
    return;
  }
  const r = callContract(selfAddress(), "recurse", new Writer().u32(n - 1).finish());
  if (r.status != CALL_OK) {
    if (r.output.length > 0) revertWith(r.output);
    revertWith(new Writer().u8(<u8>r.status).finish());
  }
  const below = load<u32>(r.output.dataStart);
  returnData(new Writer().u32(below + 1).finish());
}

/** bumpTwice(counter: address) -> u64: calls counter.bumpTransient twice in one transaction. */
export function bumpTwice(): void {
  const args = Args.fromInput();
  const target = args.address();
  args.end();
  callContract(target, "bumpTransient", new Uint8Array(0));
  const r = callContract(target, "bumpTransient", new Uint8Array(0));
  require(r.ok, "callee failed");
  returnData(r.output);
}
