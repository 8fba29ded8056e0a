import {
  decodeMessage,
  defaultP2PLimits,
  encodeV1Frame,
  type P2PMessage,
  type Transport,
  V1Transport,
  V2Transport,
} from '@keel/bitcoin-p2p';

export type { Transport };

export interface TransportFactoryOptions {
  inbound: boolean;
  magic: Uint8Array;
  /** Offer BIP324: initiate v2 outbound; accept v2 or v1 inbound. */
  v2: boolean;
  /** Randomness (the ephemeral key, its encoding's aux data and the garbage). */
  randomBytes: (n: number) => Uint8Array;
}

/**
 * E's transports for one connection: v1, or BIP324 v2 (an inbound v2 responder falls back to
 * v1 when the peer opens with a v1 `version`, as Core's V2Transport does).
 */
export function createTransport(o: TransportFactoryOptions): Transport {
  if (!o.v2) return new V1Transport({ magic: o.magic });
  // Core sends a random amount of garbage up to the limit
  const garbageLen = o.randomBytes(2).reduce((a, b) => a * 256 + b, 0) % 4096;
  return new V2Transport({
    initiating: !o.inbound,
    magic: o.magic,
    privateKey: o.randomBytes(32),
    auxRand: o.randomBytes(32),
    garbage: o.randomBytes(garbageLen),
  });
}

/**
 * Frames an already-serialized payload (stored block bytes): directly on v1, through the
 * message codec on v2 (whose packets carry decoded messages).
 */
export function frameRaw(
  t: Transport,
  magic: Uint8Array,
  command: string,
  payload: Uint8Array,
): Uint8Array {
  if (t.version === 'v1') return encodeV1Frame(magic, command, payload);
  const msg = decodeMessage(command, payload, defaultP2PLimits) as P2PMessage;
  return t.send(msg);
}
