import type { CipherState } from './cipherState.ts';
import { handshakeError } from './errors.ts';

const EMPTY = new Uint8Array(0);
const MAX_MESSAGE = 65535;
const TAG = 16;

/**
 * The two CipherStates of a finished handshake, oriented for one side, plus the
 * handshake hash (channel binding). Messages are limited to 65535 bytes (Noise §3);
 * framing bigger payloads into chunks is the caller's protocol (e.g. SV2 framing).
 */
export class NoiseTransport {
  readonly send: CipherState;
  readonly recv: CipherState;
  readonly handshakeHash: Uint8Array;

  constructor(send: CipherState, recv: CipherState, handshakeHash: Uint8Array) {
    this.send = send;
    this.recv = recv;
    this.handshakeHash = handshakeHash;
  }

  encrypt(plaintext: Uint8Array, ad: Uint8Array = EMPTY): Uint8Array {
    if (plaintext.length > MAX_MESSAGE - TAG) {
      throw handshakeError('transport plaintext longer than 65519 bytes', {
        length: plaintext.length,
      });
    }
    return this.send.encryptWithAd(ad, plaintext);
  }

  /** Throws DECRYPT_FAILED on a bad tag, HANDSHAKE on a malformed length. */
  decrypt(ciphertext: Uint8Array, ad: Uint8Array = EMPTY): Uint8Array {
    if (ciphertext.length < TAG || ciphertext.length > MAX_MESSAGE) {
      throw handshakeError('transport message length out of range [16, 65535]', {
        length: ciphertext.length,
      });
    }
    return this.recv.decryptWithAd(ad, ciphertext);
  }

  /** Rekeys both directions (each side must do the same at the same point). */
  rekeySend(): void {
    this.send.rekey();
  }

  rekeyRecv(): void {
    this.recv.rekey();
  }
}
