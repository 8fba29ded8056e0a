/**
 * The v1 (plaintext) transport: 24-byte header (magic, NUL-padded command, payload length,
 * checksum = first 4 bytes of SHA256d(payload)), then the payload. `V1Decoder` is a streaming
 * parser that follows Core's V1Transport: a wrong magic or a length over
 * MAX_PROTOCOL_MESSAGE_LENGTH is fatal (disconnect, checked on the header, before the payload
 * is allocated); a bad checksum or an invalid command drops that message and the stream goes on.
 */
import { sha256d } from '@keel/crypto';
import { bytesToHex, concatBytes, equalBytes } from '@keel/util';
import { P2PError, P2PErrorCode } from './errors.ts';
import { defaultP2PLimits, type P2PLimits } from './limits.ts';
import { decodeMessage, encodeMessage } from './messages/registry.ts';
import type { P2PMessage } from './messages/types.ts';

export const V1_HEADER_SIZE = 24;
export const COMMAND_SIZE = 12;
const CHECKSUM_SIZE = 4;

/** Core's IsMessageTypeValid: printable ASCII, then only NUL padding. */
export function parseCommand(field: Uint8Array): string | null {
  let s = '';
  let ended = false;
  for (const c of field) {
    if (ended) {
      if (c !== 0) return null;
    } else if (c === 0) {
      ended = true;
    } else if (c < 0x20 || c > 0x7e) {
      return null;
    } else {
      s += String.fromCharCode(c);
    }
  }
  return s;
}

/** The 12-byte NUL-padded command field; throws for commands that are not 1–12 printable ASCII. */
export function encodeCommand(command: string): Uint8Array {
  const out = new Uint8Array(COMMAND_SIZE);
  const ok = command.length >= 1 && command.length <= COMMAND_SIZE;
  for (let i = 0; ok && i < command.length; i++) {
    const c = command.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return badCommand(command);
    out[i] = c;
  }
  return ok ? out : badCommand(command);
}

function badCommand(command: string): never {
  throw new P2PError(
    P2PErrorCode.INVALID_ARGUMENT,
    `invalid command ${JSON.stringify(command)}`,
    'ignore',
  );
}

/** Frames a payload: header ‖ payload. */
export function encodeV1Frame(magic: Uint8Array, command: string, payload: Uint8Array): Uint8Array {
  const header = new Uint8Array(V1_HEADER_SIZE);
  header.set(magic, 0);
  header.set(encodeCommand(command), 4);
  new DataView(header.buffer).setUint32(16, payload.length, true);
  header.set(sha256d(payload).subarray(0, CHECKSUM_SIZE), 20);
  return concatBytes(header, payload);
}

/** Encodes and frames a message for the v1 transport. */
export function encodeV1Message(magic: Uint8Array, msg: P2PMessage): Uint8Array {
  return encodeV1Frame(magic, msg.command, encodeMessage(msg));
}

/** One item out of a decoder: a message, an ignored unknown command, or an error with its verdict. */
export type TransportEvent =
  | { kind: 'message'; message: P2PMessage; size: number }
  | { kind: 'unknown'; command: string; size: number }
  | { kind: 'error'; error: P2PError };

/** Decodes one framed payload of a known frame, mapping it to an event. */
export function decodePayloadEvent(
  command: string,
  payload: Uint8Array,
  limits: P2PLimits,
): TransportEvent {
  try {
    const message = decodeMessage(command, payload, limits);
    return message
      ? { kind: 'message', message, size: payload.length }
      : { kind: 'unknown', command, size: payload.length };
  } catch (e) {
    if (e instanceof P2PError) return { kind: 'error', error: e };
    throw e;
  }
}

export interface V1DecoderOptions {
  magic: Uint8Array;
  limits?: P2PLimits;
}

/** Streaming v1 decoder: feed it any chunks; it buffers at most one header + one payload. */
export class V1Decoder {
  private readonly magic: Uint8Array;
  private readonly limits: P2PLimits;
  private readonly header = new Uint8Array(V1_HEADER_SIZE);
  private headerFill = 0;
  private payload: Uint8Array | null = null;
  private payloadFill = 0;
  private fatal: P2PError | null = null;

  constructor(opts: V1DecoderOptions) {
    if (opts.magic.length !== 4) {
      throw new P2PError(P2PErrorCode.INVALID_ARGUMENT, 'magic must be 4 bytes', 'ignore');
    }
    this.magic = opts.magic.slice();
    this.limits = opts.limits ?? defaultP2PLimits;
  }

  /** True once a fatal error was reported: the connection must be closed. */
  get failed(): boolean {
    return this.fatal !== null;
  }

  push(chunk: Uint8Array): TransportEvent[] {
    const out: TransportEvent[] = [];
    let pos = 0;
    while (pos < chunk.length && !this.fatal) {
      if (this.payload === null) {
        const take = Math.min(V1_HEADER_SIZE - this.headerFill, chunk.length - pos);
        this.header.set(chunk.subarray(pos, pos + take), this.headerFill);
        this.headerFill += take;
        pos += take;
        if (this.headerFill === V1_HEADER_SIZE) this.startPayload(out);
      } else {
        const take = Math.min(this.payload.length - this.payloadFill, chunk.length - pos);
        this.payload.set(chunk.subarray(pos, pos + take), this.payloadFill);
        this.payloadFill += take;
        pos += take;
      }
      if (this.payload && this.payloadFill === this.payload.length) out.push(this.finish());
    }
    return out;
  }

  private startPayload(out: TransportEvent[]): void {
    const h = this.header;
    if (!equalBytes(h.subarray(0, 4), this.magic)) {
      this.fail(
        out,
        new P2PError(
          P2PErrorCode.BAD_HEADER,
          `header error: wrong magic ${bytesToHex(h.subarray(0, 4))}`,
          'disconnect',
        ),
      );
      return;
    }
    const len = new DataView(h.buffer).getUint32(16, true);
    if (len > this.limits.maxPayload) {
      this.fail(
        out,
        new P2PError(
          P2PErrorCode.OVERSIZED,
          `header error: size too large (${len} > ${this.limits.maxPayload})`,
          'disconnect',
          { size: len },
        ),
      );
      return;
    }
    this.payload = new Uint8Array(len);
    this.payloadFill = 0;
  }

  private fail(out: TransportEvent[], error: P2PError): void {
    this.fatal = error;
    out.push({ kind: 'error', error });
  }

  private finish(): TransportEvent {
    const payload = this.payload!;
    const h = this.header;
    this.payload = null;
    this.headerFill = 0;
    const command = parseCommand(h.subarray(4, 16));
    if (command === null) {
      return {
        kind: 'error',
        error: new P2PError(
          P2PErrorCode.BAD_HEADER,
          `header error: invalid message type ${bytesToHex(h.subarray(4, 16))}`,
          'ignore',
        ),
      };
    }
    if (!equalBytes(sha256d(payload).subarray(0, CHECKSUM_SIZE), h.subarray(20, 24))) {
      return {
        kind: 'error',
        error: new P2PError(P2PErrorCode.BAD_HEADER, `${command}: checksum error`, 'ignore', {
          command,
        }),
      };
    }
    return decodePayloadEvent(command, payload, this.limits);
  }
}
