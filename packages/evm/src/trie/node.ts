import { keccak256 } from '@keel/crypto/hashes';
import { EvmError, EvmErrorCode } from '../errors.ts';
import { decodeRLP, type RLPValue } from '../rlp/decode.ts';
import { encodeRLP, type RLPInput } from '../rlp/encode.ts';
import { decodeHexPrefix, encodeHexPrefix, type Nibbles } from './nibbles.ts';

/**
 * In-memory trie nodes. They are never mutated after creation (an update builds new nodes
 * along its path), so an old root stays valid and a node can cache its encoding.
 */
export interface LeafNode {
  readonly kind: 'leaf';
  readonly path: Nibbles;
  readonly value: Uint8Array;
  enc?: Uint8Array;
}
export interface ExtensionNode {
  readonly kind: 'ext';
  readonly path: Nibbles;
  readonly child: NodeRef;
  enc?: Uint8Array;
}
export interface BranchNode {
  readonly kind: 'branch';
  readonly children: readonly (NodeRef | null)[];
  readonly value: Uint8Array | null;
  enc?: Uint8Array;
}
/** A node known only by its hash, loaded from the store on first use. */
export interface HashNode {
  readonly kind: 'hash';
  readonly hash: Uint8Array;
}
export type TrieNode = LeafNode | ExtensionNode | BranchNode;
export type NodeRef = TrieNode | HashNode;

const EMPTY = new Uint8Array(0);

/** The RLP structure of a node, children given as their references. */
export function nodeStructure(n: TrieNode): RLPInput {
  if (n.kind === 'leaf') return [encodeHexPrefix(n.path, true), n.value];
  if (n.kind === 'ext') return [encodeHexPrefix(n.path, false), childRef(n.child)];
  const items: RLPInput[] = n.children.map((c) => (c === null ? EMPTY : childRef(c)));
  items.push(n.value ?? EMPTY);
  return items;
}

export function encodeNode(n: TrieNode): Uint8Array {
  if (!n.enc) n.enc = encodeRLP(nodeStructure(n));
  return n.enc;
}

/** How a parent refers to `c`: inline when its encoding is under 32 bytes, else by hash. */
function childRef(c: NodeRef): RLPInput {
  if (c.kind === 'hash') return c.hash;
  const enc = encodeNode(c);
  return enc.length < 32 ? nodeStructure(c) : keccak256(enc);
}

function bad(message: string): never {
  throw new EvmError(EvmErrorCode.TRIE, `trie node: ${message}`);
}

function decodeRef(v: RLPValue): NodeRef | null {
  if (Array.isArray(v)) return decodeStructure(v);
  if (v.length === 0) return null;
  if (v.length !== 32) bad(`child reference of ${v.length} bytes`);
  return { kind: 'hash', hash: v };
}

function decodeStructure(v: RLPValue[]): TrieNode {
  if (v.length === 2) {
    const [p, second] = v as [RLPValue, RLPValue];
    if (Array.isArray(p)) bad('path is a list');
    const { path, leaf } = decodeHexPrefix(p);
    if (leaf) {
      if (Array.isArray(second)) bad('leaf value is a list');
      return { kind: 'leaf', path, value: second };
    }
    if (path.length === 0) bad('extension with an empty path');
    const child = decodeRef(second);
    if (child === null) bad('extension without a child');
    return { kind: 'ext', path, child };
  }
  if (v.length !== 17) bad(`list of ${v.length} items`);
  const children = v.slice(0, 16).map(decodeRef);
  const value = v[16]!;
  if (Array.isArray(value)) bad('branch value is a list');
  return { kind: 'branch', children, value: value.length ? value : null };
}

/** Decodes a stored node (its RLP encoding). */
export function decodeNode(enc: Uint8Array): TrieNode {
  const v = decodeRLP(enc);
  if (!Array.isArray(v)) bad('not a list');
  const n = decodeStructure(v);
  n.enc = enc;
  return n;
}
