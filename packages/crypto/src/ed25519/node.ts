import {
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { bytesToHex } from '@keel/util';
import { assertLength } from '../errors.ts';
import { assertBytes, passesPreChecks } from './rules.ts';
import type { Ed25519 } from './types.ts';

// RFC 8410 DER prefixes: SubjectPublicKeyInfo and PKCS#8 OneAsymmetricKey for id-Ed25519.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Parsed public keys, most recent last; validator sets re-verify the same keys constantly. */
const PUBLIC_KEY_CACHE_SIZE = 1024;
const publicKeys = new Map<string, KeyObject | null>();

function publicKeyObject(pk: Uint8Array): KeyObject | null {
  const id = bytesToHex(pk);
  let key = publicKeys.get(id);
  if (key !== undefined) return key;
  try {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pk]), format: 'der', type: 'spki' });
  } catch {
    key = null; // y does not decode to a curve point
  }
  if (publicKeys.size >= PUBLIC_KEY_CACHE_SIZE) {
    publicKeys.delete(publicKeys.keys().next().value as string);
  }
  publicKeys.set(id, key);
  return key;
}

function privateKeyObject(seed: Uint8Array): KeyObject {
  assertLength(seed, 32, 'ed25519 seed');
  // Secret keys are never cached: a KeyObject per call keeps no key material beyond it.
  return createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
}

/** True when this Node's OpenSSL supports Ed25519 (all supported Node versions do). */
export function isNodeEd25519Available(): boolean {
  try {
    return nodeSign(null, new Uint8Array(0), privateKeyObject(new Uint8Array(32))).length === 64;
  } catch {
    return false;
  }
}

export const nodeEngine: Ed25519 = {
  engine: 'node',
  getPublicKey(seed) {
    const spki = createPublicKey(privateKeyObject(seed)).export({ format: 'der', type: 'spki' });
    return new Uint8Array(spki.subarray(spki.length - 32));
  },
  sign(message, seed) {
    assertBytes(message, 'ed25519 message');
    return new Uint8Array(nodeSign(null, message, privateKeyObject(seed)));
  },
  verify(signature, message, publicKey) {
    if (!passesPreChecks(signature, message, publicKey)) return false;
    const key = publicKeyObject(publicKey);
    // OpenSSL checks the cofactorless equation by re-encoding [S]B − [k]A and comparing to R
    return key !== null && nodeVerify(null, message, key, signature);
  },
};
