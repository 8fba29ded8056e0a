import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Block } from '@keel/bitcoin';
import { hashFromHex, type NetworkName } from '@keel/bitcoin/consensus';
import { defaultPorts } from '@keel/bitcoin-p2p';
import type { Secp256k1Backend } from '@keel/crypto';
import { type Logger, nullLogger } from '@keel/util';
import { ChainManager } from '../chain/chainManager.ts';
import { NodeError, NodeErrorCode } from '../chain/errors.ts';
import { policyMempoolFromChain } from '../mempool/nodeMempool.ts';
import type { RpcContext } from '../rpc/context.ts';
import { RpcServer } from '../rpc/server.ts';
import type { ErlayOptions } from './erlayRelay.ts';
import { PeerManager } from './peerManager.ts';
import type { NodeMempool } from './txPool.ts';

/** Core's default RPC ports. */
export const defaultRpcPorts: Readonly<Record<NetworkName, number>> = {
  main: 8332,
  test: 18332,
  testnet4: 48332,
  signet: 38332,
  regtest: 18443,
};

/** Core's per-network data folder under -datadir (main uses the datadir itself). */
export function networkDataDir(datadir: string, network: NetworkName): string {
  const sub = {
    main: '',
    test: 'testnet3',
    testnet4: 'testnet4',
    signet: 'signet',
    regtest: 'regtest',
  }[network];
  return sub ? join(datadir, sub) : datadir;
}

export interface BitcoinNodeOptions {
  network: NetworkName;
  /** Core's -datadir; the network's data lives in `networkDataDir(datadir, network)`. */
  datadir: string;
  listen?: boolean;
  bind?: string;
  port?: number;
  connect?: readonly string[];
  addnode?: readonly string[];
  v2transport?: boolean;
  /** BIP330 Erlay transaction reconciliation (off by default; `keel bitcoin node --erlay`). */
  erlay?: false | ErlayOptions;
  /** RPC server; false for none. Without user/password a `.cookie` is written. */
  rpc?: false | { port?: number; host?: string; user?: string; password?: string };
  /** Core's -assumevalid (display-order hex); '0' disables. */
  assumeValid?: string;
  dbcacheMB?: number;
  workers?: number;
  /** Core's -maxtipage (seconds): IBD ends once the tip is this recent. Default 24 h; regtest: never IBD. */
  maxTipAgeSeconds?: number;
  secp?: Secp256k1Backend;
  /** Wall clock (ms), randomness and nonces are inputs; defaults are the system's. */
  now?: () => number;
  random?: () => number;
  logger?: Logger;
  /** The pool implementation (default: Core's policy, `../mempool/`; `TxPool` checks consensus only). */
  mempool?: (chain: ChainManager, secp: Secp256k1Backend, now: () => number) => NodeMempool;
  retryMs?: number;
  /** Core's BLOCK_DOWNLOAD_WINDOW (default 1024; tests shrink it to exercise stalling). */
  downloadWindow?: number;
  /** Progress lines during IBD (every `progressMs`, default 5 s). */
  onProgress?: (p: {
    height: number;
    headers: number;
    peers: number;
    blocksPerSecond: number;
  }) => void;
  progressMs?: number;
}

/**
 * `keel bitcoin node`: the chain manager, a mempool, the P2P layer and the JSON-RPC server in
 * one process. `stop()` (SIGINT, RPC `stop`) closes sockets, then flushes the chainstate and the
 * block index so a restart resumes where it stopped.
 */
export class BitcoinNode {
  chain!: ChainManager;
  mempool!: NodeMempool;
  peers: PeerManager | undefined;
  rpc: RpcServer | undefined;
  readonly dataDir: string;
  readonly startedAt: number;
  private ibdDone = false;
  private stopping: Promise<void> | undefined;
  private resolveStopped!: () => void;
  /** Resolves once the node has stopped (by `stop()` or the RPC). */
  readonly stopped: Promise<void>;
  private progressTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(readonly o: BitcoinNodeOptions) {
    this.now = o.now ?? Date.now;
    this.log = o.logger ?? nullLogger;
    this.dataDir = networkDataDir(o.datadir, o.network);
    this.startedAt = this.now();
    this.stopped = new Promise((r) => {
      this.resolveStopped = r;
    });
  }

  async start(): Promise<void> {
    const o = this.o;
    try {
      mkdirSync(this.dataDir, { recursive: true });
    } catch (e) {
      throw new NodeError(
        NodeErrorCode.CONFIG,
        `cannot create ${this.dataDir}: ${(e as NodeJS.ErrnoException).code}`,
      );
    }
    const assumeValid =
      o.assumeValid && o.assumeValid !== '0' ? parseAssumeValid(o.assumeValid) : undefined;
    this.chain = await ChainManager.open({
      datadir: this.dataDir,
      network: o.network,
      assumeValid,
      now: this.now,
      logger: this.log,
      ...(o.dbcacheMB === undefined ? {} : { dbcacheMB: o.dbcacheMB }),
      ...(o.workers === undefined ? {} : { workers: o.workers }),
      ...(o.secp ? { secp: o.secp } : {}),
    });
    this.mempool = (o.mempool ?? ((c, s, n) => policyMempoolFromChain(c, s, n)))(
      this.chain,
      this.chain.secp,
      this.now,
    );
    this.wireMempool();
    const random = o.random ?? (() => randomBytes(4).readUInt32LE() / 2 ** 32);
    if (o.listen !== false || (o.connect?.length ?? 0) > 0 || (o.addnode?.length ?? 0) > 0) {
      this.peers = new PeerManager({
        network: o.network,
        chain: this.chain,
        mempool: this.mempool,
        listen: o.listen !== false,
        port: o.port ?? defaultPorts[o.network],
        connect: o.connect ?? [],
        addnode: o.addnode ?? [],
        v2transport: o.v2transport ?? false,
        ...(o.erlay ? { erlay: o.erlay } : {}),
        now: this.now,
        random,
        nonce: () => randomBytes(8).readBigUInt64LE(),
        isInitialBlockDownload: () => this.isInitialBlockDownload(),
        logger: this.log,
        ...(o.bind ? { bind: o.bind } : {}),
        randomBytes: (n) => new Uint8Array(randomBytes(n)),
        ...(o.retryMs === undefined ? {} : { retryMs: o.retryMs }),
        ...(o.downloadWindow === undefined ? {} : { downloadWindow: o.downloadWindow }),
      });
      await this.peers.start();
    }
    if (o.rpc !== false) {
      const r = o.rpc ?? {};
      this.rpc = new RpcServer(
        {
          port: r.port ?? defaultRpcPorts[o.network],
          cookieDir: this.dataDir,
          logger: this.log,
          ...(r.host ? { host: r.host } : {}),
          ...(r.user !== undefined ? { user: r.user } : {}),
          ...(r.password !== undefined ? { password: r.password } : {}),
        },
        this.rpcContext(),
      );
      await this.rpc.start();
    }
    this.startProgress();
    this.log.info(
      {
        network: o.network,
        height: this.chain.height,
        datadir: this.dataDir,
        p2p: this.peers?.listenPort,
        rpc: this.rpc?.port,
      },
      'node started',
    );
    // blocks stored before a crash but not yet connected
    await this.chain.activate();
  }

  private wireMempool(): void {
    const disconnected: Block[] = [];
    this.chain.subscribe({
      connected: (b) => this.mempool.blockConnected(b),
      disconnected: (b) => disconnected.push(b),
      // transactions of disconnected blocks come back once the reorg is complete
      tip: () => {
        for (const b of disconnected.splice(0)) this.mempool.blockDisconnected(b);
      },
    });
  }

  rpcContext(): RpcContext {
    return {
      chain: this.chain,
      mempool: this.mempool,
      net: this.peers,
      now: this.now,
      startedAt: this.startedAt,
      stop: () => {
        if (this.rpc) this.rpc.whenReplied(() => void this.stop());
        else void this.stop();
      },
      isInitialBlockDownload: () => this.isInitialBlockDownload(),
      sizeOnDisk: () =>
        dirSize(join(this.dataDir, 'blocks')) + dirSize(join(this.dataDir, 'chainstate')),
    };
  }

  /** Core's IsInitialBlockDownload: until the tip is recent (latched once false). */
  isInitialBlockDownload(): boolean {
    if (this.ibdDone) return false;
    const maxAge =
      this.o.maxTipAgeSeconds ??
      (this.o.network === 'regtest' ? Number.POSITIVE_INFINITY : 24 * 3600);
    if (this.chain.tip.header.time < Math.floor(this.now() / 1000) - maxAge) return true;
    this.ibdDone = true;
    return false;
  }

  private startProgress(): void {
    let last = { t: this.now(), h: this.chain.height };
    this.progressTimer = setInterval(() => {
      const c = this.chain;
      const now = this.now();
      if (c.height < c.bestHeader.height || c.height !== last.h) {
        const bps = ((c.height - last.h) * 1000) / Math.max(1, now - last.t);
        const peers = this.peers?.connectionCount();
        const p = {
          height: c.height,
          headers: c.bestHeader.height,
          peers: (peers?.inbound ?? 0) + (peers?.outbound ?? 0),
          blocksPerSecond: bps,
        };
        if (this.o.onProgress) this.o.onProgress(p);
        else if (c.height < c.bestHeader.height) this.log.info(p, 'syncing');
      }
      last = { t: now, h: c.height };
    }, this.o.progressMs ?? 5000);
    this.progressTimer.unref();
  }

  /** Clean shutdown: RPC and sockets closed, then the chainstate and index flushed. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.progressTimer) clearInterval(this.progressTimer);
      await this.rpc?.stop();
      await this.peers?.stop();
      await this.chain?.close();
      this.log.info({ height: this.chain?.height }, 'node stopped');
      this.resolveStopped();
    })();
    return this.stopping;
  }
}

function parseAssumeValid(hex: string): Uint8Array {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new NodeError(
      NodeErrorCode.CONFIG,
      `assumevalid must be a 64-hex block hash, got '${hex}'`,
    );
  }
  return hashFromHex(hex);
}

function dirSize(dir: string): number {
  let n = 0;
  try {
    for (const f of readdirSync(dir)) n += statSync(join(dir, f)).size;
  } catch {
    return n;
  }
  return n;
}
