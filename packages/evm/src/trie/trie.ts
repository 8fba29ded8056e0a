import { keccak256 } from '@keel/crypto/hashes';
import { bytesToHex, concatBytes, equalBytes } from '@keel/util';
import { EvmError, EvmErrorCode } from '../errors.ts';
import { bytesToNibbles, commonPrefixLength, type Nibbles, nibblesToBytes } from './nibbles.ts';
import {
  type BranchNode,
  decodeNode,
  type ExtensionNode,
  encodeNode,
  type HashNode,
  type LeafNode,
  type NodeRef,
  type TrieNode,
} from './node.ts';
import { MemoryTrieNodeStore, type TrieNodeStore } from './nodeStore.ts';
import { EMPTY_TRIE_ROOT } from './trieRoot.ts';

export interface MerklePatriciaTrieOptions {
  /** Node store (default: a fresh in-memory one). */
  readonly store?: TrieNodeStore;
  /** Start from this root, whose nodes must be in `store` (default: the empty trie). */
  readonly root?: Uint8Array;
}

/** Hash of a committed (stored) node; set by `root()`, never changed after. */
const committed = new WeakMap<TrieNode, Uint8Array>();
/**
 * A hash reference's decoded node, kept while the reference is reachable (from a root in use),
 * so repeated reads of a reopened trie decode each node once.
 */
const decoded = new WeakMap<HashNode, TrieNode>();

const leaf = (path: Nibbles, value: Uint8Array): LeafNode => ({ kind: 'leaf', path, value });
const ext = (path: Nibbles, child: NodeRef): ExtensionNode => ({ kind: 'ext', path, child });
const branch = (children: (NodeRef | null)[], value: Uint8Array | null): BranchNode => ({
  kind: 'branch',
  children,
  value,
});
const emptyChildren = (): (NodeRef | null)[] => new Array(16).fill(null);

/**
 * A Merkle-Patricia trie over raw byte keys (hash them first for Ethereum's secure tries).
 * Updates copy the nodes on their path and never modify a node, so `copy()` is O(1) and a
 * copy is unaffected by later changes to the original. `root()` writes the new hashed nodes
 * to the store.
 */
export class MerklePatriciaTrie {
  readonly store: TrieNodeStore;
  private rootRef: NodeRef | null;

  constructor(opts: MerklePatriciaTrieOptions = {}) {
    this.store = opts.store ?? new MemoryTrieNodeStore();
    const root = opts.root;
    this.rootRef =
      root === undefined || equalBytes(root, EMPTY_TRIE_ROOT)
        ? null
        : this.resolve({ kind: 'hash', hash: root });
  }

  /** A trie sharing this one's nodes and store; changes to either do not affect the other. */
  copy(): MerklePatriciaTrie {
    const t = new MerklePatriciaTrie({ store: this.store });
    t.rootRef = this.rootRef;
    return t;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const path = bytesToNibbles(key);
    let ref = this.rootRef;
    let at = 0;
    while (ref) {
      const n = this.resolve(ref);
      if (n.kind === 'leaf') {
        return pathEquals(n.path, path, at) ? n.value : undefined;
      }
      if (n.kind === 'ext') {
        if (!pathStartsWith(path, at, n.path)) return undefined;
        at += n.path.length;
        ref = n.child;
      } else {
        if (at === path.length) return n.value ?? undefined;
        ref = n.children[path[at++]!]!;
      }
    }
    return undefined;
  }

  /** Sets `key` to `value`; an empty value deletes the key (Ethereum's convention). */
  put(key: Uint8Array, value: Uint8Array): void {
    if (value.length === 0) {
      this.del(key);
      return;
    }
    this.rootRef = this.insert(this.rootRef, bytesToNibbles(key), value);
  }

  del(key: Uint8Array): void {
    this.rootRef = this.remove(this.rootRef, bytesToNibbles(key));
  }

  /** The root hash; writes every node not yet stored to the store. */
  root(): Uint8Array {
    if (!this.rootRef) return EMPTY_TRIE_ROOT;
    if (this.rootRef.kind === 'hash') return this.rootRef.hash;
    return this.commit(this.rootRef, true)!;
  }

  /** Every entry in key order. */
  *entries(): Generator<[Uint8Array, Uint8Array]> {
    if (this.rootRef) yield* this.walk(this.rootRef, []);
  }

  /**
   * EIP-1186 proof: the encodings of the hashed nodes on the path to `key`, root first. It proves
   * the key's value, or its absence.
   */
  createProof(key: Uint8Array): Uint8Array[] {
    const path = bytesToNibbles(key);
    const proof: Uint8Array[] = [];
    let ref = this.rootRef;
    let at = 0;
    let isRoot = true;
    while (ref) {
      const n = this.resolve(ref);
      const enc = encodeNode(n);
      if (isRoot || enc.length >= 32) proof.push(enc);
      isRoot = false;
      if (n.kind === 'leaf') break;
      if (n.kind === 'ext') {
        if (!pathStartsWith(path, at, n.path)) break;
        at += n.path.length;
        ref = n.child;
      } else {
        if (at === path.length) break;
        ref = n.children[path[at++]!]!;
      }
    }
    return proof;
  }

  private resolve(ref: NodeRef): TrieNode {
    if (ref.kind !== 'hash') return ref;
    const cached = decoded.get(ref);
    if (cached) return cached;
    const enc = this.store.get(ref.hash);
    if (!enc) {
      throw new EvmError(EvmErrorCode.TRIE, `trie node ${bytesToHex(ref.hash)} not in the store`, {
        hash: bytesToHex(ref.hash),
      });
    }
    const n = decodeNode(enc);
    committed.set(n, ref.hash);
    decoded.set(ref, n);
    return n;
  }

  private commit(n: NodeRef, isRoot: boolean): Uint8Array | undefined {
    if (n.kind === 'hash') return n.hash;
    const done = committed.get(n);
    if (done) return done;
    if (n.kind === 'ext') this.commit(n.child, false);
    else if (n.kind === 'branch') for (const c of n.children) if (c) this.commit(c, false);
    const enc = encodeNode(n);
    // Nodes under 32 bytes live inside their parent's encoding (the root is always hashed).
    if (enc.length < 32 && !isRoot) return undefined;
    const hash = keccak256(enc);
    this.store.put(hash, enc);
    committed.set(n, hash);
    return hash;
  }

  private insert(ref: NodeRef | null, path: Nibbles, value: Uint8Array): TrieNode {
    if (!ref) return leaf(path, value);
    const n = this.resolve(ref);
    if (n.kind === 'branch') {
      if (path.length === 0) return branch(n.children as (NodeRef | null)[], value);
      const children = n.children.slice();
      children[path[0]!] = this.insert(children[path[0]!]!, path.subarray(1), value);
      return branch(children, n.value);
    }
    const cp = commonPrefixLength(n.path, path);
    if (n.kind === 'leaf' && cp === n.path.length && cp === path.length) return leaf(path, value);
    if (n.kind === 'ext' && cp === n.path.length) {
      return ext(n.path, this.insert(n.child, path.subarray(cp), value));
    }
    // The paths part at nibble cp: a branch there holds the old node's rest and the new key.
    const children = emptyChildren();
    let branchValue: Uint8Array | null = null;
    if (n.kind === 'leaf') {
      if (n.path.length === cp) branchValue = n.value;
      else children[n.path[cp]!] = leaf(n.path.subarray(cp + 1), n.value);
    } else {
      const rest = n.path.subarray(cp + 1);
      children[n.path[cp]!] = rest.length ? ext(rest, n.child) : n.child;
    }
    if (path.length === cp) branchValue = value;
    else children[path[cp]!] = leaf(path.subarray(cp + 1), value);
    const b = branch(children, branchValue);
    return cp > 0 ? ext(path.subarray(0, cp), b) : b;
  }

  /** `ref` without `path`; the same object when the key is absent. */
  private remove(ref: NodeRef | null, path: Nibbles): NodeRef | null {
    if (!ref) return null;
    const n = this.resolve(ref);
    if (n.kind === 'leaf') return pathEquals(n.path, path, 0) ? null : ref;
    if (n.kind === 'ext') {
      if (!pathStartsWith(path, 0, n.path)) return ref;
      const child = this.remove(n.child, path.subarray(n.path.length));
      if (child === n.child) return ref;
      return child ? this.joinPath(n.path, child) : null;
    }
    if (path.length === 0) {
      if (n.value === null) return ref;
      return this.normalize(branch(n.children as (NodeRef | null)[], null));
    }
    const old = n.children[path[0]!]!;
    const child = this.remove(old, path.subarray(1));
    if (child === old) return ref;
    const children = n.children.slice();
    children[path[0]!] = child;
    return this.normalize(branch(children, n.value));
  }

  /** A branch left with one item collapses into a leaf or an extension. */
  private normalize(b: BranchNode): TrieNode {
    let only = -1;
    for (let i = 0; i < 16; i++) {
      if (!b.children[i]) continue;
      if (only >= 0 || b.value) return b;
      only = i;
    }
    if (only < 0) return leaf(new Uint8Array(0), b.value!);
    return this.joinPath(Uint8Array.of(only), b.children[only]!);
  }

  /** `prefix` followed by node `child`, merged into one node where the child has a path. */
  private joinPath(prefix: Nibbles, childRef: NodeRef): TrieNode {
    const child = this.resolve(childRef);
    if (child.kind === 'leaf') return leaf(concatBytes(prefix, child.path), child.value);
    if (child.kind === 'ext') return ext(concatBytes(prefix, child.path), child.child);
    return ext(prefix, childRef);
  }

  private *walk(ref: NodeRef, prefix: number[]): Generator<[Uint8Array, Uint8Array]> {
    const n = this.resolve(ref);
    if (n.kind === 'leaf') {
      yield [nibblesToBytes(Uint8Array.from([...prefix, ...n.path])), n.value];
    } else if (n.kind === 'ext') {
      yield* this.walk(n.child, [...prefix, ...n.path]);
    } else {
      if (n.value) yield [nibblesToBytes(Uint8Array.from(prefix)), n.value];
      for (let i = 0; i < 16; i++) {
        const c = n.children[i];
        if (c) yield* this.walk(c, [...prefix, i]);
      }
    }
  }
}

function pathStartsWith(path: Nibbles, at: number, prefix: Nibbles): boolean {
  if (path.length - at < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (path[at + i] !== prefix[i]) return false;
  return true;
}

function pathEquals(a: Nibbles, path: Nibbles, at: number): boolean {
  return path.length - at === a.length && pathStartsWith(path, at, a);
}
