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
  readonly root = new InternalNode(0);

  get(key: Uint8Array): Uint8Array | undefined {
    checkKey(key);
    let node: Node | undefined = this.root;
    while (node !== undefined && node.kind === 'internal') node = node.children[key[node.depth]!];
    if (node === undefined || !sameStem(node.stem, key)) return undefined;
    return node.values[key[STEM_SIZE]!];
  }

  insert(key: Uint8Array, value: Uint8Array): void {
    checkKey(key);
    checkValue(value);
    let node = this.root;
    for (;;) {
      const idx = key[node.depth]!;
      const child = node.children[idx];
      if (child === undefined) {
        const leaf = new LeafNode(key.slice(0, STEM_SIZE));
        leaf.set(key[STEM_SIZE]!, value.slice());
        node.setChild(idx, leaf);
        return;
      }
      node.dirty.add(idx);
      if (child.kind === 'internal') {
        node = child;
        continue;
      }
      if (sameStem(child.stem, key)) {
        child.set(key[STEM_SIZE]!, value.slice());
        return;
      }
      // Split: push the existing leaf down until the two stems part.
      const inner = new InternalNode(node.depth + 1);
      inner.setChild(child.stem[inner.depth]!, child);
      node.setChild(idx, inner);
      node = inner;
    }
  }

  /** Removes a key; returns whether it was present. */
  delete(key: Uint8Array): boolean {
    checkKey(key);
    const path: Array<[InternalNode, number]> = [];
    let node: Node | undefined = this.root;
    while (node !== undefined && node.kind === 'internal') {
      const idx: number = key[node.depth]!;
      path.push([node, idx]);
      node = node.children[idx];
    }
    if (node === undefined || !sameStem(node.stem, key)) return false;
    if (node.values[key[STEM_SIZE]!] === undefined) return false;
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
    this.root.commit();
    return this.root.commitment;
  }

  /** Compressed 32-byte root commitment (the block header's state root). */
  rootCommitment(): Uint8Array {
    return serializeElement(this.commit());
  }

  /** map_to_scalar_field(root commitment), 32 bytes little-endian. */
  rootHash(): Uint8Array {
    this.commit();
    return numberToBytesLE(this.root.hash, 32);
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
    walk(this.root);
    return { leaves, internalNodes, values, maxDepth };
  }
}
