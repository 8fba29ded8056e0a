import { computeCapacity, computeMaxElements } from '@keel/minisketch';
import { MAX_SKETCH_CAPACITY, Q_PRECISION, RECON_FIELD_SIZE } from './messages.ts';

/** Core's starting q (txreconciliation.h) and the false-positive protection of its sketches. */
export const DEFAULT_RECON_Q = 0.25;
export const RECON_FALSE_POSITIVE_COEF = 16;

/** q as the reqrecon uint16 (q * Q_PRECISION, rounded down, clamped to uint16). */
export function qToWire(q: number): number {
  return Math.max(0, Math.min(0xffff, Math.floor(q * Q_PRECISION)));
}

export function qFromWire(v: number): number {
  return v / Q_PRECISION;
}

/**
 * BIP330 set-difference estimate and the sketch capacity for it: d = |A| - |B| in absolute
 * value + q * min(|A|, |B|) + 1, capacity = minisketch_compute_capacity(32, d, 16), capped at
 * MAX_SKETCH_CAPACITY. Set sizes are uint16 on the wire, so they saturate.
 */
export function estimateSketchCapacity(localSize: number, remoteSize: number, q: number): number {
  const a = Math.min(localSize, 0xffff);
  const b = Math.min(remoteSize, 0xffff);
  const d = Math.abs(a - b) + Math.floor(q * Math.min(a, b)) + 1;
  const cap = computeCapacity(RECON_FIELD_SIZE, d, RECON_FALSE_POSITIVE_COEF);
  return Math.min(cap, MAX_SKETCH_CAPACITY);
}

/** How many differences a received sketch of `capacity` may be decoded to (Core's rule). */
export function maxDecodeElements(capacity: number): number {
  return computeMaxElements(RECON_FIELD_SIZE, capacity, RECON_FALSE_POSITIVE_COEF);
}

/**
 * BIP330 q estimator: after a reconciliation that found the true difference, q is the share of
 * the smaller set that differed beyond the size gap, q = (|A Δ B| - ||A| - |B||) / min(|A|, |B|).
 * Returns the previous q when the smaller set is empty (nothing to learn). Clamped to 0..2 so a
 * burst cannot blow up the next capacity.
 */
export function estimateQ(
  localSize: number,
  remoteSize: number,
  differences: number,
  previous: number,
): number {
  const m = Math.min(localSize, remoteSize);
  if (m === 0) return previous;
  const q = (differences - Math.abs(localSize - remoteSize)) / m;
  return Math.max(0, Math.min(2, q));
}
