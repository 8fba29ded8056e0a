import { addressKey } from '../state/addressKey.ts';
import type { AccountHeader, WorldState } from '../state/types.ts';
import type { Address } from '../tx/types.ts';
import { StepError, StepErrorCode } from './errors.ts';
import type { StepSnapshot } from './stepState.ts';
import type { StepWorld } from './stepWorld.ts';
import { TxSets } from './txSets.ts';

type Undo = () => void;

/**
 * Wraps the world a `TxStepper` runs on: every call goes to `inner` (which alone decides the
 * execution), and the per-tx sets are mirrored in a `TxSets` so the step state can encode them.
 * With `snapshots`, each checkpoint records the accounts root and sets hash at that moment
 * (one `inner.stateRoot()` per frame entry) for the commitment of the frames above it.
 */
export class TrackingWorld implements StepWorld {
  private journal: Undo[] = [];
  readonly sets = new TxSets(this.journalSink());
  private marks = new Map<number, { len: number; snap: StepSnapshot | undefined }>();

  constructor(
    readonly inner: WorldState,
    private readonly snapshots: boolean,
  ) {}

  private journalSink(): { push(u: Undo): void } {
    return { push: (u) => this.journal.push(u) };
  }

  exists(a: Address): boolean {
    return this.inner.exists(a);
  }
  isEmpty(a: Address): boolean {
    return this.inner.isEmpty(a);
  }
  isAlive(a: Address): boolean {
    return this.inner.isAlive(a);
  }
  getAccount(a: Address): AccountHeader | undefined {
    return this.inner.getAccount(a);
  }
  getNonce(a: Address): bigint {
    return this.inner.getNonce(a);
  }
  getBalance(a: Address): bigint {
    return this.inner.getBalance(a);
  }
  getCode(a: Address): Uint8Array {
    return this.inner.getCode(a);
  }
  getCodeHash(a: Address): Uint8Array | undefined {
    return this.inner.getCodeHash(a);
  }
  getStorage(a: Address, key: bigint): bigint {
    return this.inner.getStorage(a, key);
  }
  getOriginalStorage(a: Address, key: bigint): bigint {
    return this.inner.getOriginalStorage(a, key);
  }
  hasStorage(a: Address): boolean {
    return this.inner.hasStorage(a);
  }
  ensureAccount(a: Address): void {
    this.inner.ensureAccount(a);
  }
  setNonce(a: Address, v: bigint): void {
    this.inner.setNonce(a, v);
  }
  setBalance(a: Address, v: bigint): void {
    this.inner.setBalance(a, v);
  }
  addBalance(a: Address, v: bigint): void {
    this.inner.addBalance(a, v);
  }
  setCode(a: Address, code: Uint8Array): void {
    this.inner.setCode(a, code);
  }
  setStorage(a: Address, key: bigint, v: bigint): void {
    this.inner.setStorage(a, key, v);
  }
  clearStorage(a: Address): void {
    this.inner.clearStorage(a);
  }
  deleteAccount(a: Address): void {
    this.inner.deleteAccount(a);
  }
  touch(a: Address): void {
    this.inner.touch(a);
    this.sets.add(this.sets.touched, addressKey(a));
  }
  getTransient(a: Address, key: bigint): bigint {
    return this.inner.getTransient(a, key);
  }
  setTransient(a: Address, key: bigint, v: bigint): void {
    this.inner.setTransient(a, key, v);
    this.sets.setTransient(addressKey(a), key, v);
  }
  warmAddress(a: Address): boolean {
    this.sets.add(this.sets.warmAddrs, addressKey(a));
    return this.inner.warmAddress(a);
  }
  isWarmAddress(a: Address): boolean {
    return this.inner.isWarmAddress(a);
  }
  warmSlot(a: Address, key: bigint): boolean {
    this.sets.warmSlot(addressKey(a), key);
    return this.inner.warmSlot(a, key);
  }
  markCreated(a: Address): void {
    this.inner.markCreated(a);
    this.sets.add(this.sets.created, addressKey(a));
  }
  isCreatedInTx(a: Address): boolean {
    return this.inner.isCreatedInTx(a);
  }
  markDestroyed(a: Address): void {
    this.inner.markDestroyed(a);
    this.sets.add(this.sets.destroyed, addressKey(a));
  }

  checkpoint(): number {
    const id = this.inner.checkpoint();
    const snap = this.snapshots
      ? { accountsRoot: this.inner.stateRoot(), setsHash: this.sets.hash() }
      : undefined;
    this.marks.set(id, { len: this.journal.length, snap });
    return id;
  }
  revert(checkpoint: number): void {
    this.inner.revert(checkpoint);
    const m = this.marks.get(checkpoint);
    if (m === undefined) return;
    while (this.journal.length > m.len) (this.journal.pop() as Undo)();
  }
  commit(checkpoint: number): void {
    this.inner.commit(checkpoint);
  }
  beginTx(): void {
    this.inner.beginTx();
    this.sets.clearAll();
    this.journal = [];
    this.marks = new Map();
  }
  endTx(): void {
    this.inner.endTx();
    this.sets.clearAll();
    this.journal = [];
    this.marks = new Map();
  }
  stateRoot(): Uint8Array {
    return this.inner.stateRoot();
  }
  copy(): WorldState {
    return this.inner.copy();
  }

  snapshotAt(checkpoint: number): StepSnapshot {
    const s = this.marks.get(checkpoint)?.snap;
    if (s === undefined) {
      throw new StepError(
        StepErrorCode.INVALID_ARGUMENT,
        'no checkpoint snapshot: create the stepper with { commitments: true }',
      );
    }
    return s;
  }
  accountsRoot(): Uint8Array {
    return this.inner.stateRoot();
  }
  setsHash(): Uint8Array {
    return this.sets.hash();
  }
}
