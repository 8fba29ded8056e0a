import type { SipHashKey } from '@keel/crypto/siphash';
import { createMinisketch, createMinisketchFromBytes } from '@keel/minisketch';
import { P2PError, P2PErrorCode } from '../errors.ts';
import {
  DEFAULT_RECON_Q,
  estimateQ,
  estimateSketchCapacity,
  maxDecodeElements,
  qFromWire,
  qToWire,
} from './estimator.ts';
import {
  BYTES_PER_SKETCH_CAPACITY,
  MAX_RECONSET_SIZE,
  MAX_SKETCH_CAPACITY,
  RECON_FIELD_SIZE,
  type ReconcilDiff,
  type ReqRecon,
} from './messages.ts';
import { reconShortId } from './salt.ts';

/** BIP330: the outbound side of a link initiates (asks for sketches), the inbound side responds. */
export type ReconRole = 'initiator' | 'responder';

export type AddResult =
  | { kind: 'added' | 'present'; shortId: number }
  /** Another transaction in the set has this short id: announce this one by flooding. */
  | { kind: 'collision'; shortId: number; other: Uint8Array }
  /** The set is at MAX_RECONSET_SIZE: announce by flooding. */
  | { kind: 'full' };

/** What the initiator does after a sketch arrived. */
export type InitiatorStep =
  | {
      kind: 'done';
      /** The reconcildiff to send. */
      diff: ReconcilDiff;
      /** Our transactions the peer lacks: announce them (inv). On failure: the whole set. */
      announce: Uint8Array[];
      /** Whether the set difference was found (else both sides fall back to flooding). */
      success: boolean;
      /** Round statistics, for the q estimator and measurements. */
      differences: number;
      extended: boolean;
    }
  /** The first sketch did not decode: send reqsketchext. */
  | { kind: 'extend' };

export interface ReconciliationOptions {
  role: ReconRole;
  /** The link key from computeReconSalt. */
  key: SipHashKey;
  /** Starting q (initiator). Default 0.25 (Core). */
  q?: number;
  /** Largest set kept; further transactions are refused (flood them). Default 3000 (Core). */
  maxSetSize?: number;
}

type Phase = 'idle' | 'requested' | 'responded' | 'extRequested' | 'extResponded';

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function protocol(message: string, meta: Record<string, unknown> = {}): P2PError {
  return new P2PError(P2PErrorCode.PROTOCOL, message, 'disconnect', meta);
}

/**
 * One peer's Erlay state (Core's TxReconciliationState): the reconciliation set of wtxids we
 * would announce to it, keyed by the link's short ids, and the round in progress. Pure: the
 * caller moves messages and decides when (the scheduler) and to whom (fanout) to announce.
 * Messages out of order or unsolicited throw P2PError PROTOCOL with verdict disconnect.
 */
export class ReconciliationState {
  readonly role: ReconRole;
  private readonly key: SipHashKey;
  private readonly maxSetSize: number;
  private set = new Map<number, Uint8Array>();
  /** The set a round in progress works on; new transactions go to `set` meanwhile. */
  private snapshot = new Map<number, Uint8Array>();
  private phase: Phase = 'idle';
  private q: number;
  private remoteSetSize = 0;
  private remoteQ = DEFAULT_RECON_Q;
  /** Capacity of the first sketch of this round (the extension has the same size). */
  private capacity = 0;
  private remoteSketch: Uint8Array | undefined;

  constructor(o: ReconciliationOptions) {
    this.role = o.role;
    this.key = o.key;
    this.q = o.q ?? DEFAULT_RECON_Q;
    this.maxSetSize = o.maxSetSize ?? MAX_RECONSET_SIZE;
  }

  /** Transactions waiting for the next round. */
  get size(): number {
    return this.set.size;
  }

  /** The initiator's current q. */
  get currentQ(): number {
    return this.q;
  }

  /** True while a round is open (between reqrecon and reconcildiff). */
  get busy(): boolean {
    return this.phase !== 'idle';
  }

  shortId(wtxid: Uint8Array): number {
    return reconShortId(this.key, wtxid);
  }

  has(wtxid: Uint8Array): boolean {
    const id = this.shortId(wtxid);
    const a = this.set.get(id) ?? this.snapshot.get(id);
    return a !== undefined && sameBytes(a, wtxid);
  }

  /** Queues a transaction for reconciliation with this peer (Core's AddToSet). */
  add(wtxid: Uint8Array): AddResult {
    const shortId = this.shortId(wtxid);
    const other = this.set.get(shortId) ?? this.snapshot.get(shortId);
    if (other !== undefined) {
      return sameBytes(other, wtxid)
        ? { kind: 'present', shortId }
        : { kind: 'collision', shortId, other };
    }
    if (this.set.size >= this.maxSetSize) return { kind: 'full' };
    this.set.set(shortId, wtxid);
    return { kind: 'added', shortId };
  }

  /** Drops a transaction (announced another way, or confirmed). */
  remove(wtxid: Uint8Array): boolean {
    const id = this.shortId(wtxid);
    const a = this.set.get(id);
    if (a === undefined || !sameBytes(a, wtxid)) return false;
    this.set.delete(id);
    return true;
  }

  // --- initiator -------------------------------------------------------------------------

  /** Opens a round: the reqrecon to send, or undefined while the previous round is open. */
  requestReconciliation(): ReqRecon | undefined {
    this.expectRole('initiator', 'reqrecon');
    if (this.phase !== 'idle') return undefined;
    this.phase = 'requested';
    return { setSize: Math.min(this.set.size, 0xffff), q: qToWire(this.q) };
  }

  /** A sketch arrived: the first one of the round, or the extension we asked for. */
  onSketch(skdata: Uint8Array): InitiatorStep {
    this.expectRole('initiator', 'sketch');
    if (skdata.length % BYTES_PER_SKETCH_CAPACITY !== 0) {
      throw protocol(`sketch of ${skdata.length} bytes is not whole 32-bit syndromes`);
    }
    const cap = skdata.length / BYTES_PER_SKETCH_CAPACITY;
    if (cap > MAX_SKETCH_CAPACITY) {
      throw new P2PError(
        P2PErrorCode.OVERSIZED,
        `sketch capacity ${cap} over ${MAX_SKETCH_CAPACITY}`,
        'disconnect',
        { cap },
      );
    }
    if (this.phase === 'requested') return this.onInitialSketch(skdata, cap);
    if (this.phase === 'extRequested') return this.onExtension(skdata, cap);
    throw protocol(`sketch received in phase ${this.phase} (unsolicited)`, { phase: this.phase });
  }

  private onInitialSketch(skdata: Uint8Array, cap: number): InitiatorStep {
    this.takeSnapshot();
    if (cap === 0 || this.snapshot.size === 0) {
      // Nothing to reconcile on one side: both flood what they hold (Core does the same).
      return this.finish(false, [], [...this.snapshot.values()], 0, false);
    }
    const local = this.localSketch(cap);
    local.merge(createMinisketchFromBytes(RECON_FIELD_SIZE, cap, skdata));
    const found = local.decodeNumbers(maxDecodeElements(cap));
    if (found !== undefined) return this.resolve(found, false);
    this.capacity = cap;
    this.remoteSketch = skdata;
    this.phase = 'extRequested';
    return { kind: 'extend' };
  }

  private onExtension(ext: Uint8Array, cap: number): InitiatorStep {
    if (cap !== this.capacity) {
      throw protocol(`sketch extension of capacity ${cap}, the first sketch had ${this.capacity}`);
    }
    const full = new Uint8Array(2 * ext.length);
    full.set(this.remoteSketch!, 0);
    full.set(ext, ext.length);
    const local = this.localSketch(2 * cap);
    local.merge(createMinisketchFromBytes(RECON_FIELD_SIZE, 2 * cap, full));
    const found = local.decodeNumbers(maxDecodeElements(2 * cap));
    if (found !== undefined) return this.resolve(found, true);
    return this.finish(false, [], [...this.snapshot.values()], 0, true);
  }

  private resolve(found: number[], extended: boolean): InitiatorStep {
    const announce: Uint8Array[] = [];
    const ask: number[] = [];
    for (const id of found) {
      const ours = this.snapshot.get(id);
      if (ours !== undefined) announce.push(ours);
      else ask.push(id);
    }
    const localSize = this.snapshot.size;
    const remoteSize = localSize - announce.length + ask.length;
    this.q = estimateQ(localSize, remoteSize, found.length, this.q);
    return this.finish(true, ask, announce, found.length, extended);
  }

  private finish(
    success: boolean,
    ask: number[],
    announce: Uint8Array[],
    differences: number,
    extended: boolean,
  ): InitiatorStep {
    this.snapshot = new Map();
    this.remoteSketch = undefined;
    this.capacity = 0;
    this.phase = 'idle';
    return {
      kind: 'done',
      diff: { success, askShortIds: ask },
      announce,
      success,
      differences,
      extended,
    };
  }

  // --- responder -------------------------------------------------------------------------

  /** A reqrecon arrived: remember the initiator's set size and q until we respond. */
  onReqRecon(m: ReqRecon): void {
    this.expectRole('responder', 'reqrecon');
    if (this.phase !== 'idle') throw protocol(`reqrecon while a round is open (${this.phase})`);
    this.remoteSetSize = m.setSize;
    this.remoteQ = qFromWire(m.q);
    this.phase = 'requested';
  }

  /** Our sketch for the open request (empty when either side has nothing). */
  respondSketch(): Uint8Array {
    this.expectRole('responder', 'sketch');
    if (this.phase !== 'requested') throw protocol(`no reqrecon to answer (${this.phase})`);
    this.takeSnapshot();
    let cap = 0;
    if (this.remoteSetSize > 0 && this.snapshot.size > 0) {
      cap = estimateSketchCapacity(this.snapshot.size, this.remoteSetSize, this.remoteQ);
    }
    this.capacity = cap;
    this.phase = 'responded';
    return cap === 0 ? new Uint8Array(0) : this.localSketch(cap).serialize();
  }

  /** reqsketchext arrived: the syndromes capacity..2·capacity-1 of the same snapshot. */
  onReqSketchExt(): Uint8Array {
    this.expectRole('responder', 'reqsketchext');
    if (this.phase !== 'responded' || this.capacity === 0) {
      throw protocol(`reqsketchext without a sketch to extend (${this.phase})`);
    }
    this.phase = 'extResponded';
    const all = this.localSketch(2 * this.capacity).serialize();
    return all.slice(this.capacity * BYTES_PER_SKETCH_CAPACITY);
  }

  /**
   * reconcildiff arrived: the transactions to announce (inv) to the initiator — those it asked
   * for, or the whole snapshot when the round failed. Unknown short ids are skipped.
   */
  onReconcilDiff(m: ReconcilDiff): Uint8Array[] {
    this.expectRole('responder', 'reconcildiff');
    if (this.phase !== 'responded' && this.phase !== 'extResponded') {
      throw protocol(`reconcildiff without a round (${this.phase})`);
    }
    let out: Uint8Array[];
    if (m.success) {
      out = [];
      for (const id of m.askShortIds) {
        const w = this.snapshot.get(id);
        if (w !== undefined) out.push(w);
      }
    } else {
      out = [...this.snapshot.values()];
    }
    this.snapshot = new Map();
    this.capacity = 0;
    this.phase = 'idle';
    return out;
  }

  // --- shared ----------------------------------------------------------------------------

  private expectRole(role: ReconRole, command: string): void {
    if (this.role !== role) {
      throw protocol(`${command} is for the ${role}, we are the ${this.role} on this link`);
    }
  }

  private takeSnapshot(): void {
    this.snapshot = this.set;
    this.set = new Map();
  }

  private localSketch(capacity: number) {
    const s = createMinisketch(RECON_FIELD_SIZE, capacity, {
      maxCapacity: 2 * MAX_SKETCH_CAPACITY,
    });
    for (const id of this.snapshot.keys()) s.add(id);
    return s;
  }
}
