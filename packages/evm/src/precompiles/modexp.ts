import { bigIntToBytes, bytesToBigInt } from '@keel/util';
import { FAIL, readPadded } from './_common.ts';
import type { Precompile } from './types.ts';

/**
 * 0x05 MODEXP (EIP-198, gas by EIP-2565). Input: Bsize ‖ Esize ‖ Msize (32-byte words) ‖ B ‖ E ‖
 * M, read as if followed by zeros. The lengths may be any 256-bit values: gas is computed from
 * them before anything is read, and no number is materialised beyond the bytes the input holds
 * (missing low-order zero bytes of the modulus are a shift), so only the output — Msize bytes —
 * is allocated, and the gas bounds it.
 */
const MIN_GAS = 200n;

/**
 * An output above 32 MiB costs more than 5·10^12 gas (EIP-2565: (Msize/8)²/3), far beyond any
 * block; a call that could still pay for it (test chains with gas limits near 2^63) fails here
 * rather than exhaust memory.
 */
const MAX_OUTPUT = 1n << 25n;

export const modexp: Precompile = (input, gasLimit) => {
  const head = readPadded(input, 0, 96);
  const bLen = bytesToBigInt(head.subarray(0, 32));
  const eLen = bytesToBigInt(head.subarray(32, 64));
  const mLen = bytesToBigInt(head.subarray(64, 96));
  const gas = modexpGas(input, bLen, eLen, mLen);
  if (gas > gasLimit) return FAIL;
  if (mLen === 0n) return { ok: true, gasUsed: gas, output: new Uint8Array(0) };
  if (mLen > MAX_OUTPUT) return FAIL;
  const eAt = 96n + bLen;
  const [mPresent, mShiftBits] = splitNumber(input, eAt + eLen, mLen);
  const m = mPresent << mShiftBits; // at most MAX_OUTPUT bytes
  let r = 0n;
  // m > 1 means a modulus byte lies inside the input, so the base and exponent before it are
  // entirely inside too (no zero padding to account for).
  if (m > 1n) {
    const e = input.subarray(Number(eAt), Number(eAt + eLen));
    r = powMod(splitNumber(input, 96n, bLen)[0], e, m);
  }
  return { ok: true, gasUsed: gas, output: bigIntToBytes(r, Number(mLen)) };
};

/** EIP-2565: max(200, floor(mult_complexity · max(iterations, 1) / 3)). */
export function modexpGas(input: Uint8Array, bLen: bigint, eLen: bigint, mLen: bigint): bigint {
  const maxLen = bLen > mLen ? bLen : mLen;
  const words = (maxLen + 7n) / 8n;
  const complexity = words * words;
  // The exponent's first min(Esize, 32) bytes and its length give the iteration count.
  const headLen = eLen < 32n ? eLen : 32n;
  const [p, s] = splitNumber(input, 96n + bLen, headLen);
  const eHead = p << s;
  const headLog = eHead === 0n ? 0n : BigInt(eHead.toString(2).length) - 1n;
  let iterations = eLen <= 32n ? headLog : 8n * (eLen - 32n) + headLog;
  if (iterations < 1n) iterations = 1n;
  const gas = (complexity * iterations) / 3n;
  return gas > MIN_GAS ? gas : MIN_GAS;
}

/**
 * input[at, at+len) (zeros past the input's end) as E' · 2^s: E' from the bytes present, s = 8 ·
 * the number of missing bytes. Nothing is allocated for the missing bytes.
 */
function splitNumber(input: Uint8Array, at: bigint, len: bigint): [bigint, bigint] {
  const size = BigInt(input.length);
  if (len === 0n || at >= size) return [0n, 0n];
  const end = at + len < size ? at + len : size;
  return [bytesToBigInt(input.subarray(Number(at), Number(end))), 8n * (at + len - end)];
}

/**
 * b^e mod m, left to right over the exponent's bytes: a long exponent is cheap in gas
 * (8 gas-iterations per byte with a small modulus), so it must cost linear time — shifting one
 * huge BigInt per bit would be quadratic.
 */
function powMod(b: bigint, e: Uint8Array, m: bigint): bigint {
  const base = b % m;
  let r = 1n % m;
  let started = false;
  for (const byte of e) {
    for (let bit = 7; bit >= 0; bit--) {
      if (started) r = (r * r) % m;
      if ((byte >> bit) & 1) {
        r = (r * base) % m;
        started = true;
      }
    }
  }
  return r;
}
