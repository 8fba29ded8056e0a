/**
 * The pieces a Noise protocol is built from (Noise Protocol Framework rev 34 §4). The engine
 * is generic over them; concrete objects live in `primitives.ts` (25519, ChaChaPoly,
 * SHA256) and `sv2.ts` (Secp256k1+EllSwift).
 */

/** Fills a new array of `n` bytes with randomness. Injected: @keel/crypto never draws its own. */
export type RandomBytes = (n: number) => Uint8Array;

export interface NoiseKeyPair {
  readonly privateKey: Uint8Array;
  /** The public key as it goes on the wire (`pubLen` bytes). */
  readonly publicKey: Uint8Array;
}

/** Noise §4.1, widened so a public key's encoding may be longer than DHLEN (EllSwift: 64). */
export interface NoiseDH {
  /** The DH name in the protocol name, e.g. `25519` or `Secp256k1+EllSwift`. */
  readonly name: string;
  /** DHLEN: bytes of DH output. */
  readonly dhLen: number;
  /** Bytes of an encoded public key in handshake messages (DHLEN for 25519, 64 for EllSwift). */
  readonly pubLen: number;
  generateKeyPair(random: RandomBytes): NoiseKeyPair;
  /** The key pair for a fixed private key (test vectors, long-term static keys). */
  keyPairFromPrivate(privateKey: Uint8Array): NoiseKeyPair;
  /**
   * DH(key_pair, public_key). `localIsInitiator` is ignored by symmetric DH functions;
   * BIP324-style ECDH hashes both public keys in role order and needs it.
   * Throws CryptoError on an invalid public key.
   */
  dh(local: NoiseKeyPair, remotePublic: Uint8Array, localIsInitiator: boolean): Uint8Array;
}

/** Noise §4.2. The key is always 32 bytes; `n` is the 64-bit nonce. */
export interface NoiseCipher {
  readonly name: string;
  encrypt(k: Uint8Array, n: bigint, ad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Throws CryptoError DECRYPT_FAILED on authentication failure. */
  decrypt(k: Uint8Array, n: bigint, ad: Uint8Array, ciphertext: Uint8Array): Uint8Array;
}

/** Noise §4.3. HMAC and HKDF are derived from `hmac` by the engine. */
export interface NoiseHash {
  readonly name: string;
  readonly hashLen: 32 | 64;
  hash(data: Uint8Array): Uint8Array;
  hmac(key: Uint8Array, data: Uint8Array): Uint8Array;
}

/** One concrete protocol family: `Noise_<pattern>_<dh>_<cipher>_<hash>`. */
export interface NoiseSuite {
  readonly dh: NoiseDH;
  readonly cipher: NoiseCipher;
  readonly hash: NoiseHash;
}
