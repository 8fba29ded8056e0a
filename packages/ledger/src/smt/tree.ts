import { sha256 } from '@keel/crypto';
import { equalBytes } from '@keel/util';

/**
 * A persistent, compressed binary sparse Merkle tree over 256-bit keys (the shape of Diem's
 * Jellyfish tree, binary). A leaf sits at the shallowest depth where it is alone in its subtree,
 * so the tree's shape — and its root — is a function of the key set alone, and paths are
 * ~log2(n) long instead of 256. Nodes are immutable: an update copies one path and shares the
 * rest, so every `LedgerState` version stays valid and cheap. Hashes are computed lazily and
 * cached in the node, so a block of updates re-hashes each touched node once.
 *
 *   empty  = 32 zero bytes
 *   leaf   = sha256(0x00 ‖ key ‖ sha256(value))
 *   branch = sha256(0x01 ‖ hash(left) ‖ hash(right))
 */
export type TreeNode = Leaf | Branch | null;

export const EMPTY_HASH = new Uint8Array(32);
export const LEAF_TAG = 0x00;
export const BRANCH_TAG = 0x01;

export class Leaf {
  private h: Uint8Array | undefined;
  private vh: Uint8Array | undefined;
  constructor(
    /** The tree key: sha256 of `stateKey`. */
    readonly key: Uint8Array,
    /** The state's own key (kept for iteration and snapshots). */
    readonly stateKey: Uint8Array,
    readonly value: Uint8Array,
  ) {}

  get valueHash(): Uint8Array {
    this.vh ??= sha256(this.value);
    return this.vh;
  }

  get hash(): Uint8Array {
    this.h ??= leafHash(this.key, this.valueHash);
    return this.h;
  }
}

export class Branch {
  private h: Uint8Array | undefined;
  constructor(
    readonly left: TreeNode,
    readonly right: TreeNode,
  ) {}

  get hash(): Uint8Array {
    this.h ??= branchHash(nodeHash(this.left), nodeHash(this.right));
    return this.h;
  }
}

const buf65 = new Uint8Array(65);

export function leafHash(key: Uint8Array, valueHash: Uint8Array): Uint8Array {
  buf65[0] = LEAF_TAG;
  buf65.set(key, 1);
  buf65.set(valueHash, 33);
  return sha256(buf65);
}

export function branchHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  buf65[0] = BRANCH_TAG;
  buf65.set(left, 1);
  buf65.set(right, 33);
  return sha256(buf65);
}

export function nodeHash(n: TreeNode): Uint8Array {
  return n === null ? EMPTY_HASH : n.hash;
}

/** Bit `i` of a key, most significant bit of byte 0 first. */
export function keyBit(key: Uint8Array, i: number): number {
  return (key[i >> 3]! >> (7 - (i & 7))) & 1;
}

function merge(a: Leaf, b: Leaf, depth: number): Branch {
  const ba = keyBit(a.key, depth);
  const bb = keyBit(b.key, depth);
  if (ba !== bb) return ba === 0 ? new Branch(a, b) : new Branch(b, a);
  const inner = merge(a, b, depth + 1);
  return ba === 0 ? new Branch(inner, null) : new Branch(null, inner);
}

/** Inserts or replaces `leaf`; returns the new root. */
export function insert(node: TreeNode, leaf: Leaf, depth = 0): TreeNode {
  if (node === null) return leaf;
  if (node instanceof Leaf) return equalBytes(node.key, leaf.key) ? leaf : merge(node, leaf, depth);
  if (keyBit(leaf.key, depth) === 0)
    return new Branch(insert(node.left, leaf, depth + 1), node.right);
  return new Branch(node.left, insert(node.right, leaf, depth + 1));
}

/** Removes `key`; returns the new root (the same node when the key is absent). */
export function remove(node: TreeNode, key: Uint8Array, depth = 0): TreeNode {
  if (node === null) return null;
  if (node instanceof Leaf) return equalBytes(node.key, key) ? null : node;
  const goRight = keyBit(key, depth) === 1;
  const child = goRight ? node.right : node.left;
  const next = remove(child, key, depth + 1);
  if (next === child) return node;
  const left = goRight ? node.left : next;
  const right = goRight ? next : node.right;
  // keep the canonical shape: a lone leaf moves up to where it is alone
  if (left === null && (right === null || right instanceof Leaf)) return right;
  if (right === null && left instanceof Leaf) return left;
  return new Branch(left, right);
}

export function lookup(node: TreeNode, key: Uint8Array): Leaf | undefined {
  let n = node;
  for (let depth = 0; n !== null; depth++) {
    if (n instanceof Leaf) return equalBytes(n.key, key) ? n : undefined;
    n = keyBit(key, depth) === 0 ? n.left : n.right;
  }
  return undefined;
}

/** Leaves in key order. */
export function* leaves(node: TreeNode): Generator<Leaf> {
  if (node === null) return;
  if (node instanceof Leaf) {
    yield node;
    return;
  }
  yield* leaves(node.left);
  yield* leaves(node.right);
}
