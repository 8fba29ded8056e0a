import { encodeV1Frame, type P2PLimits, type TransportEvent, V1Decoder } from '@keel/bitcoin-p2p';

/**
 * One side of a connection's byte stream: bytes in → transport events, (command, payload) →
 * bytes out. v1 is plaintext framing; v2 (BIP324) plugs in behind the same interface.
 */
export interface Transport {
  readonly kind: 'v1' | 'v2';
  /** Bytes to write as soon as the connection opens (v2: our key and garbage). */
  start(): Uint8Array[];
  push(chunk: Uint8Array): { events: TransportEvent[]; send: Uint8Array[] };
  frame(command: string, payload: Uint8Array): Uint8Array;
  /** True once the stream is unusable (a fatal framing error was reported). */
  readonly failed: boolean;
  /** True once messages can be sent (v1: at once; v2: after the key exchange). */
  readonly ready: boolean;
}

export class V1Transport implements Transport {
  readonly kind = 'v1';
  readonly ready = true;
  private readonly decoder: V1Decoder;

  constructor(
    private readonly magic: Uint8Array,
    limits?: P2PLimits,
  ) {
    this.decoder = new V1Decoder({ magic, ...(limits ? { limits } : {}) });
  }

  get failed(): boolean {
    return this.decoder.failed;
  }

  start(): Uint8Array[] {
    return [];
  }

  push(chunk: Uint8Array) {
    return { events: this.decoder.push(chunk), send: [] };
  }

  frame(command: string, payload: Uint8Array): Uint8Array {
    return encodeV1Frame(this.magic, command, payload);
  }
}
