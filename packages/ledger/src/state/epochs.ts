import { BufferReader, BufferWriter, bigIntToBytesLE, bytesToHex, DecodeError } from '@keel/util';
import { LedgerError, LedgerErrorCode } from '../errors.ts';
import type { LedgerParams } from '../params.ts';
import {
  deleteValidator,
  readValidatorSet,
  type ValidatorRecord,
  validatorByBlsKey,
  writeValidator,
} from '../validators.ts';
import { epochSetKey, META_EPOCHS, slashedKey } from './keys.ts';

/**
 * Staking epochs as the ledger keeps them (the same rules as `@keel/consensus`'s epochs, which
 * the node feeds from here). Stored at genesis under `0x00‖"epochs"`, so the state root commits
 * to them; absent, the chain has no epochs (the genesis set forever, roots as before).
 */
export interface EpochParams {
  /** Blocks per epoch L: epoch e holds heights e·L+1 .. (e+1)·L. */
  readonly epochLength: number;
  /** Epochs an unstaked (or left) bond stays slashable. */
  readonly unbondingEpochs: number;
  /** Epochs a slashed validator stays out of the set. */
  readonly jailEpochs: number;
  /** Penalty of one proven equivocation, basis points of the bond (stake + unbonding). */
  readonly slashFractionBps: number;
}

/** `@keel/consensus`'s defaults (5 % penalty, 4-epoch jail, 14-epoch unbonding), L = 4,096. */
export const defaultEpochParams: EpochParams = {
  epochLength: 4096,
  unbondingEpochs: 14,
  jailEpochs: 4,
  slashFractionBps: 500,
};

interface KV {
  get(key: Uint8Array): Uint8Array | undefined;
}
interface KVW extends KV {
  set(key: Uint8Array, value: Uint8Array | undefined): void;
}

const MAX_EPOCH_FIELD = 1_000_000;

export function checkEpochParams(p: EpochParams): string | undefined {
  const ok = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;
  if (!ok(p.epochLength, 1, 2 ** 31)) return 'epochLength must be an integer 1..2^31';
  if (!ok(p.unbondingEpochs, 0, MAX_EPOCH_FIELD)) return 'unbondingEpochs must be 0..1e6';
  if (!ok(p.jailEpochs, 0, MAX_EPOCH_FIELD)) return 'jailEpochs must be 0..1e6';
  if (!ok(p.slashFractionBps, 0, 10_000)) return 'slashFractionBps must be 0..10000';
  return undefined;
}

export function writeEpochParams(s: KVW, p: EpochParams): void {
  s.set(
    META_EPOCHS,
    new BufferWriter(16)
      .u32le(p.epochLength)
      .u32le(p.unbondingEpochs)
      .u32le(p.jailEpochs)
      .u32le(p.slashFractionBps)
      .finish(),
  );
}

/** The chain's epoch parameters, or undefined on a chain without epochs. */
export function readEpochParams(s: KV): EpochParams | undefined {
  const b = s.get(META_EPOCHS);
  if (!b) return undefined;
  if (b.length !== 16)
    throw new LedgerError(LedgerErrorCode.CORRUPT_STATE, `epoch parameters of ${b.length} bytes`);
  const r = new BufferReader(b);
  return {
    epochLength: r.u32le(),
    unbondingEpochs: r.u32le(),
    jailEpochs: r.u32le(),
    slashFractionBps: r.u32le(),
  };
}

/** Epoch of a block height (genesis is epoch 0), as `@keel/consensus` `epochOfHeight`. */
export function epochOfHeight(p: EpochParams, height: bigint): number {
  if (height <= 0n) return 0;
  return Number((height - 1n) / BigInt(p.epochLength));
}

/** One member of an epoch's consensus list; its index in the list is its validator index. */
export interface EpochValidator {
  readonly address: Uint8Array;
  /** Voting power in that epoch (0: out of the set — left, unbonding or jailed). */
  readonly power: number;
  readonly blsPublicKey: Uint8Array;
  readonly blsPop: Uint8Array;
  readonly vrfPublicKey: Uint8Array;
}

const ENTRY_BYTES = 32 + 8 + 48 + 96 + 32;

/** `u32 count ‖ count × (address 32 ‖ power u64 ‖ bls 48 ‖ pop 96 ‖ vrf 32)`, all LE. */
function encodeEpochSet(list: readonly EpochValidator[]): Uint8Array {
  const w = new BufferWriter(4 + ENTRY_BYTES * list.length).u32le(list.length);
  for (const v of list) {
    w.bytes(v.address).u64le(BigInt(v.power));
    w.bytes(v.blsPublicKey).bytes(v.blsPop).bytes(v.vrfPublicKey);
  }
  return w.finish();
}

export function readEpochSet(s: KV, epoch: number): EpochValidator[] | undefined {
  const b = s.get(epochSetKey(epoch));
  if (!b) return undefined;
  try {
    const r = new BufferReader(b);
    const n = r.u32le();
    if (4 + n * ENTRY_BYTES !== b.length) throw new LedgerError(LedgerErrorCode.CORRUPT_STATE, '');
    const out: EpochValidator[] = [];
    for (let i = 0; i < n; i++) {
      out.push({
        address: r.copyBytes(32),
        power: Number(r.u64le()),
        blsPublicKey: r.copyBytes(48),
        blsPop: r.copyBytes(96),
        vrfPublicKey: r.copyBytes(32),
      });
    }
    return out;
  } catch (e) {
    if (!(e instanceof DecodeError || e instanceof LedgerError)) throw e;
    throw new LedgerError(LedgerErrorCode.CORRUPT_STATE, `epoch ${epoch} set is corrupt`);
  }
}

export function writeEpochSet(s: KVW, epoch: number, list: readonly EpochValidator[]): void {
  s.set(epochSetKey(epoch), encodeEpochSet(list));
}

function isActive(v: ValidatorRecord | undefined, epoch: number, params: LedgerParams): boolean {
  return !!v && v.stake >= params.minStake && (v.jailedUntil ?? 0) <= epoch;
}

/**
 * After the transactions of a block at height k·L (the last of epoch k-1): pays back bonds
 * whose unbonding ends with epoch k, then fixes epoch k+1's consensus list from the state —
 * every member of epoch k's list at its index with its power now (0 when it left, unbonds or
 * is jailed), then validators new to the list appended in address order. Old lists past the
 * unbonding window are deleted. Returns whether this block was a boundary.
 */
export function processEpochBoundary(
  s: KVW,
  ep: EpochParams,
  params: LedgerParams,
  height: bigint,
  credit: (address: Uint8Array, amount: bigint) => void,
): boolean {
  const L = BigInt(ep.epochLength);
  if (height <= 0n || height % L !== 0n) return false;
  const k = Number(height / L);
  const next = k + 1;
  for (const v of readValidatorSet(s, params)) {
    let rec = v;
    if ((v.unbonding ?? 0n) > 0n && (v.releaseEpoch ?? 0) <= k) {
      credit(v.address, v.unbonding!);
      rec = { ...v, unbonding: 0n, releaseEpoch: 0 };
      writeValidator(s, rec);
    }
    if (rec.stake === 0n && !rec.unbonding && (rec.jailedUntil ?? 0) <= next) {
      deleteValidator(s, rec, params);
    }
  }
  const prev = readEpochSet(s, k);
  if (!prev)
    throw new LedgerError(LedgerErrorCode.CORRUPT_STATE, `no validator set for epoch ${k}`);
  const listed = new Set<string>();
  const list: EpochValidator[] = prev.map((old) => {
    listed.add(bytesToHex(old.blsPublicKey));
    const rec = validatorByBlsKey(s, old.blsPublicKey, params);
    const power = isActive(rec, next, params) ? rec!.power : 0;
    return { ...old, address: rec?.address ?? old.address, power };
  });
  for (const v of readValidatorSet(s, params)) {
    if (listed.has(bytesToHex(v.blsPublicKey)) || !isActive(v, next, params)) continue;
    list.push({
      address: v.address,
      power: v.power,
      blsPublicKey: v.blsPublicKey,
      blsPop: v.blsPop,
      vrfPublicKey: v.vrfPublicKey,
    });
  }
  // Everyone jailed or gone at once (more than the whole set slashed): keep the old powers
  // rather than fix a set that can never form a quorum.
  const out = list.some((v) => v.power > 0)
    ? list
    : list.map((v, i) => ({ ...v, power: prev[i]?.power ?? 0 }));
  writeEpochSet(s, next, out);
  const stale = next - ep.unbondingEpochs - 3;
  if (stale >= 0) s.set(epochSetKey(stale), undefined);
  return true;
}

/** Equivocation evidence as the ledger carries it (`@keel/consensus` `EquivocationEvidence`). */
export interface LedgerEvidence {
  readonly kind: 'vote' | 'proposal';
  /** The offender's index in the list of epoch `epoch`. */
  readonly validator: number;
  readonly epoch: number;
  readonly view: number;
  readonly first: { readonly blockHash: Uint8Array; readonly signature: Uint8Array };
  readonly second: { readonly blockHash: Uint8Array; readonly signature: Uint8Array };
}

/** What an evidence verifier is given: the chain's stored lists and where the chain is. */
export interface EvidenceVerifierContext {
  readonly currentEpoch: number;
  readonly unbondingEpochs: number;
  readonly validatorsOf: (epoch: number) => readonly EpochValidator[] | undefined;
}

/**
 * Checks the signatures of evidence (the node plugs in `@keel/consensus`'s
 * `verifyEquivocationEvidence`; the ledger does not know the consensus message formats).
 * Throws a `KeelError` whose code names the defect.
 */
export type EvidenceVerifier = (e: LedgerEvidence, ctx: EvidenceVerifierContext) => void;

/** The penalty of one offence: `slashFractionBps` of the bond, at least 1 (consensus' rule). */
export function slashAmount(ep: EpochParams, bond: bigint): bigint {
  if (bond <= 0n) return 0n;
  const p = (bond * BigInt(ep.slashFractionBps)) / 10_000n;
  return p > 0n ? p : 1n;
}

export interface SlashResult {
  readonly offender: Uint8Array;
  readonly penalty: bigint;
  readonly jailedUntil: number;
}

/**
 * Applies verified evidence committed in a block of epoch `current`: burns the penalty (from
 * the stake, then from the unbonding bond), jails the offender until epoch
 * `current + 2 + jailEpochs` (the first set it can still be removed from is that of
 * `current + 2`) and marks the offence (key, epoch) slashed. Returns an error message for a
 * second slash of one offence or an offender with nothing bonded.
 */
export function applySlash(
  s: KVW,
  ep: EpochParams,
  params: LedgerParams,
  e: LedgerEvidence,
  current: number,
): SlashResult | string {
  const member = readEpochSet(s, e.epoch)?.[e.validator];
  if (!member) return `no validator ${e.validator} in epoch ${e.epoch}`;
  const mark = slashedKey(member.blsPublicKey, e.epoch);
  if (s.get(mark)) return `validator ${e.validator} was slashed for epoch ${e.epoch} already`;
  const rec = validatorByBlsKey(s, member.blsPublicKey, params);
  const bond = rec ? rec.stake + (rec.unbonding ?? 0n) : 0n;
  if (!rec || bond === 0n) return `validator ${e.validator} has no bond left to slash`;
  const penalty = slashAmount(ep, bond);
  const fromStake = penalty < rec.stake ? penalty : rec.stake;
  const jailedUntil = Math.max(rec.jailedUntil ?? 0, current + 2 + ep.jailEpochs);
  writeValidator(s, {
    ...rec,
    stake: rec.stake - fromStake,
    unbonding: (rec.unbonding ?? 0n) - (penalty - fromStake),
    jailedUntil,
  });
  s.set(mark, bigIntToBytesLE(penalty, 16));
  return { offender: rec.address, penalty, jailedUntil };
}

/** Whether an offence (BLS key, epoch) was slashed already. */
export function isSlashed(s: KV, blsPublicKey: Uint8Array, epoch: number): boolean {
  return !!s.get(slashedKey(blsPublicKey, epoch));
}
