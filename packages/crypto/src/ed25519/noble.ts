import { bytesToBigIntLE, equalBytes } from '@keel/util';
import { ed25519 as nobleEd25519 } from '@noble/curves/ed25519.js';
import { assertLength } from '../errors.ts';
import { sha512 } from '../hashes/index.ts';
import { assertBytes, ED25519_L, passesPreChecks } from './rules.ts';
import type { Ed25519 } from './types.ts';

const Point = nobleEd25519.Point;

/**
 * Cofactorless strict verification on noble's point arithmetic. noble's own `verify` checks
 * the cofactored equation, which accepts mixed-order keys OpenSSL rejects, so it is not used.
 */
function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (!passesPreChecks(signature, message, publicKey)) return false;
  let A: InstanceType<typeof Point>;
  try {
    A = Point.fromBytes(publicKey, false); // RFC 8032 §5.1.3 decoding; fails off the curve
  } catch {
    return false;
  }
  const R = signature.subarray(0, 32);
  const S = bytesToBigIntLE(signature.subarray(32, 64));
  const k = bytesToBigIntLE(sha512(concat3(R, publicKey, message))) % ED25519_L;
  // [S]B − [k]A, encoded, must be R byte for byte (public inputs: variable time is fine)
  const check = Point.BASE.multiplyUnsafe(S).subtract(A.multiplyUnsafe(k));
  return equalBytes(check.toBytes(), R);
}

function concat3(a: Uint8Array, b: Uint8Array, c: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length + c.length);
  out.set(a, 0);
  out.set(b, a.length);
  out.set(c, a.length + b.length);
  return out;
}

export const nobleEngine: Ed25519 = {
  engine: 'noble',
  getPublicKey(seed) {
    assertLength(seed, 32, 'ed25519 seed');
    return nobleEd25519.getPublicKey(seed);
  },
  sign(message, seed) {
    assertBytes(message, 'ed25519 message');
    assertLength(seed, 32, 'ed25519 seed');
    return nobleEd25519.sign(message, seed);
  },
  verify,
};
