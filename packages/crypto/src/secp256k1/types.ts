/**
 * The secp256k1 backend contract. Both backends (`noble`, pure TS; `libsecp256k1`, native or
 * WASM) implement it with libsecp256k1's exact semantics, which is what Bitcoin consensus
 * needs. Every method is synchronous once the backend is loaded. Invalid inputs give
 * `false`/`null` where the method says so, and a `CryptoError` otherwise — identically on
 * both backends. Byte arrays are never retained or mutated.
 */
export type Secp256k1BackendName = 'noble' | 'libsecp256k1';

/** The result of a BIP341 x-only tweak: Q = P + t·G, as x-only key plus Y parity. */
export interface XOnlyTweakResult {
  xOnly: Uint8Array;
  parity: 0 | 1;
}

export interface Secp256k1Backend {
  readonly name: Secp256k1BackendName;

  // ---- keys
  /** True for a 32-byte scalar in [1, n-1]. */
  isValidPrivateKey(sk: Uint8Array): boolean;
  /** 33-byte compressed (default) or 65-byte uncompressed public key. Throws on a bad key. */
  publicKeyCreate(sk: Uint8Array, compressed?: boolean): Uint8Array;
  /**
   * Parses a public key like libsecp256k1's `ec_pubkey_parse`: 33-byte 02/03, 65-byte 04,
   * and — only when `allowHybrid` — 65-byte 06/07 with matching Y parity. Returns the
   * 65-byte uncompressed form, or `null` when the bytes are not a valid point.
   */
  parsePublicKey(pub: Uint8Array, opts?: { allowHybrid?: boolean }): Uint8Array | null;
  /** Re-serializes a valid public key (hybrid rejected). Throws CryptoError if invalid. */
  serializePublicKey(pub: Uint8Array, compressed: boolean): Uint8Array;
  /** x-only (32-byte) public key of `sk` (BIP340). */
  xOnlyPublicKey(sk: Uint8Array): Uint8Array;
  /** True when the 32 bytes are the x coordinate of a curve point (BIP340 lift_x succeeds). */
  isValidXOnlyPublicKey(x: Uint8Array): boolean;
  /** (sk + tweak) mod n; throws CryptoError if the tweak is >= n or the result is zero. */
  privateKeyTweakAdd(sk: Uint8Array, tweak: Uint8Array): Uint8Array;
  /** n - sk. */
  privateKeyNegate(sk: Uint8Array): Uint8Array;

  // ---- ECDSA
  /**
   * Bitcoin consensus ECDSA verification, as Core's `CPubKey::Verify` after signature
   * parsing: `sig` is 64 bytes r‖s (big-endian); s is normalized to low-S before
   * verification (Core does this; LOW_S is a script flag, not a backend rule); r or s of zero
   * or >= n fail. `pub` is parsed as `parsePublicKey(pub, { allowHybrid: true })`.
   * `msg32` is the 32-byte digest. Returns false for any invalid input, never throws.
   */
  ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, pub: Uint8Array): boolean;
  /** RFC 6979 deterministic ECDSA (optionally with extra entropy); low-S, 64-byte r‖s. */
  ecdsaSign(msg32: Uint8Array, sk: Uint8Array, extraEntropy?: Uint8Array): Uint8Array;

  // ---- BIP340 Schnorr
  /**
   * BIP340 verification. `msg` may be any length (BIP340 as amended; Bitcoin uses 32).
   * Returns false for a non-curve x-only key, r >= p, s >= n, or a wrong signature.
   */
  schnorrVerify(sig: Uint8Array, msg: Uint8Array, xOnlyPub: Uint8Array): boolean;
  /** BIP340 signing with 32-byte auxiliary randomness (zeros when omitted). */
  schnorrSign(msg: Uint8Array, sk: Uint8Array, auxRand?: Uint8Array): Uint8Array;

  // ---- BIP341 tweaks
  /** Q = lift_x(P) + t·G. Returns null if P is invalid, t >= n, or Q is infinity. */
  xOnlyTweakAdd(xOnlyPub: Uint8Array, tweak: Uint8Array): XOnlyTweakResult | null;
}
