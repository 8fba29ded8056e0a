import { CryptoError, CryptoErrorCode } from '../errors.ts';
import { handshakeError } from './errors.ts';
import type { NoiseCipher } from './types.ts';

const MAX_NONCE = 0xffffffffffffffffn;
const ZEROS32 = new Uint8Array(32);
const EMPTY = new Uint8Array(0);

/**
 * Noise rev 34 §5.1 CipherState: a key `k` (or none) and a 64-bit nonce `n`. Nonce
 * 2^64-1 is reserved (§5.1), so after 2^64-1 messages every call fails with HANDSHAKE.
 */
export class CipherState {
  private k: Uint8Array | undefined;
  private n = 0n;
  readonly cipher: NoiseCipher;

  constructor(cipher: NoiseCipher, key?: Uint8Array) {
    this.cipher = cipher;
    if (key !== undefined) this.initializeKey(key);
  }

  initializeKey(key: Uint8Array | undefined): void {
    if (key !== undefined && key.length !== 32) {
      throw handshakeError('cipher key must be 32 bytes', { length: key.length });
    }
    this.k = key?.slice();
    this.n = 0n;
  }

  hasKey(): boolean {
    return this.k !== undefined;
  }

  /** The next nonce this state will use. */
  get nonce(): bigint {
    return this.n;
  }

  /** Noise §5.1 SetNonce (also lets tests reach nonce exhaustion). */
  setNonce(n: bigint): void {
    if (typeof n !== 'bigint' || n < 0n || n > MAX_NONCE) {
      throw new CryptoError(CryptoErrorCode.INVALID_INPUT, 'Noise nonce must be a uint64');
    }
    this.n = n;
  }

  encryptWithAd(ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const k = this.k;
    if (k === undefined) return plaintext.slice();
    this.checkNonce();
    const out = this.cipher.encrypt(k, this.n, ad, plaintext);
    this.n++;
    return out;
  }

  /** Throws DECRYPT_FAILED on a bad tag; `n` is then left unchanged (§5.1). */
  decryptWithAd(ad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    const k = this.k;
    if (k === undefined) return ciphertext.slice();
    this.checkNonce();
    const out = this.cipher.decrypt(k, this.n, ad, ciphertext);
    this.n++;
    return out;
  }

  /** Noise §4.2 REKEY default: the first 32 bytes of ENCRYPT(k, 2^64-1, empty, zeros). */
  rekey(): void {
    const k = this.k;
    if (k === undefined) throw handshakeError('rekey without a key');
    this.k = this.cipher.encrypt(k, MAX_NONCE, EMPTY, ZEROS32).subarray(0, 32).slice();
  }

  private checkNonce(): void {
    if (this.n === MAX_NONCE) {
      throw handshakeError('nonce exhausted: the cipher state must not be used again');
    }
  }
}
