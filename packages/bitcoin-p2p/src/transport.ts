/**
 * One byte-stream interface over both transports, so a socket layer stays a loop: write what
 * `start`/`send`/`receive` return, hand every event to the `Peer`.
 */
import { P2PError, P2PErrorCode } from './errors.ts';
import { defaultP2PLimits, type P2PLimits } from './limits.ts';
import type { P2PMessage } from './messages/types.ts';
import { encodeV1Frame, encodeV1Message, type TransportEvent, V1Decoder } from './v1.ts';

export interface TransportOutput {
  /** Bytes to write to the socket now (may be empty). */
  send: Uint8Array;
  events: TransportEvent[];
}

export interface Transport {
  /** 'pending' while a v2 responder cannot yet tell v1 from v2. */
  readonly version: 'v1' | 'v2' | 'pending';
  /** True after a fatal error: close the connection. */
  readonly failed: boolean;
  /** Bytes to write when the connection opens. */
  start(): Uint8Array;
  receive(chunk: Uint8Array): TransportOutput;
  /** The bytes for `msg` (a v2 transport queues them until its handshake allows sending). */
  send(msg: P2PMessage): Uint8Array;
  /** Like `send`, for a payload already serialized (e.g. a stored block): no re-encoding. */
  sendPayload(command: string, payload: Uint8Array): Uint8Array;
}

export interface V1TransportOptions {
  magic: Uint8Array;
  limits?: P2PLimits;
}

/** The plaintext v1 transport behind the `Transport` interface. */
export class V1Transport implements Transport {
  readonly version = 'v1' as const;
  private readonly magic: Uint8Array;
  private readonly decoder: V1Decoder;
  private readonly limits: P2PLimits;

  constructor(opts: V1TransportOptions) {
    this.magic = opts.magic.slice();
    this.limits = opts.limits ?? defaultP2PLimits;
    this.decoder = new V1Decoder({ magic: opts.magic, limits: this.limits });
  }

  get failed(): boolean {
    return this.decoder.failed;
  }

  start(): Uint8Array {
    return new Uint8Array(0);
  }

  receive(chunk: Uint8Array): TransportOutput {
    return { send: new Uint8Array(0), events: this.decoder.push(chunk) };
  }

  send(msg: P2PMessage): Uint8Array {
    return encodeV1Message(this.magic, msg);
  }

  sendPayload(command: string, payload: Uint8Array): Uint8Array {
    checkPayload(payload, this.limits);
    return encodeV1Frame(this.magic, command, payload);
  }
}

/** Outgoing payloads obey the limit we enforce on receipt. */
export function checkPayload(payload: Uint8Array, limits: P2PLimits): void {
  if (payload.length > limits.maxPayload) {
    throw new P2PError(
      P2PErrorCode.INVALID_ARGUMENT,
      `payload of ${payload.length} bytes exceeds ${limits.maxPayload}`,
      'ignore',
    );
  }
}
