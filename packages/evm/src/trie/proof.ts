import { keccak256 } from '@keel/crypto/hashes';
import { bytesToHex, equalBytes } from '@keel/util';
import { EvmError, EvmErrorCode } from '../errors.ts';
import { bytesToNibbles } from './nibbles.ts';
import { decodeNode, type NodeRef, type TrieNode } from './node.ts';
import { EMPTY_TRIE_ROOT } from './trieRoot.ts';

export interface TrieProofLimits {
  /** Most nodes accepted in one proof (a 32-byte key has at most 65 nodes on its path). */
  readonly maxNodes?: number;
}

function bad(message: string): never {
  throw new EvmError(EvmErrorCode.TRIE, `trie proof: ${message}`);
}

/**
 * Checks an EIP-1186 proof (as `MerklePatriciaTrie.createProof` makes) of `key` against
 * `root`. Returns the proven value, or undefined when the proof shows the key is absent.
 * Throws EvmError(TRIE) when the proof does not connect to `root` or a node is malformed.
 */
export function verifyProof(
  root: Uint8Array,
  key: Uint8Array,
  proof: readonly Uint8Array[],
  limits: TrieProofLimits = {},
): Uint8Array | undefined {
  const maxNodes = limits.maxNodes ?? 130;
  if (proof.length > maxNodes) bad(`${proof.length} nodes exceed the limit of ${maxNodes}`);
  if (equalBytes(root, EMPTY_TRIE_ROOT) && proof.length === 0) return undefined;
  const byHash = new Map<string, Uint8Array>();
  for (const enc of proof) byHash.set(bytesToHex(keccak256(enc)), enc);
  const load = (hash: Uint8Array): TrieNode => {
    const enc = byHash.get(bytesToHex(hash));
    if (!enc) bad(`node ${bytesToHex(hash)} missing from the proof`);
    return decodeNode(enc);
  };
  const path = bytesToNibbles(key);
  let node: TrieNode = load(root);
  let at = 0;
  for (;;) {
    let next: NodeRef | null;
    if (node.kind === 'leaf') {
      return startsAt(path, at, node.path) && at + node.path.length === path.length
        ? node.value
        : undefined;
    }
    if (node.kind === 'ext') {
      if (!startsAt(path, at, node.path)) return undefined;
      at += node.path.length;
      next = node.child;
    } else {
      if (at === path.length) return node.value ?? undefined;
      next = node.children[path[at++]!]!;
    }
    if (next === null) return undefined;
    node = next.kind === 'hash' ? load(next.hash) : next;
  }
}

function startsAt(path: Uint8Array, at: number, prefix: Uint8Array): boolean {
  if (path.length - at < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (path[at + i] !== prefix[i]) return false;
  return true;
}
