import { keccak256 } from '@keel/crypto/hashes';
import { compareBytes, equalBytes, hexToBytes } from '@keel/util';
import { encodeRLP, type RLPInput } from '../rlp/encode.ts';
import { hexPrefix, nibbleAt } from './nibbles.ts';

/** keccak256(rlp("")): the root of a trie with no entries. */
export const EMPTY_TRIE_ROOT: Uint8Array = hexToBytes(
  '56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421',
);

const EMPTY = new Uint8Array(0);

type Entry = readonly [Uint8Array, Uint8Array];

/** A child reference: the node itself when its encoding is under 32 bytes, else its hash. */
function reference(node: RLPInput): RLPInput {
  const enc = encodeRLP(node);
  return enc.length < 32 ? node : keccak256(enc);
}

function keyNibbles(e: Entry): number {
  return e[0].length * 2;
}

/** Builds the node for sorted entries [lo, hi), all sharing their first `depth` nibbles. */
function build(es: readonly Entry[], lo: number, hi: number, depth: number): RLPInput {
  const first = es[lo]![0];
  if (hi - lo === 1) {
    const len = keyNibbles(es[lo]!) - depth;
    return [hexPrefix(len, (i) => nibbleAt(first, depth + i), true), es[lo]![1]];
  }
  // Sorted order: the common prefix of the range is that of its first and last keys.
  const last = es[hi - 1]![0];
  const max = Math.min(keyNibbles(es[lo]!), last.length * 2);
  let cp = depth;
  while (cp < max && nibbleAt(first, cp) === nibbleAt(last, cp)) cp++;
  if (cp > depth) {
    const path = hexPrefix(cp - depth, (i) => nibbleAt(first, depth + i), false);
    return [path, reference(build(es, lo, hi, cp))];
  }
  const node: RLPInput[] = new Array(17).fill(EMPTY);
  let at = lo;
  // Only the first (shortest) key can end exactly here; it is the branch's value.
  if (keyNibbles(es[at]!) === depth) node[16] = es[at++]![1];
  while (at < hi) {
    const nib = nibbleAt(es[at]![0], depth);
    let end = at + 1;
    while (end < hi && nibbleAt(es[end]![0], depth) === nib) end++;
    node[nib] = reference(build(es, at, end, depth + 1));
    at = end;
  }
  return node;
}

/**
 * The Merkle-Patricia root of a key-value set, built bottom-up from the sorted keys without a
 * node store. Keys are used as given (hash them first for the "secure" trie). An empty value
 * means absent (as in the trie, where putting an empty value deletes). A key given twice keeps
 * its last value.
 */
export function trieRoot(entries: Iterable<Entry>): Uint8Array {
  // A stable sort keeps each key's writes in order, so the last of a run of equal keys wins.
  const sorted = [...entries].sort((a, b) => compareBytes(a[0], b[0]));
  const kept: Entry[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i]!;
    const next = sorted[i + 1];
    if (next && equalBytes(next[0], e[0])) continue;
    if (e[1].length > 0) kept.push(e);
  }
  if (kept.length === 0) return EMPTY_TRIE_ROOT;
  return keccak256(encodeRLP(build(kept, 0, kept.length, 0)));
}
