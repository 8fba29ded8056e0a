import { type Element, serializeElement } from '../crypto/banderwagon.ts';
import { numberToBytesLE } from '../crypto/field.ts';
import { VerkleError, VerkleErrorCode } from '../errors.ts';
import { InternalNode, LeafNode, type Node } from './nodes.ts';
import { KEY_SIZE, STEM_SIZE } from './treeKey.ts';

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== KEY_SIZE) {
    throw new VerkleError(VerkleErrorCode.INVALID_LENGTH, `key must be ${KEY_SIZE} bytes`);
  }
}

function checkValue(value: Uint8Array): void {
  if (!(value instanceof Uint8Array) || value.length !== 32) {
    throw new VerkleError(VerkleErrorCode.INVALID_LENGTH, 'value must be 32 bytes');
  }
}

function sameStem(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < STEM_SIZE; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface TreeStats {
  readonly leaves: number;
  readonly internalNodes: number;
  readonly values: number;
  readonly maxDepth: number;
}

/**
 * An in-memory EIP-6800 verkle tree. Writes are cheap; `commit()` brings every touched
 * commitment up to date with delta updates (one sparse MSM per touched node). The shape is
 * canonical: a delete that leaves an internal node with a single leaf lifts the leaf back up,
 * so the root depends only on the key/value set, not on the order of operations.
 */
export class VerkleTree {
  /** Identity of this tree as a node owner: nodes it does not own are copied before a write. */
  private token: object = {};
  private rootNode: InternalNode = new InternalNode(0, this.token);

  get root(): InternalNode {
    return this.rootNode;
  }

  /**
   * A new tree with the same contents, sharing every node: both trees copy a shared node
   * before changing it (copy-on-write), so writes to either leave the other intact. Costs one
   * commit; later writes copy only the nodes on their paths.
   */
  fork(): VerkleTree {
    this.commit();
    this.token = {};
    const t = new VerkleTree();
    t.rootNode = this.rootNode;
    return t;
  }

  private own<N extends Node>(n: N): N {
    return (n.owner === this.token ? n : n.copy(this.token)) as N;
  }

  private ownRoot(): InternalNode {
    this.rootNode = this.own(this.rootNode);
    return this.rootNode;
  }

  /** The child at `idx` of an owned node, itself made owned (relinked without a count change). */
  private ownChild(parent: InternalNode, idx: number): Node | undefined {
    const c = parent.children[idx];
    if (c === undefined || c.owner === this.token) return c;
    const copy = c.copy(this.token);
    parent.children[idx] = copy;
    return copy;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    checkKey(key);
    let node: Node | undefined = this.rootNode;
    while (node !== undefined && node.kind === 'internal') node = node.children[key[node.depth]!];
    if (node === undefined || !sameStem(node.stem, key)) return undefined;
    return node.values[key[STEM_SIZE]!];
  }

  insert(key: Uint8Array, value: Uint8Array): void {
    checkKey(key);
    checkValue(value);
    let node = this.ownRoot();
    for (;;) {
      const idx = key[node.depth]!;
      const existing = node.children[idx];
      if (existing === undefined) {
        const leaf = new LeafNode(key.slice(0, STEM_SIZE), this.token);
        leaf.set(key[STEM_SIZE]!, value.slice());
        node.setChild(idx, leaf);
        return;
      }
      node.dirty.add(idx);
      if (existing.kind === 'internal') {
        node = this.ownChild(node, idx) as InternalNode;
        continue;
      }
      if (sameStem(existing.stem, key)) {
        (this.ownChild(node, idx) as LeafNode).set(key[STEM_SIZE]!, value.slice());
        return;
      }
      // Split: push the existing leaf down until the two stems part (it moves unchanged).
      const inner = new InternalNode(node.depth + 1, this.token);
      inner.setChild(existing.stem[inner.depth]!, existing);
      node.setChild(idx, inner);
      node = inner;
    }
  }

  /** Removes a key; returns whether it was present. */
  delete(key: Uint8Array): boolean {
    checkKey(key);
    if (this.get(key) === undefined) return false;
    const path: Array<[InternalNode, number]> = [];
    let node: Node | undefined = this.ownRoot();
    while (node !== undefined && node.kind === 'internal') {
      const idx: number = key[node.depth]!;
      path.push([node, idx]);
      node = this.ownChild(node, idx);
    }
    if (node === undefined) return false;
    node.set(key[STEM_SIZE]!, undefined);
    for (const [n, i] of path) n.dirty.add(i);
    if (node.count > 0) return true;
    // The leaf is empty: unlink it, then lift a lone leaf or drop an empty node upwards.
    let [parent, idx] = path.pop()!;
    parent.setChild(idx, undefined);
    while (path.length > 0 && parent.count <= 1) {
      let only: Node | undefined;
      for (const c of parent.children) if (c !== undefined) only = c;
      if (only !== undefined && only.kind === 'internal') break;
      const [gp, gi] = path.pop()!;
      gp.setChild(gi, only);
      parent = gp;
      idx = gi;
    }
    return true;
  }

  /** Updates every dirty commitment; returns the root commitment. */
  commit(): Element {
    this.rootNode.commit();
    return this.rootNode.commitment;
  }

  /** Compressed 32-byte root commitment (the block header's state root). */
  rootCommitment(): Uint8Array {
    return serializeElement(this.commit());
  }

  /** map_to_scalar_field(root commitment), 32 bytes little-endian. */
  rootHash(): Uint8Array {
    this.commit();
    return numberToBytesLE(this.rootNode.hash, 32);
  }

  stats(): TreeStats {
    let leaves = 0;
    let internalNodes = 0;
    let values = 0;
    let maxDepth = 0;
    const walk = (n: InternalNode): void => {
      internalNodes++;
      for (const c of n.children) {
        if (c === undefined) continue;
        if (c.kind === 'internal') walk(c);
        else {
          leaves++;
          values += c.count;
          maxDepth = Math.max(maxDepth, n.depth + 1);
        }
      }
    };
    walk(this.rootNode);
    return { leaves, internalNodes, values, maxDepth };
  }
}
