/**
 * The pool authority key in text form (sv2-spec 04 §4.7): base58check of
 * [1, 0] (LE u16 version) ‖ 32-byte x-only key.
 */
import { sha256d } from '@keel/crypto/hashes';
import { StratumError, StratumErrorCode } from '../errors.ts';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const VERSION = [1, 0] as const;

function base58Encode(b: Uint8Array): string {
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  let s = '';
  while (n > 0n) {
    s = ALPHABET[Number(n % 58n)] + s;
    n /= 58n;
  }
  for (const x of b) {
    if (x !== 0) break;
    s = `1${s}`;
  }
  return s;
}

function base58Decode(s: string): Uint8Array {
  if (s.length > 120) throw bad('too long');
  let n = 0n;
  for (const ch of s) {
    const d = ALPHABET.indexOf(ch);
    if (d < 0) throw bad(`invalid character ${JSON.stringify(ch)}`);
    n = n * 58n + BigInt(d);
  }
  const body: number[] = [];
  while (n > 0n) {
    body.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  let zeros = 0;
  while (s[zeros] === '1') zeros++;
  return Uint8Array.from([...new Array<number>(zeros).fill(0), ...body]);
}

function bad(why: string): StratumError {
  return new StratumError(StratumErrorCode.INVALID_VALUE, `authority key: ${why}`);
}

export function encodeAuthorityKey(xOnly: Uint8Array): string {
  if (xOnly.length !== 32) throw bad('expected 32 bytes');
  const payload = Uint8Array.from([...VERSION, ...xOnly]);
  const check = sha256d(payload).subarray(0, 4);
  return base58Encode(Uint8Array.from([...payload, ...check]));
}

/** Parses the base58check form, or 64 hex characters (bare x-only key). */
export function decodeAuthorityKey(text: string): Uint8Array {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) {
    return Uint8Array.from(t.match(/../g)!.map((h) => Number.parseInt(h, 16)));
  }
  const raw = base58Decode(t);
  if (raw.length !== 38) throw bad(`decoded to ${raw.length} bytes, expected 38`);
  const check = sha256d(raw.subarray(0, 34)).subarray(0, 4);
  for (let i = 0; i < 4; i++) if (check[i] !== raw[34 + i]) throw bad('checksum mismatch');
  if (raw[0] !== VERSION[0] || raw[1] !== VERSION[1])
    throw bad(`unknown version ${raw[0]},${raw[1]}`);
  return raw.slice(2, 34);
}
