import type { BlsBackend } from '@keel/crypto';
import { bigIntToBytesLE, bytesToBigIntLE, compareBytes, equalBytes } from '@keel/util';
import { LedgerError, LedgerErrorCode } from './errors.ts';
import type { LedgerParams } from './params.ts';
import { blsKeyKey, META_VALIDATORS, validatorKey } from './state/keys.ts';

/**
 * What the BFT consensus needs to know about a validator (`@keel/consensus`'s `ValidatorInfo`
 * is `{ stake: power, publicKey: blsPublicKey, vrfPublicKey, proofOfPossession: blsPop }`).
 */
export interface ValidatorRecord {
  /** The staking account (its ed25519 public key). */
  readonly address: Uint8Array;
  readonly stake: bigint;
  /** Voting power: stake / params.powerUnit, a safe integer. */
  readonly power: number;
  /** 48-byte compressed BLS12-381 G1 public key. */
  readonly blsPublicKey: Uint8Array;
  /** 96-byte BLS proof of possession, verified when the validator first staked. */
  readonly blsPop: Uint8Array;
  /** 32-byte ECVRF-EDWARDS25519 public key. */
  readonly vrfPublicKey: Uint8Array;
  /** Epochs: stake unstaked but still slashable, paid back from epoch `releaseEpoch` on. */
  readonly unbonding?: bigint;
  readonly releaseEpoch?: number;
  /** Epochs: slashed and out of the consensus set until this epoch (exclusive). */
  readonly jailedUntil?: number;
}

/** Total voting power stays below consensus's 2^50 bound. */
export const MAX_TOTAL_POWER = 2n ** 50n;

interface KV {
  get(key: Uint8Array): Uint8Array | undefined;
}
interface KVW extends KV {
  set(key: Uint8Array, value: Uint8Array | undefined): void;
}

/**
 * `stake u128 LE ‖ blsPublicKey 48 ‖ blsPop 96 ‖ vrfPublicKey 32` (192 bytes), then, only on
 * chains with epochs and only when one is non-zero, `unbonding u128 LE ‖ releaseEpoch u32 LE ‖
 * jailedUntil u32 LE` (216 bytes) — so chains without epochs keep their roots.
 */
export function encodeRecord(v: ValidatorRecord): Uint8Array {
  const extended = !!(v.unbonding || v.releaseEpoch || v.jailedUntil);
  const out = new Uint8Array(extended ? 216 : 192);
  out.set(bigIntToBytesLE(v.stake, 16), 0);
  out.set(v.blsPublicKey, 16);
  out.set(v.blsPop, 64);
  out.set(v.vrfPublicKey, 160);
  if (extended) {
    out.set(bigIntToBytesLE(v.unbonding ?? 0n, 16), 192);
    const dv = new DataView(out.buffer);
    dv.setUint32(208, v.releaseEpoch ?? 0, true);
    dv.setUint32(212, v.jailedUntil ?? 0, true);
  }
  return out;
}

function decodeRecord(address: Uint8Array, b: Uint8Array, params: LedgerParams): ValidatorRecord {
  if (b.length !== 192 && b.length !== 216)
    throw new LedgerError(LedgerErrorCode.CORRUPT_STATE, `validator record of ${b.length} bytes`);
  const stake = bytesToBigIntLE(b.subarray(0, 16));
  const rec: ValidatorRecord = {
    address,
    stake,
    power: Number(stake / params.powerUnit),
    blsPublicKey: b.slice(16, 64),
    blsPop: b.slice(64, 160),
    vrfPublicKey: b.slice(160, 192),
  };
  if (b.length === 192) return rec;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    ...rec,
    unbonding: bytesToBigIntLE(b.subarray(192, 208)),
    releaseEpoch: dv.getUint32(208, true),
    jailedUntil: dv.getUint32(212, true),
  };
}

/** Writes a validator record (epoch bookkeeping: slashing, jailing, unbonding). */
export function writeValidator(s: KVW, v: ValidatorRecord): void {
  s.set(validatorKey(v.address), encodeRecord(v));
}

/** Deletes a validator record, its BLS-key index and its place in the validator list. */
export function deleteValidator(s: KVW, v: ValidatorRecord, params: LedgerParams): void {
  const set = readValidatorSet(s, params);
  s.set(validatorKey(v.address), undefined);
  s.set(blsKeyKey(v.blsPublicKey), undefined);
  writeAddresses(
    s,
    set.map((x) => x.address).filter((a) => !equalBytes(a, v.address)),
  );
}

/** The address that registered a BLS key, if any. */
export function validatorByBlsKey(
  s: KV,
  blsPublicKey: Uint8Array,
  params: LedgerParams,
): ValidatorRecord | undefined {
  const a = s.get(blsKeyKey(blsPublicKey));
  return a ? readValidator(s, a, params) : undefined;
}

function readAddresses(s: KV): Uint8Array[] {
  const list = s.get(META_VALIDATORS);
  if (!list) return [];
  if (list.length % 32 !== 0)
    throw new LedgerError(LedgerErrorCode.CORRUPT_STATE, 'validator list is not 32-byte aligned');
  const out: Uint8Array[] = [];
  for (let i = 0; i < list.length; i += 32) out.push(list.slice(i, i + 32));
  return out;
}

export function readValidator(
  s: KV,
  address: Uint8Array,
  params: LedgerParams,
): ValidatorRecord | undefined {
  const b = s.get(validatorKey(address));
  return b ? decodeRecord(address, b, params) : undefined;
}

/** The validator set, ordered by address. */
export function readValidatorSet(s: KV, params: LedgerParams): ValidatorRecord[] {
  return readAddresses(s).map((a) => readValidator(s, a, params)!);
}

export interface StakeRequest {
  readonly address: Uint8Array;
  readonly amount: bigint;
  readonly blsPublicKey: Uint8Array;
  readonly blsPop: Uint8Array;
  readonly vrfPublicKey: Uint8Array;
}

/**
 * Adds stake (registering the validator on its first stake). Returns an error message instead
 * of changing anything when the request is not acceptable. Does not touch balances.
 */
export function addStake(
  s: KVW,
  req: StakeRequest,
  params: LedgerParams,
  bls: BlsBackend,
): string | undefined {
  if (req.amount <= 0n) return 'stake amount must be positive';
  const existing = readValidator(s, req.address, params);
  const set = readValidatorSet(s, params);
  if (existing) {
    if (
      !equalBytes(existing.blsPublicKey, req.blsPublicKey) ||
      !equalBytes(existing.vrfPublicKey, req.vrfPublicKey)
    )
      return 'keys differ from the registered validator keys';
  } else {
    if (set.length >= params.maxValidators)
      return `validator set is full (${params.maxValidators})`;
    if (req.vrfPublicKey.length !== 32) return 'VRF public key must be 32 bytes';
    if (!bls.isValidPublicKey(req.blsPublicKey)) return 'invalid BLS public key';
    if (s.get(blsKeyKey(req.blsPublicKey))) return 'BLS public key already registered';
    if (!bls.popVerify(req.blsPublicKey, req.blsPop)) return 'invalid BLS proof of possession';
  }
  const stake = (existing?.stake ?? 0n) + req.amount;
  if (stake < params.minStake) return `stake ${stake} is below the minimum ${params.minStake}`;
  const total = set.reduce((t, v) => t + v.stake / params.powerUnit, 0n);
  const power = stake / params.powerUnit;
  if (total - (existing ? existing.stake / params.powerUnit : 0n) + power >= MAX_TOTAL_POWER)
    return 'total voting power would exceed 2^50';
  const rec: ValidatorRecord = {
    ...existing,
    address: req.address,
    stake,
    power: Number(power),
    blsPublicKey: existing?.blsPublicKey ?? req.blsPublicKey,
    blsPop: existing?.blsPop ?? req.blsPop,
    vrfPublicKey: existing?.vrfPublicKey ?? req.vrfPublicKey,
  };
  s.set(validatorKey(req.address), encodeRecord(rec));
  if (!existing) {
    s.set(blsKeyKey(req.blsPublicKey), req.address);
    writeAddresses(s, [...set.map((v) => v.address), req.address]);
  }
  return undefined;
}

/** On chains with epochs: the epoch of the block and the unbonding period. */
export interface UnbondingRules {
  readonly epoch: number;
  readonly unbondingEpochs: number;
}

/**
 * Removes stake. Without epochs the amount is paid back at once (`credit`) and a validator
 * whose stake reaches 0 leaves the set. With epochs (`unbonding`) the amount starts unbonding:
 * it stays slashable and is paid back from epoch `epoch + 2 + unbondingEpochs` (the offender
 * may still sign in epoch `epoch + 1`, whose set is fixed already, and evidence of that epoch
 * is accepted for `unbondingEpochs` more epochs); the record stays until then.
 */
export function removeStake(
  s: KVW,
  address: Uint8Array,
  amount: bigint,
  params: LedgerParams,
  unbonding?: UnbondingRules,
): { readonly error: string } | { readonly credit: bigint } {
  if (amount <= 0n) return { error: 'unstake amount must be positive' };
  const v = readValidator(s, address, params);
  if (!v) return { error: 'not a validator' };
  if (amount > v.stake) return { error: `unstake ${amount} exceeds the stake ${v.stake}` };
  const rest = v.stake - amount;
  if (rest > 0n && rest < params.minStake)
    return { error: `remaining stake ${rest} would be below the minimum ${params.minStake}` };
  const set = readValidatorSet(s, params);
  if (rest === 0n && !set.some((x) => x.stake > 0n && !equalBytes(x.address, address)))
    return { error: 'the last validator cannot leave' };
  if (unbonding) {
    const release = unbonding.epoch + 2 + unbonding.unbondingEpochs;
    writeValidator(s, {
      ...v,
      stake: rest,
      unbonding: (v.unbonding ?? 0n) + amount,
      releaseEpoch: Math.max(v.releaseEpoch ?? 0, release),
    });
    return { credit: 0n };
  }
  if (rest === 0n) deleteValidator(s, v, params);
  else writeValidator(s, { ...v, stake: rest });
  return { credit: amount };
}

function writeAddresses(s: KVW, addresses: Uint8Array[]): void {
  addresses.sort(compareBytes);
  const out = new Uint8Array(32 * addresses.length);
  addresses.forEach((a, i) => {
    out.set(a, 32 * i);
  });
  s.set(META_VALIDATORS, addresses.length ? out : undefined);
}
