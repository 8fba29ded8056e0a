/**
 * What the consensus checks need to know about the chain a block extends. The caller (a node's
 * block index, a test, a vector file) supplies it; nothing here reads storage.
 */
export interface HeaderInfo {
  height: number;
  time: number;
  bits: number;
  version: number;
  /** Block hash, internal byte order. */
  hash: Uint8Array;
}

/** Ancestors of the block being validated, by height (must include its parent). */
export interface ChainView {
  at(height: number): HeaderInfo | undefined;
}

/** A ChainView over an array where index = height (e.g. headers read from a file). */
export function createArrayChainView(headers: readonly HeaderInfo[]): ChainView {
  return { at: (h) => (h >= 0 ? headers[h] : undefined) };
}

/** Number of blocks whose median time is the median-time-past (BIP113). */
export const MEDIAN_TIME_SPAN = 11;

/** Core's GetMedianTimePast of the block at `height`: median time of it and its 10 parents. */
export function medianTimePast(chain: ChainView, height: number): number {
  const times: number[] = [];
  for (let h = height; h >= 0 && times.length < MEDIAN_TIME_SPAN; h--) {
    const e = chain.at(h);
    if (!e) break;
    times.push(e.time);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}
