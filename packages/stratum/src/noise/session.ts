/**
 * Encrypted SV2 framing (sv2-spec 04 §4.6). Each frame is EncryptWithAd([], header) — 6 + 16 = 22
 * bytes — then the payload split into 65519-byte plaintext chunks, each sealed on its own
 * (65535 bytes with its MAC; the last 17..65535). msg_length in the header is the plaintext
 * payload length, so the ciphertext length follows from it.
 */
import type { NoiseTransport } from '@keel/crypto/noise';
import { isKeelError } from '@keel/util';
import {
  ChunkedFrameReader,
  decodeFrameHeader,
  defaultFrameLimits,
  encodeFrameHeader,
  FRAME_HEADER_SIZE,
  type FrameHeader,
  type FrameLimits,
  type Sv2Frame,
} from '../codec/frame.ts';
import { encodeMessageFrame } from '../codec/message.ts';
import type { Sv2Message } from '../codec/messages.ts';
import { StratumError, StratumErrorCode } from '../errors.ts';

export const MAC_SIZE = 16;
export const MAX_CT_CHUNK = 65535;
export const MAX_PT_CHUNK = MAX_CT_CHUNK - MAC_SIZE;
export const ENCRYPTED_HEADER_SIZE = FRAME_HEADER_SIZE + MAC_SIZE;

/** sv2-spec 04 §4.6 pt_len_to_ct_len. */
export function ciphertextLength(plaintextLength: number): number {
  const rem = plaintextLength % MAX_PT_CHUNK;
  return Math.floor(plaintextLength / MAX_PT_CHUNK) * MAX_CT_CHUNK + (rem > 0 ? rem + MAC_SIZE : 0);
}

/** Bytes on the wire for an encrypted frame with this payload length. */
export function encryptedFrameLength(payloadLength: number): number {
  return ENCRYPTED_HEADER_SIZE + ciphertextLength(payloadLength);
}

export class Sv2NoiseSession {
  private readonly t: NoiseTransport;
  private failed = false;

  constructor(transport: NoiseTransport) {
    this.t = transport;
  }

  /** Noise handshake hash (channel binding), identical on both sides. */
  get handshakeHash(): Uint8Array {
    return this.t.handshakeHash;
  }

  encryptFrame(frame: Sv2Frame): Uint8Array {
    const n = frame.payload.length;
    const head = encodeFrameHeader({ ...frame.header, msgLength: n });
    const out = new Uint8Array(encryptedFrameLength(n));
    out.set(this.seal(head), 0);
    let o = ENCRYPTED_HEADER_SIZE;
    for (let i = 0; i < n; i += MAX_PT_CHUNK) {
      const ct = this.seal(frame.payload.subarray(i, Math.min(n, i + MAX_PT_CHUNK)));
      out.set(ct, o);
      o += ct.length;
    }
    return out;
  }

  encryptMessage(msg: Sv2Message): Uint8Array {
    return this.encryptFrame(encodeMessageFrame(msg));
  }

  /** Decrypts a 22-byte encrypted header and checks the declared length against `limits`. */
  decryptHeader(ct: Uint8Array, limits: FrameLimits = defaultFrameLimits): FrameHeader {
    if (ct.length !== ENCRYPTED_HEADER_SIZE) {
      throw new StratumError(
        StratumErrorCode.MALFORMED,
        `encrypted header must be 22 bytes, got ${ct.length}`,
      );
    }
    return decodeFrameHeader(this.open(ct), limits);
  }

  /** Decrypts exactly `ciphertextLength(header.msgLength)` bytes of payload. */
  decryptPayload(header: FrameHeader, ct: Uint8Array): Uint8Array {
    if (ct.length !== ciphertextLength(header.msgLength)) {
      throw new StratumError(
        StratumErrorCode.MALFORMED,
        `encrypted payload must be ${ciphertextLength(header.msgLength)} bytes, got ${ct.length}`,
      );
    }
    const out = new Uint8Array(header.msgLength);
    let o = 0;
    for (let i = 0; i < ct.length; i += MAX_CT_CHUNK) {
      const pt = this.open(ct.subarray(i, Math.min(ct.length, i + MAX_CT_CHUNK)));
      out.set(pt, o);
      o += pt.length;
    }
    return out;
  }

  /** Decrypts one whole encrypted frame (exactly, no trailing bytes). */
  decryptFrame(bytes: Uint8Array, limits: FrameLimits = defaultFrameLimits): Sv2Frame {
    if (bytes.length < ENCRYPTED_HEADER_SIZE) {
      throw new StratumError(StratumErrorCode.MALFORMED, 'encrypted frame shorter than 22 bytes');
    }
    const header = this.decryptHeader(bytes.subarray(0, ENCRYPTED_HEADER_SIZE), limits);
    return { header, payload: this.decryptPayload(header, bytes.subarray(ENCRYPTED_HEADER_SIZE)) };
  }

  /** A streaming reader that decrypts frames from this session as bytes arrive. */
  reader(limits: FrameLimits = defaultFrameLimits): NoiseFrameReader {
    return new NoiseFrameReader(this, limits);
  }

  private seal(pt: Uint8Array): Uint8Array {
    return this.guard(() => this.t.encrypt(pt));
  }

  private open(ct: Uint8Array): Uint8Array {
    return this.guard(() => this.t.decrypt(ct));
  }

  /** After a MAC failure the session is dead: the peer's stream is no longer in sync. */
  private guard<T>(f: () => T): T {
    if (this.failed)
      throw new StratumError(StratumErrorCode.BAD_MAC, 'session failed earlier (bad MAC)');
    try {
      return f();
    } catch (e) {
      if (isKeelError(e) && e.code === 'ERR_CRYPTO_DECRYPT_FAILED') {
        this.failed = true;
        throw new StratumError(
          StratumErrorCode.BAD_MAC,
          'encrypted frame: authentication tag mismatch',
        );
      }
      if (e instanceof StratumError) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      throw new StratumError(StratumErrorCode.HANDSHAKE, `transport: ${msg}`);
    }
  }
}

/** Push ciphertext chunks, get decrypted frames. Buffers one header + one accepted payload. */
export class NoiseFrameReader extends ChunkedFrameReader {
  protected readonly headerWireSize = ENCRYPTED_HEADER_SIZE;
  private readonly s: Sv2NoiseSession;
  private readonly limits: FrameLimits;

  constructor(session: Sv2NoiseSession, limits: FrameLimits) {
    super();
    this.s = session;
    this.limits = limits;
  }

  protected readHeader(bytes: Uint8Array): FrameHeader {
    return this.s.decryptHeader(bytes, this.limits);
  }

  protected payloadWireSize(header: FrameHeader): number {
    return ciphertextLength(header.msgLength);
  }

  protected readPayload(header: FrameHeader, bytes: Uint8Array): Uint8Array {
    return this.s.decryptPayload(header, bytes);
  }
}
