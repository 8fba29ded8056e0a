import { nobleBls } from '@keel/crypto/bls';
import { BufferReader, BufferWriter, bytesToHex } from '@keel/util';
import type { App, ProposeContext } from '../app.ts';
import type { ChainContext } from '../encoding.ts';
import { epochOfHeight } from '../epochs.ts';
import { jailedUntilEpoch, slashPenalty, verifyEquivocationEvidence } from '../evidence.ts';
import type { ConsensusParams } from '../params.ts';
import type { SignatureScheme } from '../signatureScheme.ts';
import type { Block, EquivocationEvidence } from '../types.ts';
import { type ValidatorInfo, ValidatorSet } from '../validatorSet.ts';
import { simKey } from './keys.ts';
import type { SimRng } from './rng.ts';
import { simVrfKey } from './vrf.ts';

/** A staking change that takes effect in `epoch` (a staking transaction's effect). */
export interface ChurnEvent {
  readonly epoch: number;
  readonly validator: number;
  readonly kind: 'join' | 'leave';
}

export interface ChurnOptions {
  /** Validators outside the genesis set that may join later (indices after the genesis ones). */
  readonly joiners?: number;
  /** Explicit staking changes; default: generated from the seed. */
  readonly events?: readonly ChurnEvent[];
  /** How many epochs the generated schedule spans. */
  readonly epochs?: number;
}

const popCache = new Map<number, Uint8Array>();
/** The BLS proof of possession of sim key `i` (IETF PoP ciphersuite; computed once). */
export function simProofOfPossession(scheme: SignatureScheme, i: number): Uint8Array {
  let p = popCache.get(i);
  if (!p) {
    p = nobleBls.popProve(simKey(scheme, i).secretKey);
    popCache.set(i, p);
  }
  return p;
}

const popOk = new Map<string, boolean>();
/** PopVerify, memoized over every input byte (the simulated nodes share it). */
export function simVerifyPop(publicKey: Uint8Array, proof: Uint8Array): boolean {
  const key = `${bytesToHex(publicKey)}:${bytesToHex(proof)}`;
  let ok = popOk.get(key);
  if (ok === undefined) {
    ok = nobleBls.popVerify(publicKey, proof);
    popOk.set(key, ok);
  }
  return ok;
}

/**
 * A seeded staking schedule over `universe` validators whose first `genesis` are bonded at
 * genesis: leaves, joins and leave-then-rejoin, such that every epoch's wanted set keeps
 * Byzantine members below a third (slashing only removes more Byzantine stake).
 */
export function generateChurn(
  rng: SimRng,
  genesis: number,
  universe: number,
  byzantine: readonly number[],
  epochs: number,
  leaveRejoin: readonly number[],
): ChurnEvent[] {
  const wanted = new Set(Array.from({ length: genesis }, (_, i) => i));
  const events: ChurnEvent[] = [];
  const ok = (set: Set<number>) => {
    const b = [...set].filter((i) => byzantine.includes(i)).length;
    return set.size >= 1 && 3 * b < set.size;
  };
  for (let e = 2; e < epochs; e++) {
    const next = new Set(wanted);
    const changes: ChurnEvent[] = [];
    // Byzantine leave-and-rejoin validators alternate: out for one epoch, back the next.
    for (const v of leaveRejoin) {
      const kind = next.has(v) ? 'leave' : 'join';
      if (kind === 'leave') next.delete(v);
      else next.add(v);
      changes.push({ epoch: e, validator: v, kind });
    }
    for (let k = 0; k < 2; k++) {
      if (!rng.chance(0.6)) continue;
      const v = rng.int(universe);
      if (leaveRejoin.includes(v)) continue;
      const kind = next.has(v) ? 'leave' : 'join';
      const trial = new Set(next);
      if (kind === 'leave') trial.delete(v);
      else trial.add(v);
      if (!ok(trial) || trial.size < 4) continue;
      next.clear();
      for (const x of trial) next.add(x);
      changes.push({ epoch: e, validator: v, kind });
    }
    if (!ok(next)) continue; // drop this epoch's changes rather than break the assumption
    wanted.clear();
    for (const x of next) wanted.add(x);
    events.push(...changes);
  }
  return events;
}

/** The wanted (bonded, not jailed) membership per epoch implied by `events`. */
export function wantedSets(
  genesis: number,
  events: readonly ChurnEvent[],
  epochs: number,
): Set<number>[] {
  const out: Set<number>[] = [];
  let cur = new Set(Array.from({ length: genesis }, (_, i) => i));
  for (let e = 0; e <= epochs; e++) {
    cur = new Set(cur);
    for (const ev of events) {
      if (ev.epoch !== e) continue;
      if (ev.kind === 'join') cur.add(ev.validator);
      else cur.delete(ev.validator);
    }
    out.push(cur);
  }
  return out;
}

const EVIDENCE_KIND = { vote: 1, proposal: 2 } as const;

export function encodeEvidence(w: BufferWriter, e: EquivocationEvidence): void {
  w.u8(EVIDENCE_KIND[e.kind])
    .u32le(e.validator)
    .u32le(e.epoch ?? 0)
    .u64le(BigInt(e.view));
  w.bytes(e.first.blockHash).varBytes(e.first.signature);
  w.bytes(e.second.blockHash).varBytes(e.second.signature);
}

export function decodeEvidence(r: BufferReader): EquivocationEvidence {
  const k = r.u8();
  const kind = k === 1 ? 'vote' : 'proposal';
  const validator = r.u32le();
  const epoch = r.u32le();
  const view = Number(r.u64le());
  const first = { blockHash: r.copyBytes(32), signature: r.varBytes(192) };
  const second = { blockHash: r.copyBytes(32), signature: r.varBytes(192) };
  return { kind, validator, view, ...(epoch > 0 ? { epoch } : {}), first, second };
}

interface Member {
  bonded: number;
  /** Left the set: the bond is unbonding (still slashable) and carries no voting power. */
  leaving: boolean;
  jailedUntil: number;
}

/**
 * The churn simulator's staking application (what a ledger does, reduced to staking): blocks
 * carry equivocation evidence; committing one slashes `slashFractionBps` of the offender's
 * bond and jails it; at each boundary (height k·L) it reports epoch k+1's list from the
 * staking schedule, bonds and jails. Every node runs its own copy and reaches the same lists.
 */
export class StakingSimApp implements App {
  readonly members = new Map<number, Member>();
  /** Offences (validator:epoch) already slashed, and what the slashes took. */
  readonly slashed = new Map<string, number>();
  private readonly pool = new Map<string, EquivocationEvidence>();
  private readonly sets = new Map<number, ValidatorSet>();
  private lastList: ValidatorInfo[];
  /** A joiner bonds what the largest genesis validator has. */
  private readonly joinStake: number;

  constructor(
    private readonly index: number,
    private readonly params: ConsensusParams,
    private readonly chain: () => ChainContext,
    private readonly scheme: SignatureScheme,
    genesis: readonly ValidatorInfo[],
    genesisSet: ValidatorSet,
    private readonly events: readonly ChurnEvent[],
  ) {
    for (const [i, v] of genesis.entries()) {
      this.members.set(i, { bonded: v.stake, leaving: false, jailedUntil: 0 });
    }
    this.sets.set(0, genesisSet);
    this.sets.set(1, genesisSet);
    this.lastList = [...genesis];
    this.joinStake = Math.max(...genesis.map((v) => v.stake));
  }

  private ctx(currentEpoch: number) {
    return {
      chain: this.chain(),
      scheme: this.scheme,
      validatorsOf: (e: number) => this.sets.get(e),
      currentEpoch,
      unbondingEpochs: this.params.unbondingEpochs,
    };
  }

  /** Gossiped evidence: kept (for the next proposal) when it verifies and is not slashed yet. */
  addEvidence(e: EquivocationEvidence, currentEpoch: number): boolean {
    const key = `${e.validator}:${e.epoch ?? 0}`;
    if (this.slashed.has(key) || this.pool.has(key)) return false;
    try {
      verifyEquivocationEvidence(this.ctx(currentEpoch), e);
    } catch {
      return false;
    }
    if (this.pool.size < 256) this.pool.set(key, e);
    return true;
  }

  proposePayload(ctx: ProposeContext): Uint8Array {
    const w = new BufferWriter(256)
      .u32le(this.index)
      .u64le(BigInt(ctx.height))
      .u64le(BigInt(ctx.view));
    // Only evidence from epochs up to the block's own: every node validating the block holds
    // those sets, so payload validity never depends on how far a node has committed.
    const epoch = epochOfHeight(this.params, ctx.height);
    const ev = [...this.pool.values()].filter((e) => (e.epoch ?? 0) <= epoch).slice(0, 4);
    w.u8(ev.length);
    for (const e of ev) encodeEvidence(w, e);
    return w.finish();
  }

  private decode(block: Block): EquivocationEvidence[] | null {
    try {
      const r = new BufferReader(block.payload);
      r.skip(20);
      const n = r.u8();
      if (n > 4) return null;
      const out: EquivocationEvidence[] = [];
      for (let k = 0; k < n; k++) out.push(decodeEvidence(r));
      r.assertEnd();
      return out;
    } catch {
      return null;
    }
  }

  validatePayload(block: Block): boolean {
    const ev = this.decode(block);
    if (!ev) return false;
    const now = epochOfHeight(this.params, block.height);
    for (const e of ev) {
      if ((e.epoch ?? 0) > now) return false;
      try {
        verifyEquivocationEvidence(this.ctx(now), e);
      } catch {
        return false;
      }
    }
    return true;
  }

  onCommit(block: Block): void {
    const ev = this.decode(block) ?? [];
    const now = epochOfHeight(this.params, block.height);
    for (const e of ev) {
      const key = `${e.validator}:${e.epoch ?? 0}`;
      this.pool.delete(key);
      if (this.slashed.has(key)) continue;
      const m = this.members.get(e.validator);
      if (!m) continue;
      const penalty = slashPenalty(this.params, m.bonded);
      m.bonded -= penalty;
      m.jailedUntil = Math.max(m.jailedUntil, jailedUntilEpoch(this.params, now));
      this.slashed.set(key, penalty);
    }
  }

  nextEpochValidators(_block: Block, _hash: Uint8Array, nextEpoch: number): ValidatorInfo[] {
    for (const ev of this.events) {
      if (ev.epoch !== nextEpoch) continue;
      const m = this.members.get(ev.validator);
      if (ev.kind === 'join' && !m) {
        this.members.set(ev.validator, { bonded: this.joinStake, leaving: false, jailedUntil: 0 });
      }
      // A leaving validator's bond stays (slashable) through unbonding; it just has no power.
      if (m) m.leaving = ev.kind === 'leave';
    }
    const top = Math.max(this.lastList.length - 1, ...this.members.keys());
    const list: ValidatorInfo[] = [];
    for (let i = 0; i <= top; i++) {
      const m = this.members.get(i);
      const power = m && !m.leaving && m.bonded > 0 && m.jailedUntil <= nextEpoch ? m.bonded : 0;
      const prev = this.lastList[i];
      list.push({
        stake: power,
        publicKey: prev?.publicKey ?? simKey(this.scheme, i).publicKey,
        vrfPublicKey: simVrfKey(i).publicKey,
        ...(prev ? {} : { proofOfPossession: simProofOfPossession(this.scheme, i) }),
      });
    }
    if (!list.some((v) => v.stake > 0)) {
      this.sets.set(nextEpoch, this.sets.get(nextEpoch - 1)!);
      return this.lastList;
    }
    this.lastList = list;
    this.sets.set(nextEpoch, new ValidatorSet(list, this.scheme, { allowInactive: true }));
    for (const e of this.sets.keys()) {
      if (e < nextEpoch - 3 - this.params.unbondingEpochs) this.sets.delete(e);
    }
    return list;
  }
}
