import { type Element, IDENTITY, mapToScalarField } from '../crypto/banderwagon.ts';
import { bytesToNumberLE, FR_MODULUS } from '../crypto/field.ts';
import { commitSparse } from '../crypto/msm.ts';
import { leafValueScalars } from './treeKey.ts';

const R = FR_MODULUS;
export const WIDTH = 256;

/** A stem's leaf: the extension commitment over (1, stem, hash(C1), hash(C2)) and its two halves. */
export class LeafNode {
  readonly kind = 'leaf' as const;
  readonly stem: Uint8Array;
  readonly values: (Uint8Array | undefined)[] = new Array(WIDTH).fill(undefined);
  c1: Element = IDENTITY;
  c2: Element = IDENTITY;
  commitment: Element = IDENTITY;
  /** hash(C1), hash(C2) as last committed */
  h1 = 0n;
  h2 = 0n;
  hash = 0n;
  committed = false;
  /** suffix → value at the last commit (undefined = absent) */
  readonly dirty = new Map<number, Uint8Array | undefined>();
  count = 0;
  /** The tree allowed to mutate this node in place (copy-on-write, see `VerkleTree.fork`). */
  owner: object | undefined;

  constructor(stem: Uint8Array, owner?: object) {
    this.stem = stem;
    this.owner = owner;
  }

  /** A clean copy owned by `owner` (the node must be committed: forks share clean nodes only). */
  copy(owner: object): LeafNode {
    const n = new LeafNode(this.stem, owner);
    for (let i = 0; i < WIDTH; i++) n.values[i] = this.values[i];
    n.c1 = this.c1;
    n.c2 = this.c2;
    n.commitment = this.commitment;
    n.h1 = this.h1;
    n.h2 = this.h2;
    n.hash = this.hash;
    n.committed = this.committed;
    n.count = this.count;
    return n;
  }

  set(suffix: number, value: Uint8Array | undefined): void {
    const old = this.values[suffix];
    if (!this.dirty.has(suffix)) this.dirty.set(suffix, old);
    if (old === undefined && value !== undefined) this.count++;
    if (old !== undefined && value === undefined) this.count--;
    this.values[suffix] = value;
  }

  /** Evaluations of C1 (half 0) or C2 (half 1). */
  suffixPoly(half: 0 | 1): bigint[] {
    const f = new Array<bigint>(WIDTH).fill(0n);
    for (let s = 0; s < 128; s++) {
      const v = this.values[half * 128 + s];
      if (v === undefined) continue;
      const [lo, hi] = leafValueScalars(v);
      f[2 * s] = lo;
      f[2 * s + 1] = hi;
    }
    return f;
  }

  /** Evaluations of the extension commitment. */
  extensionPoly(): bigint[] {
    const f = new Array<bigint>(WIDTH).fill(0n);
    f[0] = 1n;
    f[1] = bytesToNumberLE(this.stem);
    f[2] = this.h1;
    f[3] = this.h2;
    return f;
  }

  /** Brings the commitments up to date (delta updates after the first commit); returns the hash. */
  commit(): bigint {
    if (this.committed && this.dirty.size === 0) return this.hash;
    const d1: Array<readonly [number, bigint]> = [];
    const d2: Array<readonly [number, bigint]> = [];
    const suffixes = this.committed ? [...this.dirty.keys()] : [];
    if (!this.committed) {
      for (let s = 0; s < WIDTH; s++) if (this.values[s] !== undefined) suffixes.push(s);
    }
    for (const s of suffixes) {
      const oldV = this.committed ? this.dirty.get(s) : undefined;
      const newV = this.values[s];
      const [o0, o1] = oldV === undefined ? [0n, 0n] : leafValueScalars(oldV);
      const [n0, n1] = newV === undefined ? [0n, 0n] : leafValueScalars(newV);
      const target = s < 128 ? d1 : d2;
      const pos = 2 * (s % 128);
      if (n0 !== o0) target.push([pos, n0 - o0]);
      if (n1 !== o1) target.push([pos + 1, n1 - o1]);
    }
    if (d1.length > 0) this.c1 = this.c1.add(commitSparse(d1));
    if (d2.length > 0) this.c2 = this.c2.add(commitSparse(d2));
    const h1 = d1.length > 0 ? mapToScalarField(this.c1) : this.h1;
    const h2 = d2.length > 0 ? mapToScalarField(this.c2) : this.h2;
    if (!this.committed) {
      this.commitment = commitSparse([
        [0, 1n],
        [1, bytesToNumberLE(this.stem)],
        [2, h1],
        [3, h2],
      ]);
    } else if (h1 !== this.h1 || h2 !== this.h2) {
      this.commitment = this.commitment.add(
        commitSparse([
          [2, (h1 - this.h1 + R) % R],
          [3, (h2 - this.h2 + R) % R],
        ]),
      );
    }
    this.h1 = h1;
    this.h2 = h2;
    this.hash = mapToScalarField(this.commitment);
    this.committed = true;
    this.dirty.clear();
    return this.hash;
  }
}

/** An internal node: the commitment over its 256 children's hashes (0 for an empty slot). */
export class InternalNode {
  readonly kind = 'internal' as const;
  readonly depth: number;
  readonly children: (Node | undefined)[] = new Array(WIDTH).fill(undefined);
  /** children's hashes as last committed */
  readonly childHashes: bigint[] = new Array(WIDTH).fill(0n);
  commitment: Element = IDENTITY;
  hash = 0n;
  readonly dirty = new Set<number>();
  count = 0;
  /** The tree allowed to mutate this node in place (copy-on-write, see `VerkleTree.fork`). */
  owner: object | undefined;

  constructor(depth: number, owner?: object) {
    this.depth = depth;
    this.owner = owner;
  }

  /** A clean copy owned by `owner` (the node must be committed: forks share clean nodes only). */
  copy(owner: object): InternalNode {
    const n = new InternalNode(this.depth, owner);
    for (let i = 0; i < WIDTH; i++) {
      n.children[i] = this.children[i];
      n.childHashes[i] = this.childHashes[i]!;
    }
    n.commitment = this.commitment;
    n.hash = this.hash;
    n.count = this.count;
    return n;
  }

  setChild(i: number, child: Node | undefined): void {
    const old = this.children[i];
    if (old === undefined && child !== undefined) this.count++;
    if (old !== undefined && child === undefined) this.count--;
    this.children[i] = child;
    this.dirty.add(i);
  }

  commit(): bigint {
    if (this.dirty.size === 0) return this.hash;
    const deltas: Array<readonly [number, bigint]> = [];
    for (const i of this.dirty) {
      const child = this.children[i];
      const h = child === undefined ? 0n : child.commit();
      const old = this.childHashes[i]!;
      if (h !== old) deltas.push([i, (h - old + R) % R]);
      this.childHashes[i] = h;
    }
    this.dirty.clear();
    if (deltas.length > 0) {
      this.commitment = this.commitment.add(commitSparse(deltas));
      this.hash = mapToScalarField(this.commitment);
    }
    return this.hash;
  }
}

export type Node = LeafNode | InternalNode;
