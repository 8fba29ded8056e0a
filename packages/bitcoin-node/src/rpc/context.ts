import type { Block, Transaction } from '@keel/bitcoin';
import type { ChainManager } from '../chain/chainManager.ts';
import type { ErlayPeerInfo } from '../node/erlayRelay.ts';
import type { NodeMempool } from '../node/txPool.ts';
import type { MethodSpec } from './params.ts';

/** What `getpeerinfo` reports per peer (Core's field names). */
export interface RpcPeerInfo {
  id: number;
  addr: string;
  addrlocal?: string;
  network: string;
  services: string;
  servicesnames: string[];
  relaytxes: boolean;
  lastsend: number;
  lastrecv: number;
  bytessent: number;
  bytesrecv: number;
  conntime: number;
  pingtime?: number;
  version: number;
  subver: string;
  inbound: boolean;
  startingheight: number;
  synced_headers: number;
  synced_blocks: number;
  connection_type: string;
  transport_protocol_type: 'v1' | 'v2';
  session_id: string;
  bip152_hb_to: boolean;
  bip152_hb_from: boolean;
  /** BIP330 state of the link; present when the node runs with Erlay (`--erlay`). */
  txreconciliation?: ErlayPeerInfo;
}

/** The node's networking as the RPC sees it (implemented by the node; absent without P2P). */
export interface NetControl {
  peers(): RpcPeerInfo[];
  connectionCount(): { inbound: number; outbound: number };
  /** Core's addnode add|remove|onetry; throws RpcError with Core's codes. */
  addNode(address: string, command: 'add' | 'remove' | 'onetry'): Promise<void> | void;
  /** By address or id; false when no such peer. */
  disconnect(target: { address?: string; id?: number }): boolean;
  localServices(): bigint;
  listening(): boolean;
  /** Sends a transaction's inv to peers (after it entered the pool). */
  relayTransaction(tx: Transaction): void;
  /** Announces a new block (after it became the tip). */
  announceBlock(block: Block): void;
  /** Bytes for getnettotals-style counters. */
  subversion: string;
}

export interface RpcContext {
  chain: ChainManager;
  mempool: NodeMempool;
  net: NetControl | undefined;
  /** Wall clock in ms (injected). */
  now(): number;
  startedAt: number;
  /** Ends the process (the node's clean shutdown). */
  stop(): void;
  /** Whether the node is still in initial block download (Core's IsInitialBlockDownload). */
  isInitialBlockDownload(): boolean;
  /** Size of the blocks and chainstate folders. */
  sizeOnDisk(): number;
}

export type RpcHandler = (args: unknown[], ctx: RpcContext) => unknown | Promise<unknown>;

export interface RpcMethod {
  spec: MethodSpec;
  run: RpcHandler;
}
