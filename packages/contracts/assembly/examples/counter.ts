// A counter: the simplest stateful contract.
import {
  Args, emitEvent, require, returnData, storageGetU64, storageSetU64, transientGetU64, transientSetU64, utf8, Writer,
} from "../sdk";

const KEY = "count";

export function increment(): void {
  const key = utf8(KEY);
  const n = storageGetU64(key) + 1;
  storageSetU64(key, n);
  emitEvent("Incremented(u64)", [], new Writer().u64(n).finish());
  returnData(new Writer().u64(n).finish());
}

/** Adds a u64 argument. */
export function add(): void {
  const args = Args.fromInput();
  const by = args.u64();
  args.end();
  const key = utf8(KEY);
  const n = storageGetU64(key);
  require(n + by >= n, "overflow");
  storageSetU64(key, n + by);
  returnData(new Writer().u64(n + by).finish());
}

export function get(): void {
  returnData(new Writer().u64(storageGetU64(utf8(KEY))).finish());
}

/** Increments a transient (EIP-1153) counter and returns it: it restarts at 1 in every transaction. */
export function bumpTransient(): void {
  const key = utf8("t");
  const n = transientGetU64(key) + 1;
  transientSetU64(key, n);
  returnData(new Writer().u64(n).finish());
}
