import { utf8ToBytes } from '@keel/util';
import { CipherState } from './cipherState.ts';
import type { NoiseCipher, NoiseHash } from './types.ts';

const EMPTY = new Uint8Array(0);

/**
 * Noise rev 34 §4.3 HKDF(chaining_key, input_key_material, num_outputs) with 2 or 3
 * outputs, each HASHLEN bytes.
 */
export function noiseHkdf(
  hash: NoiseHash,
  ck: Uint8Array,
  ikm: Uint8Array,
  outputs: 2 | 3,
): Uint8Array[] {
  const tempKey = hash.hmac(ck, ikm);
  const out1 = hash.hmac(tempKey, Uint8Array.of(1));
  const out2 = hash.hmac(tempKey, concat2(out1, Uint8Array.of(2)));
  if (outputs === 2) return [out1, out2];
  return [out1, out2, hash.hmac(tempKey, concat2(out2, Uint8Array.of(3)))];
}

function concat2(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * The initial `h` for a protocol name (§5.2 InitializeSymmetric): the name zero-padded to
 * HASHLEN when it fits, else HASH(name). SV2's 46-byte name is therefore hashed.
 */
export function initialHandshakeHash(hash: NoiseHash, protocolName: string): Uint8Array {
  const name = utf8ToBytes(protocolName);
  if (name.length <= hash.hashLen) {
    const h = new Uint8Array(hash.hashLen);
    h.set(name);
    return h;
  }
  return hash.hash(name);
}

/** Noise rev 34 §5.2 SymmetricState: chaining key `ck`, handshake hash `h`, a CipherState. */
export class SymmetricState {
  private readonly hashFn: NoiseHash;
  private readonly cs: CipherState;
  private ck: Uint8Array;
  private h: Uint8Array;

  constructor(protocolName: string, cipher: NoiseCipher, hash: NoiseHash) {
    this.hashFn = hash;
    this.h = initialHandshakeHash(hash, protocolName);
    this.ck = this.h.slice();
    this.cs = new CipherState(cipher);
  }

  /** The current handshake hash `h` (a copy). */
  get handshakeHash(): Uint8Array {
    return this.h.slice();
  }

  /** The current chaining key `ck` (a copy; for tests and diagnostics). */
  get chainingKey(): Uint8Array {
    return this.ck.slice();
  }

  hasKey(): boolean {
    return this.cs.hasKey();
  }

  mixKey(ikm: Uint8Array): void {
    const [ck, tempK] = noiseHkdf(this.hashFn, this.ck, ikm, 2);
    this.ck = ck!;
    // HASHLEN 64: truncate temp_k to 32 bytes (§5.2)
    this.cs.initializeKey(tempK!.subarray(0, 32));
  }

  mixHash(data: Uint8Array): void {
    this.h = this.hashFn.hash(concat2(this.h, data));
  }

  /** §5.2 MixKeyAndHash, used by PSK modifiers. */
  mixKeyAndHash(ikm: Uint8Array): void {
    const [ck, tempH, tempK] = noiseHkdf(this.hashFn, this.ck, ikm, 3);
    this.ck = ck!;
    this.mixHash(tempH!);
    this.cs.initializeKey(tempK!.subarray(0, 32));
  }

  encryptAndHash(plaintext: Uint8Array): Uint8Array {
    const ciphertext = this.cs.encryptWithAd(this.h, plaintext);
    this.mixHash(ciphertext);
    return ciphertext;
  }

  decryptAndHash(ciphertext: Uint8Array): Uint8Array {
    const plaintext = this.cs.decryptWithAd(this.h, ciphertext);
    this.mixHash(ciphertext);
    return plaintext;
  }

  /** §5.2 Split: (c1 for initiator→responder, c2 for responder→initiator). */
  split(): [CipherState, CipherState] {
    const [k1, k2] = noiseHkdf(this.hashFn, this.ck, EMPTY, 2);
    return [
      new CipherState(this.cs.cipher, k1!.subarray(0, 32)),
      new CipherState(this.cs.cipher, k2!.subarray(0, 32)),
    ];
  }
}
