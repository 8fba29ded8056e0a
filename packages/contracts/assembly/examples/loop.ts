// Deliberately bad contracts for the gas and stack tests.
import { returnData, Writer } from "../sdk";

/** An infinite loop: only the gas limit stops it. */
export function spin(): void {
  while (true) {
    store<u64>(0, load<u64>(0) + 1);
  }
}

function down(n: u32): u32 {
  return n == 0xffffffff ? 0 : down(n + 1) + 1;
}

/** Unbounded recursion: the runtime's stack limiter stops it. */
export function deep(): void {
  store<u32>(0, down(load<u32>(0)));
}

/** Asks for 1000 pages of memory: charged per page, then refused over the page limit. */
export function grow(): void {
  if (memory.grow(1000) < 0) unreachable();
}

/** Does nothing, cheaply (a baseline for gas figures). */
export function noop(): void {
  returnData(new Writer().u8(0).finish());
}
