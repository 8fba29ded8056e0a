import type { ConformanceSuite, CountContext, SuiteContext } from '@keel/conformance';
import { keccak256 } from '@keel/crypto/hashes';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@keel/util';
import { verifyProof } from '../trie/proof.ts';
import { MerklePatriciaTrie } from '../trie/trie.ts';
import { trieRoot } from '../trie/trieRoot.ts';

const DIR = 'ethereum-tests/TrieTests';

interface RootCase {
  in: Record<string, string | null> | [string, string | null][];
  root: string;
}
interface NextPrevCase {
  in: string[];
  tests: [string, string, string][];
}

function cases(ctx: CountContext, file: string): [string, RootCase | NextPrevCase][] {
  return Object.entries(ctx.readJson(file) as Record<string, RootCase | NextPrevCase>);
}

/** Keys and values: `0x…` is hex, anything else its UTF-8 bytes; null deletes. */
function parse(s: string | null): Uint8Array {
  if (s === null) return new Uint8Array(0);
  return s.startsWith('0x') ? hexToBytes(s) : utf8ToBytes(s);
}

function runRoot(ctx: SuiteContext, file: string, c: RootCase): void {
  const secure = /secure/i.test(file);
  const ops = (Array.isArray(c.in) ? c.in : Object.entries(c.in)).map(
    ([k, v]) => [secure ? keccak256(parse(k)) : parse(k), parse(v)] as const,
  );
  const trie = new MerklePatriciaTrie();
  for (const [k, v] of ops) trie.put(k, v);
  ctx.expectEqual(bytesToHex(trie.root()), c.root.slice(2), 'trie root after the updates in order');
  // The bulk builder sees only the final key set (the last write of each key wins).
  ctx.expectEqual(bytesToHex(trieRoot(ops)), c.root.slice(2), 'trieRoot of the final entries');
  // Inserting in reverse order (keeping each key's final value) gives the same root.
  const final = new Map(ops.map(([k, v]) => [bytesToHex(k), v]));
  const reversed = new MerklePatriciaTrie();
  for (const [k, v] of [...final].reverse()) reversed.put(hexToBytes(k), v);
  ctx.expectEqual(bytesToHex(reversed.root()), c.root.slice(2), 'root in reverse order');
  // Every present key proves its value against the expected root; deleted keys prove absence.
  const root = hexToBytes(c.root);
  for (const [k, v] of final) {
    const key = hexToBytes(k);
    const got = verifyProof(root, key, trie.createProof(key));
    ctx.expectEqual(got && bytesToHex(got), v.length ? bytesToHex(v) : undefined, `proof of ${k}`);
  }
}

/** trietestnextprev: each row is [key, previous key, next key] in the trie's key order. */
function runNextPrev(ctx: SuiteContext, c: NextPrevCase): void {
  const trie = new MerklePatriciaTrie();
  for (const k of c.in) trie.put(parse(k), parse(k));
  const keys = [...trie.entries()].map(([k]) => bytesToHex(k));
  ctx.expectEqual(keys, c.in.map((k) => bytesToHex(parse(k))).sort(), 'entries in key order');
  for (const [key, prev, next] of c.tests) {
    const k = bytesToHex(parse(key));
    const before = keys.filter((x) => x < k);
    const after = keys.filter((x) => x > k);
    ctx.expectEqual(before.at(-1) ?? '', bytesToHex(parse(prev)), `previous of '${key}'`);
    ctx.expectEqual(after[0] ?? '', bytesToHex(parse(next)), `next of '${key}'`);
  }
}

export const ethTrieSuite: ConformanceSuite = {
  name: 'eth-trie',
  description: 'Merkle-Patricia trie roots, plain and secure, any order, proofs (TrieTests)',
  files: [],
  filesIn: [DIR],
  expectedCases: (ctx) => ctx.files.reduce((n, f) => n + cases(ctx, f).length, 0),
  run(ctx) {
    for (const file of ctx.files) {
      for (const [name, c] of cases(ctx, file)) {
        ctx.check(`${file.slice(DIR.length + 1)}/${name}`, () =>
          'tests' in c ? runNextPrev(ctx, c) : runRoot(ctx, file, c),
        );
      }
    }
  },
};
