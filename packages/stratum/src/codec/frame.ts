/**
 * SV2 framing (sv2-spec 03 §3.2): extension_type U16 (bit 15 = channel_msg), msg_type U8,
 * msg_length U24, then msg_length payload bytes. Lengths are checked against the caller's
 * limit and, for known messages, the largest payload the schema allows, before any byte of the
 * payload is read or allocated.
 */
import { BufferReader, BufferWriter } from '@keel/util';
import { malformed, StratumError, StratumErrorCode } from '../errors.ts';
import { maxPayloadSize } from './message.ts';
import { messageNameOf } from './messages.ts';

export const FRAME_HEADER_SIZE = 6;
export const CHANNEL_MSG_BIT = 0x8000;
export const MAX_FRAME_PAYLOAD = 0xffffff;

export interface FrameHeader {
  /** extension_type without the channel_msg bit. */
  readonly extensionType: number;
  readonly channelMsg: boolean;
  readonly msgType: number;
  /** Payload length in bytes (plaintext, also under Noise). */
  readonly msgLength: number;
}

export interface Sv2Frame {
  readonly header: FrameHeader;
  readonly payload: Uint8Array;
}

export interface FrameLimits {
  /** Largest payload accepted, ≤ 2^24 − 1. */
  readonly maxPayloadLength: number;
  /** Reject frames whose (extension, msg_type) is not a known message. */
  readonly rejectUnknown: boolean;
  /**
   * Bytes of TLV fields allowed beyond a known message's largest size (09: extensions append
   * TLVs). Default 0; set it once a TLV-adding extension is negotiated.
   */
  readonly maxTlvBytes?: number;
}

export const defaultFrameLimits: FrameLimits = {
  maxPayloadLength: MAX_FRAME_PAYLOAD,
  rejectUnknown: false,
};

export function encodeFrameHeader(h: FrameHeader): Uint8Array {
  if (!Number.isInteger(h.extensionType) || h.extensionType < 0 || h.extensionType > 0x7fff) {
    throw new StratumError(StratumErrorCode.INVALID_VALUE, 'extension_type must be in [0, 0x7fff]');
  }
  if (!Number.isInteger(h.msgType) || h.msgType < 0 || h.msgType > 0xff) {
    throw new StratumError(StratumErrorCode.INVALID_VALUE, 'msg_type must be in [0, 255]');
  }
  if (!Number.isInteger(h.msgLength) || h.msgLength < 0 || h.msgLength > MAX_FRAME_PAYLOAD) {
    throw new StratumError(StratumErrorCode.FRAME_TOO_LARGE, 'msg_length must be in [0, 2^24)', {
      msgLength: h.msgLength,
    });
  }
  return new BufferWriter(FRAME_HEADER_SIZE)
    .u16le(h.extensionType | (h.channelMsg ? CHANNEL_MSG_BIT : 0))
    .u8(h.msgType)
    .u24le(h.msgLength)
    .finish();
}

/** Decodes a 6-byte header and checks its length against `limits` (and the message's max). */
export function decodeFrameHeader(
  bytes: Uint8Array,
  limits: FrameLimits = defaultFrameLimits,
): FrameHeader {
  if (bytes.length !== FRAME_HEADER_SIZE) {
    throw malformed(`frame header must be ${FRAME_HEADER_SIZE} bytes, got ${bytes.length}`);
  }
  const r = new BufferReader(bytes);
  const ext = r.u16le();
  const header: FrameHeader = {
    extensionType: ext & 0x7fff,
    channelMsg: (ext & CHANNEL_MSG_BIT) !== 0,
    msgType: r.u8(),
    msgLength: r.u24le(),
  };
  checkHeader(header, limits);
  return header;
}

function checkHeader(h: FrameHeader, limits: FrameLimits): void {
  if (h.msgLength > limits.maxPayloadLength) {
    throw new StratumError(
      StratumErrorCode.FRAME_TOO_LARGE,
      `frame payload of ${h.msgLength} bytes exceeds the limit of ${limits.maxPayloadLength}`,
      { msgLength: h.msgLength, max: limits.maxPayloadLength, msgType: h.msgType },
    );
  }
  const name = messageNameOf(h.extensionType, h.msgType);
  if (name === undefined) {
    if (limits.rejectUnknown) {
      throw new StratumError(
        StratumErrorCode.UNKNOWN_MESSAGE,
        `unknown message: extension_type 0x${h.extensionType.toString(16)}, msg_type 0x${h.msgType.toString(16)}`,
        { extensionType: h.extensionType, msgType: h.msgType },
      );
    }
    return;
  }
  const max = maxPayloadSize(name) + (limits.maxTlvBytes ?? 0);
  if (h.msgLength > max) {
    throw new StratumError(
      StratumErrorCode.FRAME_TOO_LARGE,
      `${name} payload of ${h.msgLength} bytes exceeds its largest valid size ${max}`,
      { msgLength: h.msgLength, max, message: name },
    );
  }
}

export function encodeFrame(frame: Sv2Frame): Uint8Array {
  const head = encodeFrameHeader({ ...frame.header, msgLength: frame.payload.length });
  const out = new Uint8Array(FRAME_HEADER_SIZE + frame.payload.length);
  out.set(head, 0);
  out.set(frame.payload, FRAME_HEADER_SIZE);
  return out;
}

/** Decodes exactly one frame: missing or trailing bytes are errors. */
export function decodeFrame(bytes: Uint8Array, limits: FrameLimits = defaultFrameLimits): Sv2Frame {
  if (bytes.length < FRAME_HEADER_SIZE) {
    throw malformed(`frame shorter than its ${FRAME_HEADER_SIZE}-byte header`, {
      length: bytes.length,
    });
  }
  const header = decodeFrameHeader(bytes.subarray(0, FRAME_HEADER_SIZE), limits);
  const have = bytes.length - FRAME_HEADER_SIZE;
  if (have !== header.msgLength) {
    throw malformed(`frame declares ${header.msgLength} payload bytes but carries ${have}`, {
      declared: header.msgLength,
      have,
    });
  }
  return { header, payload: bytes.slice(FRAME_HEADER_SIZE) };
}

/**
 * Incremental plaintext frame reader for a byte stream: push chunks, pull whole frames. It
 * buffers at most one header plus one payload of an accepted length.
 */
/**
 * Push byte chunks, get complete frames: the buffering shared by plaintext and encrypted
 * framing. A subclass says how long a header is on the wire, how to read it, how long the
 * payload is on the wire and how to turn those bytes into the payload.
 */
export abstract class ChunkedFrameReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private header: FrameHeader | undefined;
  private failure: unknown;

  protected abstract readonly headerWireSize: number;
  protected abstract readHeader(bytes: Uint8Array): FrameHeader;
  protected abstract payloadWireSize(header: FrameHeader): number;
  protected abstract readPayload(header: FrameHeader, bytes: Uint8Array): Uint8Array;

  /** Bytes held but not yet returned as frames. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Appends bytes and returns every frame now complete. Throws on a bad header or payload. */
  push(chunk: Uint8Array): Sv2Frame[] {
    // After an error the stream position is lost: every later call repeats that error.
    if (this.failure !== undefined) throw this.failure;
    try {
      return this.pushInner(chunk);
    } catch (e) {
      this.failure = e;
      throw e;
    }
  }

  private pushInner(chunk: Uint8Array): Sv2Frame[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const out: Sv2Frame[] = [];
    for (;;) {
      if (this.header === undefined) {
        if (this.buffered < this.headerWireSize) return out;
        this.header = this.readHeader(this.take(this.headerWireSize));
      }
      const need = this.payloadWireSize(this.header);
      if (this.buffered < need) return out;
      out.push({ header: this.header, payload: this.readPayload(this.header, this.take(need)) });
      this.header = undefined;
    }
  }

  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n - filled);
      out.set(c.subarray(0, k), filled);
      filled += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.buffered -= n;
    return out;
  }
}

/** Push plaintext chunks, get frames (headers checked against `limits` before buffering). */
export class FrameReader extends ChunkedFrameReader {
  protected readonly headerWireSize = FRAME_HEADER_SIZE;
  private readonly limits: FrameLimits;

  constructor(limits: FrameLimits = defaultFrameLimits) {
    super();
    this.limits = limits;
  }

  protected readHeader(bytes: Uint8Array): FrameHeader {
    return decodeFrameHeader(bytes, this.limits);
  }

  protected payloadWireSize(header: FrameHeader): number {
    return header.msgLength;
  }

  protected readPayload(_header: FrameHeader, bytes: Uint8Array): Uint8Array {
    return bytes;
  }
}

/**
 * The channel a channel message is for: its payload's first four bytes as U32 (03 §3.2). Lets a
 * proxy route messages of unknown extensions without decoding them (03 §3.4).
 */
export function channelIdOf(frame: Sv2Frame): number {
  if (!frame.header.channelMsg) {
    throw new StratumError(
      StratumErrorCode.INVALID_VALUE,
      'not a channel message (channel_msg bit unset)',
    );
  }
  if (frame.payload.length < 4)
    throw malformed('channel message shorter than its 4-byte channel_id');
  return new BufferReader(frame.payload).u32le();
}
