import { createServer, isIP, connect as netConnect, type Server, type Socket } from 'node:net';
import {
  type Block,
  type BlockHeader,
  blockHash as blockHashOfHeader,
  encodeBlock,
  encodeTransaction,
  hashToHex,
  type Transaction,
  txid,
  wtxid,
} from '@keel/bitcoin';
import type { NetworkName } from '@keel/bitcoin/consensus';
import {
  InvType,
  type InvVector,
  MAX_HEADERS_RESULTS,
  networkMagic,
  type P2PMessage,
  type P2PMessageOf,
  type PeerInfo,
  PROTOCOL_VERSION,
  SENDHEADERS_VERSION,
  ServiceFlags,
} from '@keel/bitcoin-p2p';
import type { BlockIndexEntry } from '@keel/bitcoin-store';
import { bytesToHex, type Logger, nullLogger } from '@keel/util';
import type { ChainManager } from '../chain/chainManager.ts';
import { NodeError, NodeErrorCode } from '../chain/errors.ts';
import type { NetControl, RpcPeerInfo } from '../rpc/context.ts';
import { serviceNames } from '../rpc/control.ts';
import { RpcError, RpcErrorCode } from '../rpc/errors.ts';
import { CompactRelay, type CompactStats } from './compactRelay.ts';
import { Connection } from './connection.ts';
import { type ErlayOptions, ErlayRelay, type ErlayStats } from './erlayRelay.ts';
import { createTransport, type Transport } from './transport.ts';
import type { NodeMempool } from './txPool.ts';

/** Core's limits and timers (net_processing.cpp / net.h), see LIMITS.md. */
export const P2P_LIMITS = {
  /** MAX_BLOCKS_IN_TRANSIT_PER_PEER */
  blocksInFlightPerPeer: 16,
  /** BLOCK_DOWNLOAD_WINDOW */
  downloadWindow: 1024,
  /** BLOCK_STALLING_TIMEOUT_DEFAULT; doubles per stall up to BLOCK_STALLING_TIMEOUT_MAX (64 s) */
  stallTimeoutMs: 2_000,
  stallTimeoutMaxMs: 64_000,
  /** BLOCK_DOWNLOAD_TIMEOUT_BASE: a requested block must arrive within 10 minutes */
  blockDownloadTimeoutMs: 10 * 60_000,
  /** DEFAULT_MAX_PEER_CONNECTIONS */
  maxConnections: 125,
  /** INBOUND/OUTBOUND_INVENTORY_BROADCAST_INTERVAL: Poisson means of the tx trickle */
  inboundTrickleMs: 5_000,
  outboundTrickleMs: 2_000,
  /** INVENTORY_BROADCAST_MAX per trickle */
  invBroadcastMax: 1_000,
  /** MAX_BLOCKS_TO_ANNOUNCE by headers before falling back to inv */
  maxBlocksToAnnounce: 8,
  /** MAX_NUM_UNCONNECTING_HEADERS_MSGS */
  maxUnconnectingHeaders: 10,
  /** orphan transactions kept (Core's DEFAULT_MAX_ORPHAN_TRANSACTIONS) */
  maxOrphans: 100,
  /** txids/wtxids remembered per peer as known (cleared past this) */
  maxKnownTx: 50_000,
} as const;

export interface PeerManagerOptions {
  network: NetworkName;
  chain: ChainManager;
  mempool: NodeMempool;
  listen: boolean;
  /** Bind address for the listener (default 0.0.0.0). */
  bind?: string;
  port: number;
  /** Core's -connect: only these peers, reconnected when they drop. */
  connect: readonly string[];
  /** Core's -addnode: kept connected besides any others. */
  addnode: readonly string[];
  /** Offer and try BIP324 v2 transport (falls back to v1). */
  v2transport: boolean;
  /** Wall clock in ms (injected). */
  now: () => number;
  /** Uniform in [0, 1) (injected; the Poisson trickle). */
  random: () => number;
  /** Uniform 64-bit (injected; version and ping nonces). */
  nonce: () => bigint;
  /** Is the node in initial block download (no tx relay, no announcements). */
  isInitialBlockDownload: () => boolean;
  /** Randomness for BIP324 keys and garbage (injected). */
  randomBytes: (n: number) => Uint8Array;
  maxConnections?: number;
  /** Blocks ahead of the tip that may be requested (Core's BLOCK_DOWNLOAD_WINDOW, 1024). */
  downloadWindow?: number;
  /** Reconnect interval of -connect/-addnode peers (Core: 60 s; lower in tests). */
  retryMs?: number;
  userAgent?: string;
  logger?: Logger;
  /** BIP330 Erlay: negotiate reconciliation (sendtxrcncl) and relay by it (see erlayRelay.ts). */
  erlay?: false | ErlayOptions;
}

interface PeerState {
  conn: Connection;
  info?: PeerInfo;
  bestKnown?: BlockIndexEntry;
  inflight: Map<string, number>;
  knownTx: Set<string>;
  txQueue: Map<string, Transaction>;
  nextInv: number;
  unconnecting: number;
  stallingSince?: number;
  lastAnnounced?: BlockIndexEntry;
  addnode?: string;
  /** Genesis..bestKnown by height (see `pathTo`). */
  path?: BlockIndexEntry[];
  /** getblocks: the block whose request triggers an inv of our tip. */
  hashContinue?: string | undefined;
  syncedHeaders: number;
  syncedBlocks: number;
}

const key = (h: Uint8Array) => bytesToHex(h);
/** Blocks asked for per getdata once the pipeline is running (fewer syscalls). */
const GETDATA_BATCH = 4;
/** Core's getblocks answer limit. */
const GETBLOCKS_LIMIT = 500;

function splitHostPort(s: string, defaultPort: number): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s) ?? /^([^:]+)(?::(\d+))?$/.exec(s);
  if (!m) throw new NodeError(NodeErrorCode.CONFIG, `bad peer address '${s}' (host:port)`);
  const port = m[2] ? Number(m[2]) : defaultPort;
  if (!(port > 0 && port < 65536)) throw new NodeError(NodeErrorCode.CONFIG, `bad port in '${s}'`);
  return { host: m[1]!, port };
}

/**
 * Sockets and the protocol logic above E's per-peer state machine: listener and outbound
 * connections, headers-first sync, parallel block download in a moving window with stalling
 * detection, block announcements by headers, transaction relay with Poisson-delayed trickling.
 */
export class PeerManager implements NetControl {
  readonly subversion: string;
  private server: Server | undefined;
  private readonly conns = new Map<number, PeerState>();
  private readonly inflight = new Map<string, { peer: number; at: number }>();
  private readonly added = new Map<string, { lastTry: number; peer?: number; oneTry?: boolean }>();
  private readonly orphans = new Map<string, { tx: Transaction; from: number }>();
  private readonly discouraged = new Set<string>();
  /** Peers that dropped our v2 handshake: retried with v1 (Core's V2 → V1 reconnect). */
  private readonly v1Only = new Set<string>();
  private nextId = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastSecond = 0;
  private stopped = false;
  private readonly log: Logger;
  private readonly ownNonces = new Set<bigint>();
  private readonly compact: CompactRelay;
  /** Core's m_block_stalling_timeout: doubles per staller dropped, decays back on deliveries. */
  private stallTimeout: number = P2P_LIMITS.stallTimeoutMs;
  private unsubscribe: (() => void) | undefined;
  private readonly erlay: ErlayRelay | undefined;

  constructor(private readonly o: PeerManagerOptions) {
    this.log = o.logger ?? nullLogger;
    if (o.erlay) {
      this.erlay = new ErlayRelay(
        o.erlay,
        {
          send: (id, msg) => this.conns.get(id)?.conn.send(msg),
          announce: (id, wtxids) => this.announceNow(id, wtxids),
          disconnect: (id, reason) => this.conns.get(id)?.conn.close(reason),
        },
        o.nonce,
      );
    }
    this.subversion = o.userAgent ?? '/keel:0.1.0/';
    for (const a of [...o.connect, ...o.addnode]) this.added.set(a, { lastTry: 0 });
    this.compact = new CompactRelay(
      o.chain,
      o.mempool,
      o.nonce,
      (p, block) => this.onBlock(p as PeerState, block, true),
      this.log,
    );
  }

  get chain(): ChainManager {
    return this.o.chain;
  }

  /** BIP152 counters (tests and the bench read them). */
  get compactStats(): Readonly<CompactStats> {
    return this.compact.stats;
  }

  /** BIP330 counters (undefined when Erlay is off). */
  get erlayStats(): Readonly<ErlayStats> | undefined {
    return this.erlay?.stats;
  }

  localServices(): bigint {
    let s = ServiceFlags.NODE_NETWORK | ServiceFlags.NODE_WITNESS;
    if (this.o.v2transport) s |= ServiceFlags.NODE_P2P_V2;
    return s;
  }

  listening(): boolean {
    return this.server !== undefined;
  }

  get listenPort(): number {
    const a = this.server?.address();
    return typeof a === 'object' && a ? a.port : this.o.port;
  }

  async start(): Promise<void> {
    if (this.o.listen) {
      const server = createServer((s) => this.accept(s));
      this.server = server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', (e) =>
          reject(
            new NodeError(
              NodeErrorCode.NET,
              `cannot listen on port ${this.o.port}: ${(e as NodeJS.ErrnoException).code}`,
            ),
          ),
        );
        server.listen(this.o.port, this.o.bind ?? '0.0.0.0', () => resolve());
      });
    }
    this.unsubscribe = this.chain.subscribe({ tip: (e) => this.onTip(e) });
    this.timer = setInterval(() => this.tick(), 100);
    this.connectAdded();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    for (const p of this.conns.values()) p.conn.close('shutdown');
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  // ---- connections ---------------------------------------------------------------------

  private transport(inbound: boolean, v2: boolean): Transport {
    const magic = networkMagic(this.o.network);
    return createTransport({ inbound, magic, v2, randomBytes: this.o.randomBytes });
  }

  private accept(socket: Socket): void {
    const ip = socket.remoteAddress ?? '';
    if (
      this.stopped ||
      this.conns.size >= (this.o.maxConnections ?? P2P_LIMITS.maxConnections) ||
      this.discouraged.has(ip)
    ) {
      socket.destroy();
      return;
    }
    this.open(socket, true, `${ip}:${socket.remotePort}`, undefined, this.o.v2transport);
  }

  private open(
    socket: Socket,
    inbound: boolean,
    address: string,
    addnode?: string,
    v2 = this.o.v2transport,
  ): PeerState {
    const id = this.nextId++;
    const conn = new Connection(
      id,
      socket,
      this.transport(inbound, v2),
      networkMagic(this.o.network),
      inbound,
      address,
      {
        services: this.localServices(),
        userAgent: this.subversion,
        startHeight: () => this.chain.height,
        relay: true,
        nonce: () => {
          const n = this.o.nonce();
          this.ownNonces.add(n);
          if (this.ownNonces.size > 1000)
            this.ownNonces.delete(this.ownNonces.values().next().value!);
          return n;
        },
        isOwnNonce: (n) => this.ownNonces.has(n),
        // BIP152: sendcmpct(false, 2) after verack; high-bandwidth is asked for later
        compactBlocks: true,
        // BIP330: our sendtxrcncl (a fresh salt per connection), sent before verack
        ...(this.erlay ? { txReconciliation: this.erlay.preRegister(id) } : {}),
      },
      {
        handshake: (c, info) => this.onHandshake(c, info),
        message: (c, m) => this.onMessage(c, m),
        closed: (c, reason, discourage) => this.onClosed(c, reason, discourage),
      },
      this.o.now,
      this.log,
    );
    const p: PeerState = {
      conn,
      inflight: new Map(),
      knownTx: new Set(),
      txQueue: new Map(),
      nextInv: 0,
      unconnecting: 0,
      syncedHeaders: -1,
      syncedBlocks: -1,
      ...(addnode ? { addnode } : {}),
    };
    this.conns.set(id, p);
    return p;
  }

  /** Dials an address; resolves once connected (or rejects). */
  private dial(address: string): Promise<PeerState> {
    const { host, port } = splitHostPort(address, this.o.port);
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host, port });
      const fail = (e: Error) => {
        socket.destroy();
        reject(
          new NodeError(
            NodeErrorCode.NET,
            `cannot connect to ${address}: ${(e as NodeJS.ErrnoException).code ?? e.message}`,
          ),
        );
      };
      socket.setTimeout(5000, () => fail(new NodeError(NodeErrorCode.NET, 'timeout')));
      socket.once('error', fail);
      socket.once('connect', () => {
        socket.setTimeout(0);
        socket.removeListener('error', fail);
        if (this.stopped) {
          socket.destroy();
          reject(new NodeError(NodeErrorCode.STOPPED, 'node stopping'));
          return;
        }
        const v2 = this.o.v2transport && !this.v1Only.has(address);
        resolve(this.open(socket, false, address, address, v2));
      });
    });
  }

  private connectAdded(): void {
    const now = this.o.now();
    const retry = this.o.retryMs ?? 60_000;
    for (const [addr, a] of this.added) {
      if (a.peer !== undefined && this.conns.has(a.peer)) continue;
      if (a.lastTry && now - a.lastTry < retry) continue;
      a.lastTry = now;
      this.dial(addr).then(
        (p) => {
          a.peer = p.conn.id;
          if (a.oneTry) this.added.delete(addr);
        },
        (e) => {
          this.log.debug({ addr, err: (e as Error).message }, 'outbound connection failed');
          if (a.oneTry) this.added.delete(addr);
        },
      );
    }
  }

  private onClosed(c: Connection, reason: string, discourage: boolean): void {
    const p = this.conns.get(c.id);
    this.conns.delete(c.id);
    if (!p) return;
    this.log.info({ peer: c.id, addr: c.address, reason }, 'peer disconnected');
    for (const k of p.inflight.keys()) this.inflight.delete(k);
    this.compact.forget(c.id);
    this.erlay?.forget(c.id);
    if (!c.inbound && !p.info && c.transport.version === 'v2' && p.addnode && !this.stopped) {
      this.log.info({ addr: p.addnode }, 'v2 handshake failed; reconnecting with v1');
      this.v1Only.add(p.addnode);
      const a = this.added.get(p.addnode);
      if (a) a.lastTry = 0;
    }
    const ip = c.socket.remoteAddress ?? '';
    // Core does not punish local peers (it only disconnects them)
    if (discourage && ip && !isLoopback(ip)) this.discouraged.add(ip);
    if (!this.stopped) this.scheduleAll();
  }

  private onHandshake(c: Connection, info: PeerInfo): void {
    const p = this.conns.get(c.id);
    if (!p) return;
    p.info = info;
    if (this.erlay?.register(c.id, info, this.o.now())) {
      this.log.debug({ peer: c.id }, 'txreconciliation negotiated');
    }
    this.log.info(
      {
        peer: c.id,
        addr: c.address,
        version: info.version,
        subver: info.userAgent,
        height: info.startHeight,
      },
      'peer connected',
    );
    if (info.commonVersion >= SENDHEADERS_VERSION)
      c.send({ command: 'sendheaders', payload: null });
    this.getHeaders(p, this.chain.bestHeader);
  }

  private getHeaders(
    p: PeerState,
    from: BlockIndexEntry,
    stop: Uint8Array = new Uint8Array(32),
  ): void {
    p.conn.send({
      command: 'getheaders',
      payload: { version: PROTOCOL_VERSION, locator: this.chain.locator(from), hashStop: stop },
    });
  }

  // ---- messages ------------------------------------------------------------------------

  private async onMessage(c: Connection, m: P2PMessage): Promise<void> {
    const p = this.conns.get(c.id);
    if (!p) return;
    switch (m.command) {
      case 'headers':
        return this.onHeaders(p, m.payload);
      case 'block':
        return this.onBlock(p, m.payload);
      case 'inv':
        return this.onInv(p, m.payload);
      case 'getheaders':
        return this.onGetHeaders(p, m);
      case 'getdata':
        return this.onGetData(p, m.payload);
      case 'tx':
        return this.onTx(p, m.payload);
      case 'getblocks':
        return this.onGetBlocks(p, m);
      case 'cmpctblock':
        return this.compact.onCmpctBlock(p, m.payload);
      case 'blocktxn':
        return this.compact.onBlockTxn(p, m.payload);
      case 'getblocktxn':
        return this.compact.onGetBlockTxn(p, m.payload);
      case 'notfound':
      case 'addr':
      case 'addrv2':
      case 'getaddr':
      case 'sendcmpct':
        return;
      case 'mempool':
        for (const e of this.o.mempool.entries()) this.queueTx(p, e.tx);
        return;
      case 'reqrecon':
      case 'sketch':
      case 'reqsketchext':
      case 'reconcildiff':
        if (!this.erlay) return; // we did not offer it: ignored, as an unknown message
        return this.erlay.onMessage(c.id, m);
      default:
        return;
    }
  }

  private onHeaders(p: PeerState, headers: BlockHeader[]): void {
    if (headers.length === 0) return;
    const r = this.chain.acceptHeaders(headers);
    const last = r.accepted.at(-1);
    if (last && (!p.bestKnown || last.chainWork > p.bestKnown.chainWork)) p.bestKnown = last;
    if (last) p.syncedHeaders = Math.max(p.syncedHeaders, last.height);
    if (r.error) {
      if (r.error.orphan && r.accepted.length === 0) {
        // Core: headers that do not connect — ask for the chain up to them, a few times
        if (++p.unconnecting > P2P_LIMITS.maxUnconnectingHeaders) {
          p.conn.misbehaving('too many unconnecting headers');
          return;
        }
        this.getHeaders(p, this.chain.bestHeader);
        return;
      }
      p.conn.misbehaving(`invalid header received: ${r.error.reason}`);
      return;
    }
    p.unconnecting = 0;
    if (headers.length === MAX_HEADERS_RESULTS && last) this.getHeaders(p, last);
    this.fetchBlocks(p);
  }

  private async onBlock(p: PeerState, block: Block, viaCompact = false): Promise<void> {
    const hash = this.blockHashOf(block);
    const k = key(hash);
    const requested = p.inflight.has(k) || viaCompact;
    const before = this.chain.tip;
    if (requested) {
      p.inflight.delete(k);
      this.inflight.delete(k);
      p.stallingSince = undefined;
      if (this.stallTimeout > P2P_LIMITS.stallTimeoutMs) {
        this.stallTimeout = Math.max(P2P_LIMITS.stallTimeoutMs, this.stallTimeout * 0.85);
      }
    }
    const r = await this.chain.acceptBlock(block, { requested });
    if (r.status === 'invalid') {
      p.conn.misbehaving(`invalid block ${hashToHex(hash)}: ${r.reason}`);
    } else if (r.status === 'orphan') {
      this.getHeaders(p, this.chain.bestHeader);
    } else if ('entry' in r) {
      if (!p.bestKnown || r.entry.chainWork > p.bestKnown.chainWork) p.bestKnown = r.entry;
      p.syncedBlocks = Math.max(p.syncedBlocks, r.entry.height);
      // this peer gave us a new tip: BIP152 high-bandwidth candidate (not during IBD, as Core)
      if (
        r.status === 'accepted' &&
        this.chain.tip !== before &&
        !this.o.isInitialBlockDownload()
      ) {
        this.compact.newBlockFrom(p, this.conns);
      }
    }
    this.scheduleAll();
  }

  private blockHashOf(block: Block): Uint8Array {
    return blockHashOfHeader(block.header);
  }

  private onInv(p: PeerState, inv: InvVector[]): void {
    const ask: InvVector[] = [];
    for (const v of inv) {
      const t = v.type & ~0x40000000;
      if (t === InvType.MSG_BLOCK) {
        const e = this.chain.index.getByHash(v.hash);
        if (!e) this.getHeaders(p, this.chain.bestHeader, v.hash);
        else if (!p.bestKnown || e.chainWork > p.bestKnown.chainWork) p.bestKnown = e;
      } else if (t === InvType.MSG_TX || t === InvType.MSG_WTX) {
        const k = key(v.hash);
        this.rememberTx(p, k);
        if (t === InvType.MSG_WTX) this.erlay?.known(p.conn.id, v.hash);
        if (this.o.isInitialBlockDownload() || this.o.mempool.get(k)) continue;
        ask.push({
          type: t === InvType.MSG_WTX ? InvType.MSG_WTX : InvType.MSG_WITNESS_TX,
          hash: v.hash,
        });
      }
    }
    if (ask.length) p.conn.send({ command: 'getdata', payload: ask });
    this.fetchBlocks(p);
  }

  private onGetHeaders(p: PeerState, m: P2PMessageOf<'getheaders'>): void {
    const { locator, hashStop } = m.payload;
    const stopKey = key(hashStop);
    let e: BlockIndexEntry | undefined;
    if (locator.length === 0) {
      // Core: an empty locator asks for the one header named by hashStop
      const s = this.chain.index.getByHash(hashStop);
      if (s && s.height >= 0) p.conn.send({ command: 'headers', payload: [s.header] });
      return;
    }
    e = this.chain.findFork(locator);
    const out: BlockHeader[] = [];
    for (let h = e.height + 1; h <= this.chain.height && out.length < MAX_HEADERS_RESULTS; h++) {
      const a = this.chain.atHeight(h)!;
      out.push(a.header);
      if (a.key === stopKey) break;
    }
    // what we sent counts as announced: later tips go out as headers from there
    if (out.length) p.lastAnnounced = this.chain.atHeight(e.height + out.length);
    p.conn.send({ command: 'headers', payload: out });
  }

  /**
   * Core's getblocks: inv of up to 500 active-chain blocks after the fork with the locator;
   * when cut at the limit, the peer's getdata of the last one is answered with an inv of our
   * tip (hashContinue) so it asks again.
   */
  private onGetBlocks(p: PeerState, m: P2PMessageOf<'getblocks'>): void {
    const fork = this.chain.findFork(m.payload.locator);
    const stopKey = key(m.payload.hashStop);
    const inv: InvVector[] = [];
    for (let h = fork.height + 1; h <= this.chain.height; h++) {
      const e = this.chain.atHeight(h)!;
      if (e.key === stopKey) break;
      inv.push({ type: InvType.MSG_BLOCK, hash: e.hash });
      if (inv.length >= GETBLOCKS_LIMIT) {
        p.hashContinue = e.key;
        break;
      }
    }
    if (inv.length) p.conn.send({ command: 'inv', payload: inv });
  }

  private onGetData(p: PeerState, inv: InvVector[]): void {
    const notFound: InvVector[] = [];
    for (const v of inv) {
      if (p.hashContinue !== undefined && key(v.hash) === p.hashContinue) {
        p.hashContinue = undefined;
        queueMicrotask(() =>
          p.conn.send({
            command: 'inv',
            payload: [{ type: InvType.MSG_BLOCK, hash: this.chain.tip.hash }],
          }),
        );
      }
      const witness = (v.type & 0x40000000) !== 0 || v.type === InvType.MSG_WTX;
      const t = v.type & ~0x40000000;
      if (
        t === InvType.MSG_BLOCK ||
        t === InvType.MSG_CMPCT_BLOCK ||
        t === InvType.MSG_FILTERED_BLOCK
      ) {
        const e = this.chain.index.getByHash(v.hash);
        if (!e || !this.chain.haveData(e)) {
          notFound.push(v);
          continue;
        }
        if (t === InvType.MSG_CMPCT_BLOCK) {
          this.compact.serve(p, e);
          continue;
        }
        const raw = this.chain.readRawBlock(e);
        // MSG_BLOCK (no witness flag) gets the block without witness data (BIP144)
        p.conn.sendRaw('block', witness ? raw : encodeBlock(this.chain.readBlock(e), false));
      } else if (t === InvType.MSG_TX || t === InvType.MSG_WTX) {
        const e = this.o.mempool.get(key(v.hash));
        const match =
          e && (t === InvType.MSG_WTX ? key(e.wtxid) === key(v.hash) : key(e.txid) === key(v.hash));
        if (!e || !match) {
          notFound.push(v);
          continue;
        }
        p.conn.sendRaw('tx', encodeTransaction(e.tx, witness));
      }
    }
    if (notFound.length) p.conn.send({ command: 'notfound', payload: notFound });
  }

  private onTx(p: PeerState, tx: Transaction): void {
    const id = txid(tx);
    const wid = wtxid(tx);
    this.rememberTx(p, key(id));
    this.rememberTx(p, key(wid));
    const r = this.o.mempool.accept(tx);
    if (r.ok) {
      this.relayTransaction(tx);
      this.retryOrphans(id);
      return;
    }
    if (r.kind === 'missing-inputs') {
      this.addOrphan(tx, p.conn.id);
      this.compact.extra.add(tx);
      const parents = tx.inputs
        .map((i) => i.prevout.txid)
        .filter((t) => !this.o.mempool.get(key(t)))
        .map((hash) => ({ type: InvType.MSG_WITNESS_TX, hash }));
      if (parents.length) p.conn.send({ command: 'getdata', payload: parents });
      return;
    }
    if (r.kind !== 'known') this.compact.extra.add(tx, { txid: id, wtxid: wid });
    this.log.debug(
      { peer: p.conn.id, txid: hashToHex(id), reason: r.reason },
      'transaction rejected',
    );
  }

  private addOrphan(tx: Transaction, from: number): void {
    if (this.orphans.size >= P2P_LIMITS.maxOrphans) {
      // Core evicts a random orphan
      const keys = [...this.orphans.keys()];
      this.orphans.delete(keys[Math.floor(this.o.random() * keys.length)]!);
    }
    this.orphans.set(key(txid(tx)), { tx, from });
  }

  private retryOrphans(parent: Uint8Array): void {
    const queue = [parent];
    while (queue.length) {
      const pk = key(queue.shift()!);
      for (const [k, o] of this.orphans) {
        if (!o.tx.inputs.some((i) => key(i.prevout.txid) === pk)) continue;
        const r = this.o.mempool.accept(o.tx);
        if (r.ok || r.kind !== 'missing-inputs') this.orphans.delete(k);
        if (r.ok) {
          this.relayTransaction(o.tx);
          queue.push(r.entry.txid);
        }
      }
    }
  }

  private rememberTx(p: PeerState, k: string): void {
    if (p.knownTx.size >= P2P_LIMITS.maxKnownTx) p.knownTx.clear();
    p.knownTx.add(k);
  }

  // ---- block download ------------------------------------------------------------------

  private scheduleAll(): void {
    for (const p of this.conns.values()) if (p.conn.established) this.fetchBlocks(p);
  }

  /**
   * Core's FindNextBlocksToDownload: blocks on the path to the peer's best known header, from
   * our last common block, inside the moving window, not stored and not in flight. When the
   * window is full of blocks another peer has not delivered, that peer is the staller.
   */
  private fetchBlocks(p: PeerState): void {
    const chain = this.chain;
    const target = p.bestKnown;
    if (!p.conn.established || !target || target.invalid) return;
    if (target.chainWork <= chain.tip.chainWork) return;
    const free = P2P_LIMITS.blocksInFlightPerPeer - p.inflight.size;
    // refill in batches (one getdata per few blocks, not per block), unless nothing is in flight
    if (free <= 0 || (free < GETDATA_BATCH && p.inflight.size > 0)) return;
    const windowEnd = chain.height + (this.o.downloadWindow ?? P2P_LIMITS.downloadWindow);
    // the path to the target (cached per peer, extended when the target grows by a block),
    // walked from the fork with our active chain up to the end of the window
    const path = this.pathTo(p, target);
    let fork = Math.min(chain.height, target.height);
    while (fork > 0 && !chain.isActive(path[fork]!)) fork--;
    const last = Math.min(target.height, windowEnd);
    const want: InvVector[] = [];
    let blockedBy: number | undefined;
    for (let h = fork + 1; h <= last; h++) {
      const b = path[h]!;
      if (b.invalid) break;
      if (chain.haveData(b)) continue;
      const f = this.inflight.get(b.key);
      if (f) {
        if (blockedBy === undefined && f.peer !== p.conn.id) blockedBy = f.peer;
        continue;
      }
      // the next block, announced after IBD: ask for it compact (BIP152 low-bandwidth)
      const compact =
        p.info?.compact &&
        b === target &&
        b.parent === chain.tip &&
        !this.o.isInitialBlockDownload();
      want.push({
        type: compact ? InvType.MSG_CMPCT_BLOCK : InvType.MSG_WITNESS_BLOCK,
        hash: b.hash,
      });
      if (want.length >= free) break;
    }
    const now = this.o.now();
    for (const w of want) {
      const k = key(w.hash);
      p.inflight.set(k, now);
      this.inflight.set(k, { peer: p.conn.id, at: now });
    }
    if (want.length) p.conn.send({ command: 'getdata', payload: want });
    else if (blockedBy !== undefined && fork < last && target.height >= windowEnd) {
      // nothing left to ask for in the window, which another peer is holding up
      const s = this.conns.get(blockedBy);
      if (s && s.stallingSince === undefined) s.stallingSince = now;
    }
  }

  /** genesis..target by height, cached on the peer (one O(height) walk per new branch). */
  private pathTo(p: PeerState, target: BlockIndexEntry): BlockIndexEntry[] {
    const cached = p.path;
    if (cached && cached[target.height] === target) return cached;
    if (cached && target.parent && cached[target.height - 1] === target.parent) {
      cached.length = target.height;
      cached.push(target);
      return cached;
    }
    p.path = this.chain.index.chainTo(target);
    return p.path;
  }

  private checkTimeouts(now: number): void {
    for (const p of this.conns.values()) {
      if (p.stallingSince !== undefined && now - p.stallingSince > this.stallTimeout) {
        this.stallTimeout = Math.min(this.stallTimeout * 2, P2P_LIMITS.stallTimeoutMaxMs);
        this.log.warn(
          { peer: p.conn.id, addr: p.conn.address },
          'peer is stalling block download, disconnecting',
        );
        p.conn.close('stalling block download');
        continue;
      }
      for (const at of p.inflight.values()) {
        if (now - at > P2P_LIMITS.blockDownloadTimeoutMs) {
          p.conn.close('block download timeout');
          break;
        }
      }
    }
  }

  // ---- announcements and relay ---------------------------------------------------------

  private onTip(tip: BlockIndexEntry): void {
    if (this.o.isInitialBlockDownload()) return;
    for (const p of this.conns.values()) {
      if (!p.conn.established) continue;
      if (p.bestKnown && p.bestKnown.chainWork >= tip.chainWork) continue;
      this.announce(p, tip);
    }
  }

  private announce(p: PeerState, tip: BlockIndexEntry): void {
    const chain = this.chain;
    // headers from the last block the peer is known to have (or we sent) up to the tip
    const from = [p.bestKnown, p.lastAnnounced].filter(
      (x): x is BlockIndexEntry => !!x && chain.isActive(x),
    );
    const base = from.reduce<BlockIndexEntry | undefined>(
      (a, b) => (!a || b.height > a.height ? b : a),
      undefined,
    );
    const count = base ? tip.height - base.height : P2P_LIMITS.maxBlocksToAnnounce + 1;
    if (p.info?.compact?.announce && count === 1) {
      // BIP152 high-bandwidth: the peer asked for new blocks pushed compact
      p.conn.send({ command: 'cmpctblock', payload: this.compact.compactFor(tip) });
    } else if (p.info?.sendHeaders && count >= 1 && count <= P2P_LIMITS.maxBlocksToAnnounce) {
      const hs: BlockHeader[] = [];
      for (let h = base!.height + 1; h <= tip.height; h++) hs.push(chain.atHeight(h)!.header);
      p.conn.send({ command: 'headers', payload: hs });
    } else {
      p.conn.send({ command: 'inv', payload: [{ type: InvType.MSG_BLOCK, hash: tip.hash }] });
    }
    p.lastAnnounced = tip;
  }

  announceBlock(_block: Block): void {
    this.onTip(this.chain.tip);
  }

  /**
   * Queues a pool transaction to every peer that does not know it (sent at its next trickle).
   * With Erlay, a reconciling peer gets it flooded only when it is in the transaction's fanout
   * (or its set refuses it: short-id collision, full); the others get it in their reconciliation
   * set and learn it at the next round.
   */
  relayTransaction(tx: Transaction): void {
    const erlay = this.erlay;
    if (!erlay) {
      for (const p of this.conns.values()) this.queueTx(p, tx);
      return;
    }
    const wid = wtxid(tx);
    const fan = erlay.fanout(wid, (id) => {
      const p = this.conns.get(id);
      return !!p && this.wantsTx(p, tx);
    });
    for (const p of this.conns.values()) {
      if (!erlay.reconciles(p.conn.id)) this.queueTx(p, tx);
      else if (!this.wantsTx(p, tx)) continue;
      else if (fan.has(p.conn.id)) {
        erlay.noteFlooded();
        this.queueTx(p, tx);
      } else if (!erlay.add(p.conn.id, wid)) this.queueTx(p, tx);
    }
  }

  private wantsTx(p: PeerState, tx: Transaction): boolean {
    if (!p.conn.established || !p.info?.relay) return false;
    return !p.knownTx.has(key(txid(tx))) && !p.knownTx.has(key(wtxid(tx)));
  }

  /** BIP330: announce what a reconciliation round found the peer lacks (inv MSG_WTX, now). */
  private announceNow(id: number, wtxids: Uint8Array[]): number {
    const p = this.conns.get(id);
    if (!p?.conn.established) return 0;
    const inv: InvVector[] = [];
    for (const w of wtxids) {
      const k = key(w);
      if (p.knownTx.has(k) || !this.o.mempool.get(k)) continue;
      this.rememberTx(p, k);
      inv.push({ type: InvType.MSG_WTX, hash: w });
    }
    for (let i = 0; i < inv.length; i += P2P_LIMITS.invBroadcastMax) {
      p.conn.send({ command: 'inv', payload: inv.slice(i, i + P2P_LIMITS.invBroadcastMax) });
    }
    return inv.length;
  }

  private queueTx(p: PeerState, tx: Transaction): void {
    if (!p.conn.established || !p.info?.relay) return;
    const id = key(txid(tx));
    const wid = key(wtxid(tx));
    if (p.knownTx.has(id) || p.knownTx.has(wid)) return;
    p.txQueue.set(p.info.wtxidRelay ? wid : id, tx);
  }

  /** Poisson-process delay (Core's rand_exp_duration): -ln(1-U)·mean. */
  private poisson(meanMs: number): number {
    return -Math.log(1 - this.o.random()) * meanMs;
  }

  private trickle(now: number): void {
    for (const p of this.conns.values()) {
      if (!p.conn.established || p.txQueue.size === 0) continue;
      if (now < p.nextInv) continue;
      const inv: InvVector[] = [];
      const type = p.info?.wtxidRelay ? InvType.MSG_WTX : InvType.MSG_TX;
      for (const [k, tx] of p.txQueue) {
        p.txQueue.delete(k);
        if (!this.o.mempool.get(k)) continue;
        inv.push({ type, hash: type === InvType.MSG_WTX ? wtxid(tx) : txid(tx) });
        this.rememberTx(p, k);
        if (inv.length >= P2P_LIMITS.invBroadcastMax) break;
      }
      if (inv.length) p.conn.send({ command: 'inv', payload: inv });
      p.nextInv =
        now +
        this.poisson(p.conn.inbound ? P2P_LIMITS.inboundTrickleMs : P2P_LIMITS.outboundTrickleMs);
    }
  }

  private tick(): void {
    if (this.stopped) return;
    const now = this.o.now();
    this.trickle(now);
    this.erlay?.tick(now);
    if (now - this.lastSecond < 1000) return;
    this.lastSecond = now;
    for (const p of this.conns.values()) p.conn.tick();
    this.checkTimeouts(now);
    this.connectAdded();
    this.scheduleAll();
  }

  // ---- NetControl (RPC) ----------------------------------------------------------------

  peers(): RpcPeerInfo[] {
    const secs = (ms: number) => Math.floor(ms / 1000);
    return [...this.conns.values()]
      .filter((p) => p.info)
      .map((p) => {
        const c = p.conn;
        const info = p.info!;
        return {
          id: c.id,
          addr: c.address,
          network: isIP(c.socket.remoteAddress ?? '') === 6 ? 'ipv6' : 'ipv4',
          services: info.services.toString(16).padStart(16, '0'),
          servicesnames: serviceNames(info.services),
          relaytxes: info.relay,
          lastsend: secs(c.lastSend),
          lastrecv: secs(c.lastRecv),
          bytessent: c.bytesSent,
          bytesrecv: c.bytesRecv,
          conntime: secs(c.connectedAt),
          ...(c.pingMs === undefined ? {} : { pingtime: c.pingMs / 1000 }),
          version: info.version,
          subver: info.userAgent,
          inbound: c.inbound,
          startingheight: info.startHeight,
          synced_headers: p.syncedHeaders,
          synced_blocks: p.syncedBlocks,
          connection_type: c.inbound ? 'inbound' : p.addnode ? 'manual' : 'outbound-full-relay',
          transport_protocol_type: c.transportKind,
          session_id: '',
          bip152_hb_to: false,
          bip152_hb_from: false,
          ...(this.erlay ? { txreconciliation: this.erlay.peerInfo(c.id) } : {}),
        };
      });
  }

  connectionCount(): { inbound: number; outbound: number } {
    let inbound = 0;
    let outbound = 0;
    for (const p of this.conns.values()) {
      if (!p.conn.established) continue;
      if (p.conn.inbound) inbound++;
      else outbound++;
    }
    return { inbound, outbound };
  }

  async addNode(address: string, command: 'add' | 'remove' | 'onetry'): Promise<void> {
    splitHostPort(address, this.o.port);
    if (command === 'onetry') {
      try {
        await this.dial(address);
      } catch (e) {
        this.log.info({ addr: address, err: (e as Error).message }, 'onetry failed');
      }
      return;
    }
    if (command === 'add') {
      if (this.added.has(address))
        throw new RpcError(RpcErrorCode.CLIENT_NODE_ALREADY_ADDED, 'Error: Node already added');
      this.added.set(address, { lastTry: 0 });
      this.connectAdded();
      return;
    }
    if (!this.added.delete(address)) {
      throw new RpcError(
        RpcErrorCode.CLIENT_NODE_NOT_ADDED,
        'Error: Node could not be removed. It has not been added previously.',
      );
    }
  }

  disconnect(t: { address?: string; id?: number }): boolean {
    for (const p of this.conns.values()) {
      if (
        (t.id !== undefined && p.conn.id === t.id) ||
        (t.address !== undefined && p.conn.address === t.address)
      ) {
        p.conn.close('disconnected by RPC');
        return true;
      }
    }
    return false;
  }

  /** Test and bench helper: resolves once `n` peers finished the handshake. */
  async waitForPeers(n: number, timeoutMs = 10_000): Promise<void> {
    const start = Date.now();
    while (this.connectionCount().inbound + this.connectionCount().outbound < n) {
      if (Date.now() - start > timeoutMs)
        throw new NodeError(NodeErrorCode.NET, `no ${n} peers after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}
