import type { P2PMessage } from '../messages/types.ts';

/** What `Peer` asks its owner (the node's socket layer) to do, or tells it. */
export type PeerOutput =
  /** Send this message to the peer. */
  | { kind: 'send'; message: P2PMessage }
  /** version/verack done: the peer is usable; `info` is what it negotiated. */
  | { kind: 'handshake'; info: PeerInfo }
  /** A message for the node (blocks, headers, inv, tx, getdata, addr, …). */
  | { kind: 'message'; message: P2PMessage }
  /** A pong answered our ping. */
  | { kind: 'pong'; rttMs: number }
  /** Dropped without consequence, as Core does (logged by the owner). */
  | { kind: 'ignored'; command: string; reason: string }
  /** Close the connection; `discourage` also prefers never to reconnect (Core's discouragement). */
  | { kind: 'verdict'; action: 'disconnect' | 'discourage'; reason: string };

/** What the peer told us in its version message and the feature messages around it. */
export interface PeerInfo {
  inbound: boolean;
  /** Its protocol version and min(its, ours). */
  version: number;
  commonVersion: number;
  services: bigint;
  userAgent: string;
  startHeight: number;
  /** BIP37 fRelay of its version message. */
  relay: boolean;
  /** BIP339: announce and request transactions by wtxid. */
  wtxidRelay: boolean;
  /** BIP155: send addrv2 instead of addr. */
  addrV2: boolean;
  /** BIP330: its sendtxrcncl (version, salt), if it sent one before verack. */
  txReconciliation: { version: number; salt: bigint } | null;
  /** BIP130: announce blocks with headers. */
  sendHeaders: boolean;
  /** BIP152: the last sendcmpct of a version we speak (2). */
  compact: { announce: boolean; version: bigint } | null;
  /** BIP133: its minimum fee rate (sat/kvB). */
  feeFilter: bigint;
}

/** Core's timers (net.h / net_processing.cpp), in milliseconds. */
export interface PeerTimeouts {
  /** DEFAULT_PEER_CONNECT_TIMEOUT: version+verack must complete within 60 s. */
  handshakeMs: number;
  /** PING_INTERVAL: ping every 2 minutes. */
  pingIntervalMs: number;
  /** TIMEOUT_INTERVAL: an unanswered ping older than 20 minutes disconnects. */
  pingTimeoutMs: number;
  /** TIMEOUT_INTERVAL: nothing received for 20 minutes disconnects. */
  inactivityMs: number;
}

export const defaultPeerTimeouts: PeerTimeouts = {
  handshakeMs: 60_000,
  pingIntervalMs: 120_000,
  pingTimeoutMs: 20 * 60_000,
  inactivityMs: 20 * 60_000,
};
