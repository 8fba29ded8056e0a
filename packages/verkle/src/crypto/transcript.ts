import { sha256 } from '@keel/crypto/hashes';
import { concatBytes, utf8ToBytes } from '@keel/util';
import { type Element, serializeElement } from './banderwagon.ts';
import { bytesToNumberLE, FR_MODULUS, scalarToBytesLE } from './field.ts';

/**
 * The Fiat–Shamir transcript of go-ipa / rust-verkle: a SHA-256 over the protocol label and
 * every appended `label ‖ bytes`; a challenge hashes what is pending plus its label, reads the
 * digest little-endian mod r, restarts the hash and appends the challenge under its label.
 */
export class Transcript {
  #parts: Uint8Array[];

  constructor(label: string) {
    this.#parts = [utf8ToBytes(label)];
  }

  appendMessage(message: Uint8Array, label: string): void {
    this.#parts.push(utf8ToBytes(label), message);
  }

  appendScalar(s: bigint, label: string): void {
    this.appendMessage(scalarToBytesLE(s), label);
  }

  appendPoint(p: Element, label: string): void {
    this.appendMessage(serializeElement(p), label);
  }

  /** Appends already-serialized point bytes (saves an inversion when they are at hand). */
  appendPointBytes(bytes: Uint8Array, label: string): void {
    this.appendMessage(bytes, label);
  }

  domainSep(label: string): void {
    this.#parts.push(utf8ToBytes(label));
  }

  challengeScalar(label: string): bigint {
    this.domainSep(label);
    const digest = sha256(concatBytes(...this.#parts));
    this.#parts = [];
    const c = bytesToNumberLE(digest) % FR_MODULUS;
    this.appendScalar(c, label);
    return c;
  }
}
