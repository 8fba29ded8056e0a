import type { Block, BlockHeader, Transaction } from '@keel/bitcoin/primitives';
import type { BlockTxn, CmpctBlock, GetBlockTxn } from '../bip152/types.ts';
import type { ReconcilDiff, ReqRecon } from '../erlay/messages.ts';

/** An address without a timestamp (the version message's addr_recv/addr_from). */
export interface NetAddress {
  services: bigint;
  /** 16 bytes: IPv6, or IPv4-mapped (::ffff:a.b.c.d). */
  ip: Uint8Array;
  port: number;
}

export interface VersionPayload {
  /** int32 protocol version. */
  version: number;
  services: bigint;
  /** int64 UNIX seconds. */
  timestamp: bigint;
  addrRecv: NetAddress;
  addrFrom: NetAddress;
  nonce: bigint;
  userAgent: string;
  startHeight: number;
  /** BIP37 fRelay; peers that omit it relay (Core's default). */
  relay: boolean;
}

/** A v1 `addr` entry. */
export interface AddrEntry extends NetAddress {
  /** uint32 UNIX seconds. */
  time: number;
}

/** BIP155 network ids. */
export const BIP155Network = {
  IPV4: 1,
  IPV6: 2,
  TORV2: 3,
  TORV3: 4,
  I2P: 5,
  CJDNS: 6,
} as const;
export type BIP155Network = (typeof BIP155Network)[keyof typeof BIP155Network];

/** An `addrv2` entry (BIP155). Unknown network ids are kept as opaque bytes, as Core skips them. */
export interface AddrV2Entry {
  time: number;
  services: bigint;
  networkId: number;
  addr: Uint8Array;
  port: number;
}

/** Inventory types (Core's protocol.h GetDataMsg). */
export const InvType = {
  MSG_TX: 1,
  MSG_BLOCK: 2,
  MSG_FILTERED_BLOCK: 3,
  MSG_CMPCT_BLOCK: 4,
  MSG_WTX: 5,
  MSG_WITNESS_BLOCK: 0x40000002,
  MSG_WITNESS_TX: 0x40000001,
  MSG_FILTERED_WITNESS_BLOCK: 0x40000003,
} as const;
/** Core's MSG_WITNESS_FLAG. */
export const MSG_WITNESS_FLAG = 0x40000000;

export interface InvVector {
  /** uint32; any value decodes (Core ignores types it does not know). */
  type: number;
  /** 32 bytes, internal byte order. */
  hash: Uint8Array;
}

export interface LocatorPayload {
  version: number;
  /** Block hashes, internal order, tip first (at most MAX_LOCATOR_SZ). */
  locator: Uint8Array[];
  /** All zeros: as many as allowed. */
  hashStop: Uint8Array;
}

export interface SendCmpctPayload {
  /** BIP152 high-bandwidth mode requested. */
  announce: boolean;
  version: bigint;
}

export interface SendTxRcnclPayload {
  /** BIP330 reconciliation protocol version. */
  version: number;
  salt: bigint;
}

/** The payload type of every command this package encodes and decodes. */
export interface P2PPayloads {
  version: VersionPayload;
  verack: null;
  wtxidrelay: null;
  sendaddrv2: null;
  sendheaders: null;
  mempool: null;
  getaddr: null;
  addr: AddrEntry[];
  addrv2: AddrV2Entry[];
  sendcmpct: SendCmpctPayload;
  /** Satoshis per kvB (int64). */
  feefilter: bigint;
  ping: bigint;
  pong: bigint;
  inv: InvVector[];
  getdata: InvVector[];
  notfound: InvVector[];
  getheaders: LocatorPayload;
  getblocks: LocatorPayload;
  headers: BlockHeader[];
  block: Block;
  tx: Transaction;
  sendtxrcncl: SendTxRcnclPayload;
  /** BIP330 reconciliation (codecs in src/erlay/messages.ts). */
  reqrecon: ReqRecon;
  /** The serialized minisketch (whole 32-bit syndromes). */
  sketch: Uint8Array;
  reqsketchext: null;
  reconcildiff: ReconcilDiff;
  /** BIP152 (codecs in src/bip152/). */
  cmpctblock: CmpctBlock;
  getblocktxn: GetBlockTxn;
  blocktxn: BlockTxn;
}

export type P2PCommand = keyof P2PPayloads;

/** A decoded message: the discriminated union of `{command, payload}` over every command. */
export type P2PMessage = {
  [C in P2PCommand]: { command: C; payload: P2PPayloads[C] };
}[P2PCommand];

/** The message of one command. */
export type P2PMessageOf<C extends P2PCommand> = Extract<P2PMessage, { command: C }>;
