/**
 * Targets, difficulty, work and hashrate. A target is the largest header hash (read as a
 * little-endian 256-bit integer) that counts; on the wire it is an SV2 U256 (32 LE bytes).
 */
import { bigIntToU256, u256ToBigInt } from '../codec/u256.ts';
import { StratumError, StratumErrorCode } from '../errors.ts';

const TWO_256 = 1n << 256n;
export const MAX_TARGET = TWO_256 - 1n;
/** Bitcoin's difficulty-1 target (nBits 0x1d00ffff), the unit pools and SV1 express difficulty in. */
export const DIFF1_TARGET = 0xffffn << 208n;

/** Expected hashes to find one hash ≤ target: 2^256 / (target + 1). */
export function targetToWork(target: bigint): bigint {
  checkTarget(target);
  return TWO_256 / (target + 1n);
}

/** The target at which one share is expected per `work` hashes. */
export function workToTarget(work: bigint): bigint {
  if (work <= 0n) throw new StratumError(StratumErrorCode.MINING, 'work must be positive');
  const t = TWO_256 / work - 1n;
  return t < 0n ? 0n : t > MAX_TARGET ? MAX_TARGET : t;
}

export function targetToDifficulty(target: bigint): number {
  checkTarget(target);
  if (target === 0n) return Number.POSITIVE_INFINITY;
  return Number((DIFF1_TARGET * 1_000_000n) / target) / 1_000_000;
}

export function difficultyToTarget(difficulty: number): bigint {
  if (!(difficulty > 0) || !Number.isFinite(difficulty)) {
    throw new StratumError(
      StratumErrorCode.MINING,
      `difficulty must be a positive number, got ${difficulty}`,
    );
  }
  const scaled = BigInt(Math.round(difficulty * 1_000_000));
  if (scaled === 0n) return MAX_TARGET;
  const t = (DIFF1_TARGET * 1_000_000n) / scaled;
  return t > MAX_TARGET ? MAX_TARGET : t;
}

/** Target from a compact nBits (no negative/overflow forms: those give an error). */
export function nbitsToTarget(nbits: number): bigint {
  const exp = nbits >>> 24;
  const mant = BigInt(nbits & 0x007fffff);
  if (nbits & 0x00800000 || (mant !== 0n && exp > 34)) {
    throw new StratumError(
      StratumErrorCode.MINING,
      `nBits 0x${nbits.toString(16)} is negative or overflows`,
    );
  }
  return exp <= 3 ? mant >> BigInt(8 * (3 - exp)) : mant << BigInt(8 * (exp - 3));
}

/** Hashes per second from `work` expected hashes done over `seconds`. */
export function estimateHashrate(work: bigint, seconds: number): number {
  if (!(seconds > 0)) return 0;
  return Number(work) / seconds;
}

/** The target that gives `sharesPerMinute` at `hashrate` H/s (nominal hashrate → initial target). */
export function targetForHashrate(hashrate: number, sharesPerMinute: number): bigint {
  if (!(hashrate > 0) || !(sharesPerMinute > 0)) return MAX_TARGET;
  const hashesPerShare = (hashrate * 60) / sharesPerMinute;
  if (hashesPerShare < 1) return MAX_TARGET;
  return workToTarget(BigInt(Math.round(hashesPerShare)));
}

export function targetToU256(target: bigint): Uint8Array {
  checkTarget(target);
  return bigIntToU256(target);
}

export function u256ToTarget(b: Uint8Array): bigint {
  return u256ToBigInt(b);
}

/** A 32-byte hash (internal byte order, as sha256d returns it) as a little-endian integer. */
export function hashToBigInt(hash: Uint8Array): bigint {
  return u256ToBigInt(hash);
}

function checkTarget(t: bigint): void {
  if (t < 0n || t > MAX_TARGET)
    throw new StratumError(StratumErrorCode.MINING, 'target out of range');
}
