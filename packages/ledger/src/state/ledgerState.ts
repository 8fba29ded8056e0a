import { sha256 } from '@keel/crypto';
import { bytesToHex } from '@keel/util';
import { proveKey, type StateProof } from '../smt/proof.ts';
import { insert, Leaf, leaves, lookup, nodeHash, remove, type TreeNode } from '../smt/tree.ts';

/** One state write: `value` undefined deletes the key. */
export interface StateWrite {
  readonly key: Uint8Array;
  readonly value: Uint8Array | undefined;
}

/**
 * An immutable version of the ledger state: a persistent sparse Merkle tree whose leaves hold
 * the state's key-value pairs. Versions share structure, so keeping the state of every
 * uncommitted block (a BFT node's forks) costs only the paths they changed.
 */
export class LedgerState {
  private constructor(readonly tree: TreeNode) {}

  static empty(): LedgerState {
    return new LedgerState(null);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return lookup(this.tree, sha256(key))?.value;
  }

  /** The state root: the tree's root hash. */
  root(): Uint8Array {
    return nodeHash(this.tree);
  }

  /** A proof that `key` holds its current value (or is absent). */
  prove(key: Uint8Array): StateProof {
    return proveKey(this.tree, sha256(key));
  }

  /** A new version with `writes` applied in order. */
  withWrites(writes: Iterable<StateWrite>): LedgerState {
    let t = this.tree;
    for (const w of writes) {
      const k = sha256(w.key);
      t =
        w.value === undefined
          ? remove(t, k)
          : insert(t, new Leaf(k, w.key.slice(), w.value.slice()));
    }
    return t === this.tree ? this : new LedgerState(t);
  }

  /** Every (key, value) pair, in tree order. */
  *entries(): Generator<[Uint8Array, Uint8Array]> {
    for (const l of leaves(this.tree)) yield [l.stateKey, l.value];
  }
}

/**
 * Writes over a `LedgerState`, with an undo log so a transaction's writes can be dropped
 * (`mark` / `rollback`). `commit()` folds them into a new `LedgerState`.
 */
export class StateOverlay {
  private readonly writes = new Map<string, StateWrite>();
  private readonly undo: { hex: string; prev: StateWrite | undefined }[] = [];

  constructor(readonly base: LedgerState) {}

  get(key: Uint8Array): Uint8Array | undefined {
    const w = this.writes.get(bytesToHex(key));
    return w ? w.value : this.base.get(key);
  }

  set(key: Uint8Array, value: Uint8Array | undefined): void {
    const hex = bytesToHex(key);
    this.undo.push({ hex, prev: this.writes.get(hex) });
    this.writes.set(hex, { key, value });
  }

  mark(): number {
    return this.undo.length;
  }

  rollback(mark: number): void {
    for (let i = this.undo.length - 1; i >= mark; i--) {
      const u = this.undo[i]!;
      if (u.prev === undefined) this.writes.delete(u.hex);
      else this.writes.set(u.hex, u.prev);
    }
    this.undo.length = mark;
  }

  /** The net writes, in first-write order. */
  changes(): StateWrite[] {
    return [...this.writes.values()];
  }

  commit(): LedgerState {
    return this.base.withWrites(this.writes.values());
  }
}
