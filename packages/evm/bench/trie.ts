import { keccak256 } from '@keel/crypto/hashes';
import type { BenchHarness } from '@keel/util';
import { encodeRLP } from '../src/rlp/encode.ts';
import { MerklePatriciaTrie } from '../src/trie/trie.ts';
import { trieRoot } from '../src/trie/trieRoot.ts';

/** State-like entries: hashed 32-byte keys, 70-byte values (an account's RLP is ~70 bytes). */
function entries(n: number): [Uint8Array, Uint8Array][] {
  return Array.from({ length: n }, (_, i) => {
    const k = keccak256(encodeRLP(Uint8Array.of(i >> 16, (i >> 8) & 255, i & 255)));
    return [k, new Uint8Array(70).fill(i & 255)];
  });
}

/**
 * Trie micro-benchmarks (not wired into `keel bench` yet). The anchor is keccak256 over the
 * same values: a trie must hash at least every leaf, so `ratio` is the cost over that floor.
 */
export function benchTrie(h: BenchHarness): void {
  const n = Math.max(100, Math.round(1000 * h.scale));
  const es = entries(n);
  const hashOnly = h.timeMs(() => {
    for (const [, v] of es) keccak256(v);
  });
  h.report({
    bench: 'evm-trie',
    metric: `trieRoot ${n} entries`,
    value: h.timeMs(() => trieRoot(es)),
    unit: 'ms',
    anchor: `keccak256 x ${n} (70 B)`,
    anchorValue: hashOnly,
  });
  h.report({
    bench: 'evm-trie',
    metric: `MerklePatriciaTrie ${n} puts + root`,
    value: h.timeMs(() => {
      const t = new MerklePatriciaTrie();
      for (const [k, v] of es) t.put(k, v);
      t.root();
    }),
    unit: 'ms',
    anchor: `keccak256 x ${n} (70 B)`,
    anchorValue: hashOnly,
  });
  const t = new MerklePatriciaTrie();
  for (const [k, v] of es) t.put(k, v);
  const root = t.root();
  let i = 0;
  h.report({
    bench: 'evm-trie',
    metric: 'MerklePatriciaTrie get (in memory)',
    value: h.opsPerSecond(() => t.get(es[i++ % n]![0]), { batch: 100 }),
    unit: 'ops/s',
  });
  const reopened = new MerklePatriciaTrie({ store: t.store, root });
  h.report({
    bench: 'evm-trie',
    metric: 'MerklePatriciaTrie get (reopened from the store; each node decoded once)',
    value: h.opsPerSecond(() => reopened.get(es[i++ % n]![0]), { batch: 100 }),
    unit: 'ops/s',
  });
}
