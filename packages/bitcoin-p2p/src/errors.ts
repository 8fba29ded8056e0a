import { type ErrorMeta, KeelError } from '@keel/util';

/**
 * How a peer should be treated for an error it caused (ARCHITECTURE: network-facing errors
 * carry a peer-scoring verdict). `disconnect`: drop the connection; `discourage`: drop it and
 * prefer not to reconnect (Core's discouragement); `ignore`: log only.
 */
export type PeerVerdict = 'ignore' | 'disconnect' | 'discourage';

/** Stable codes of every error @keel/bitcoin-p2p throws. */
export const P2PErrorCode = {
  /** Bytes off the wire that do not decode (truncated, trailing, bad lengths). */
  MALFORMED: 'ERR_P2P_MALFORMED',
  /** A length or count over Core's limit, refused before allocating. */
  OVERSIZED: 'ERR_P2P_OVERSIZED',
  /** v1 header: wrong magic or checksum. */
  BAD_HEADER: 'ERR_P2P_BAD_HEADER',
  /** A message out of protocol order (e.g. before version/verack). */
  PROTOCOL: 'ERR_P2P_PROTOCOL',
  /** BIP324: handshake or packet decryption failure. */
  V2_TRANSPORT: 'ERR_P2P_V2_TRANSPORT',
  /** BIP152: compact block reconstruction failed. */
  COMPACT_BLOCK: 'ERR_P2P_COMPACT_BLOCK',
  /** A caller passed an argument outside the function's contract. */
  INVALID_ARGUMENT: 'ERR_P2P_INVALID_ARGUMENT',
} as const;
export type P2PErrorCode = (typeof P2PErrorCode)[keyof typeof P2PErrorCode];

export class P2PError extends KeelError {
  declare readonly code: P2PErrorCode;
  readonly verdict: PeerVerdict;
  constructor(code: P2PErrorCode, message: string, verdict: PeerVerdict, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'P2PError';
    this.verdict = verdict;
  }
}
