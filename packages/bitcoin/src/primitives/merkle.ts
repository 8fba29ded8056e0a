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
