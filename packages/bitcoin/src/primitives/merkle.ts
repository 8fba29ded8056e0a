import { concatBytes, equalBytes } from '@keel/util';
import { sha256d } from './_hash.ts';

/**
 * Bitcoin's merkle root over `hashes` (internal byte order). `mutated` reports the
 * CVE-2012-2459 condition: two identical adjacent hashes at some level, which lets a block
 * with duplicated transactions share a root with the valid one (Core's ComputeMerkleRoot).
 */
export function computeMerkleRoot(hashes: readonly Uint8Array[]): {
  root: Uint8Array;
  mutated: boolean;
} {
  if (hashes.length === 0) return { root: new Uint8Array(32), mutated: false };
  let level = hashes.slice();
  let mutated = false;
  while (level.length > 1) {
    for (let i = 0; i + 1 < level.length; i += 2) {
      if (equalBytes(level[i]!, level[i + 1]!)) mutated = true;
    }
    if (level.length % 2 === 1) level.push(level[level.length - 1]!);
    const next: Uint8Array[] = new Array(level.length / 2);
    for (let i = 0; i < next.length; i++)
      next[i] = sha256d(concatBytes(level[2 * i]!, level[2 * i + 1]!));
    level = next;
  }
  return { root: level[0]!, mutated };
}

// Coinbase merkle paths (sv2-spec 05 §5.3.16, Stratum's merkle branches): the sibling hashes
// from the coinbase leaf up, so root = fold(txid, path, (acc, h) => sha256d(acc ‖ h)). Hashes are
// in internal byte order. Pools and template providers both need them.

export function merkleRootFromPath(
  coinbaseTxid: Uint8Array,
  path: readonly Uint8Array[],
): Uint8Array {
  let acc = coinbaseTxid;
  const buf = new Uint8Array(64);
  for (const h of path) {
    buf.set(acc, 0);
    buf.set(h, 32);
    acc = sha256d(buf);
  }
  return acc;
}

/**
 * The path for leaf 0 given the txids of the other transactions, in block order. Bitcoin's tree
 * duplicates the last node of an odd level; leaf 0's sibling at each level is what we need.
 */
export function coinbaseMerklePath(otherTxids: readonly Uint8Array[]): Uint8Array[] {
  const path: Uint8Array[] = [];
  // Level 0 with a placeholder for the coinbase; only index 0's ancestors depend on it.
  let level: (Uint8Array | undefined)[] = [undefined, ...otherTxids];
  while (level.length > 1) {
    path.push((level[1] ?? level[0]) as Uint8Array);
    const next: (Uint8Array | undefined)[] = [undefined];
    for (let i = 2; i < level.length; i += 2) {
      const a = level[i]!;
      const b = level[i + 1] ?? a;
      const buf = new Uint8Array(64);
      buf.set(a, 0);
      buf.set(b, 32);
      next.push(sha256d(buf));
    }
    level = next;
  }
  return path;
}
