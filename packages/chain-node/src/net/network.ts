import '../polyfill.ts';
import { gossipsub } from '@chainsafe/libp2p-gossipsub';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import type { ConsensusMessage } from '@keel/consensus';
import {
  bytesToHex,
  DecodeError,
  DecodeErrorCode,
  equalBytes,
  type Logger,
  nullLogger,
} from '@keel/util';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { identify } from '@libp2p/identify';
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { tcp } from '@libp2p/tcp';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import { ChainNodeError, ChainNodeErrorCode } from '../errors.ts';
import { type CodecLimits, decodeConsensusMessage, encodeConsensusMessage } from './codec.ts';
import { decodeHello, encodeHello, type Hello, helloSigningMessage } from './hello.ts';
import { type PeerManager, Penalty } from './peers.ts';
import { readAll, withTimeout, writeOne } from './stream.ts';

export interface NetworkValidator {
  readonly publicKey: Uint8Array;
  readonly stake: number;
}

export interface NetworkHandlers {
  onConsensus(peer: string, validator: number | null, message: ConsensusMessage): void;
  onTx(peer: string, raw: Uint8Array): void;
  /** Answers a sync request (already rate-limited); throws to refuse. */
  onSyncRequest(peer: string, request: Uint8Array): Promise<Uint8Array> | Uint8Array;
  committedHeight(): number;
}

export interface NetworkOptions {
  readonly nodeKeySeed: Uint8Array;
  readonly host: string;
  readonly port: number;
  /** Multiaddrs with `/p2p/<peer id>`: dialed at start and redialed when the link drops. */
  readonly staticPeers: readonly string[];
  readonly chainId: string;
  readonly genesisHash: Uint8Array;
  readonly validator: number;
  readonly signHello: (message: Uint8Array) => Uint8Array;
  readonly verifyBls: (pk: Uint8Array, message: Uint8Array, sig: Uint8Array) => boolean;
  /**
   * Validators by index: a fixed list, or (staking epochs) a lookup over the epoch sets the
   * node knows, so validators that joined after genesis pass the handshake once their epoch
   * set is known (`recheckValidators` re-examines earlier claims when a set is added).
   */
  readonly validators:
    | readonly NetworkValidator[]
    | ((index: number) => NetworkValidator | undefined);
  readonly peers: PeerManager;
  readonly limits: CodecLimits;
  /** Largest message accepted on any protocol or topic. */
  readonly maxMessageBytes: number;
  readonly handlers: NetworkHandlers;
  readonly logger?: Logger;
}

/**
 * The score penalty for a failed inbound exchange, or null when the failure is the transport's
 * (reset, closed, timed out): only undecodable or oversized input is the peer's doing.
 */
export function inputPenalty(err: unknown): number | null {
  if ((err as { meta?: { oversized?: boolean } })?.meta?.oversized) return Penalty.oversizedMessage;
  if (err instanceof DecodeError) return Penalty.invalidMessage;
  return null;
}

const PROTO = {
  hello: '/keel/hello/1.0.0',
  msg: '/keel/consensus/1.0.0',
  sync: '/keel/sync/1.0.0',
} as const;

/**
 * libp2p transport for a chain node: TCP + Noise + yamux; gossipsub topics for proposals,
 * timeouts and transactions; direct streams for votes and block requests; a request/response
 * protocol for sync; a handshake that checks chain id and genesis hash and authenticates
 * validators by their staked BLS key.
 */
export class Network {
  private node: Libp2p<{ pubsub: ReturnType<ReturnType<typeof gossipsub>> }> | null = null;
  private readonly log: Logger;
  private readonly topics: { proposal: string; timeout: string; tx: string };
  private redial: ReturnType<typeof setInterval> | null = null;
  /** Test hook: drop all traffic in and out (a network partition of this node). */
  partitioned = false;
  peerId = '';
  /** Validator claims whose index no known set had a bonded key for yet, by peer. */
  private readonly unprovenClaims = new Map<string, Hello>();

  constructor(private readonly o: NetworkOptions) {
    this.log = o.logger ?? nullLogger;
    const base = `/keel/${o.chainId}/${bytesToHex(o.genesisHash).slice(0, 16)}`;
    this.topics = { proposal: `${base}/proposal`, timeout: `${base}/timeout`, tx: `${base}/tx` };
    o.peers.onBan = (id) => {
      this.log.warn({ peer: id }, 'peer banned');
      void this.hangUp(id);
    };
    o.peers.onRateLimited = (id) => this.log.warn({ peer: id }, 'peer rate-limited');
  }

  async start(): Promise<void> {
    const o = this.o;
    const privateKey = await generateKeyPairFromSeed('Ed25519', o.nodeKeySeed);
    const directPeers = o.staticPeers.map((a) => {
      const ma = multiaddr(a);
      const id = ma.getPeerId();
      if (!id)
        throw new ChainNodeError(ChainNodeErrorCode.INVALID_CONFIG, `peer ${a} lacks /p2p/<id>`);
      return { id: peerIdFromString(id), addrs: [ma.decapsulateCode(421)] };
    });
    this.node = (await createLibp2p({
      privateKey: privateKey as never,
      addresses: { listen: [`/ip4/${o.host}/tcp/${o.port}`] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: {
        denyDialPeer: async (p: PeerId) => o.peers.isBanned(p.toString(), Date.now()),
        denyInboundEncryptedConnection: async (p: PeerId) =>
          o.peers.isBanned(p.toString(), Date.now()),
      },
      services: {
        identify: identify(),
        pubsub: gossipsub({
          allowPublishToZeroTopicPeers: true,
          emitSelf: false,
          floodPublish: true,
          directPeers,
          maxInboundDataLength: o.maxMessageBytes,
          heartbeatInterval: 700,
        }),
      },
    })) as unknown as typeof this.node;
    const node = this.node!;
    this.peerId = node.peerId.toString();
    await node.handle(PROTO.hello, (d) => void this.onHelloStream(d.stream, d.connection));
    await node.handle(PROTO.msg, (d) => void this.onMsgStream(d.stream, d.connection), {
      maxInboundStreams: 256,
    });
    await node.handle(PROTO.sync, (d) => void this.onSyncStream(d.stream, d.connection), {
      maxInboundStreams: 32,
    });
    node.addEventListener('peer:connect', (e) => void this.onConnect(e.detail.toString()));
    node.addEventListener('peer:disconnect', (e) => {
      const p = o.peers.get(e.detail.toString(), Date.now());
      p.connected = false;
    });
    const ps = node.services.pubsub;
    for (const t of Object.values(this.topics)) ps.subscribe(t);
    ps.addEventListener('gossipsub:message', (e) => {
      const { propagationSource, msg } = e.detail;
      // A real copy into a plain Uint8Array: `data` may be a Node Buffer over memory libp2p
      // reuses, and Buffer#slice returns a view, not a copy.
      this.onGossip(propagationSource.toString(), msg.topic, new Uint8Array(msg.data));
    });
    await node.start();
    this.dialStatic();
    this.redial = setInterval(() => this.dialStatic(), 2000);
  }

  addrs(): string[] {
    return this.node ? this.node.getMultiaddrs().map((m) => m.toString()) : [];
  }

  async stop(): Promise<void> {
    if (this.redial) clearInterval(this.redial);
    this.redial = null;
    const n = this.node;
    this.node = null;
    if (n) await n.stop();
  }

  private dialStatic(): void {
    const node = this.node;
    if (!node) return;
    const connected = new Set(node.getConnections().map((c) => c.remotePeer.toString()));
    for (const a of this.o.staticPeers) {
      const ma = multiaddr(a);
      const id = ma.getPeerId();
      if (!id || connected.has(id) || this.o.peers.isBanned(id, Date.now())) continue;
      node.dial(ma, { signal: AbortSignal.timeout(3000) }).catch((err: unknown) => {
        this.log.debug({ peer: id, err: String(err) }, 'dial failed');
      });
    }
  }

  private hello(): Hello {
    const peerIdBytes = this.node!.peerId.toMultihash().bytes;
    return {
      chainId: this.o.chainId,
      genesisHash: this.o.genesisHash,
      validator: this.o.validator,
      signature:
        this.o.validator >= 0
          ? this.o.signHello(helloSigningMessage(this.o.genesisHash, peerIdBytes))
          : new Uint8Array(0),
      committedHeight: this.o.handlers.committedHeight(),
    };
  }

  private async onConnect(peer: string): Promise<void> {
    const node = this.node;
    if (!node) return;
    const info = this.o.peers.get(peer, Date.now());
    info.connected = true;
    try {
      const started = Date.now();
      const s = await node.dialProtocol(peerIdFromString(peer), PROTO.hello, {
        signal: AbortSignal.timeout(5000),
      });
      await writeOne(s, encodeHello(this.hello()));
      const reply = await withTimeout(readAll(s, 1024), 5000, 'hello');
      info.latencyMs = Date.now() - started;
      this.acceptHello(peer, reply);
    } catch (err) {
      this.log.debug({ peer, err: String(err) }, 'handshake failed');
    }
  }

  private async onHelloStream(stream: Stream, conn: Connection): Promise<void> {
    const peer = conn.remotePeer.toString();
    try {
      const req = await withTimeout(readAll(stream, 1024), 5000, 'hello');
      if (this.acceptHello(peer, req)) await writeOne(stream, encodeHello(this.hello()));
      else stream.abort(new ChainNodeError(ChainNodeErrorCode.NETWORK, 'handshake refused'));
    } catch (err) {
      this.penalizeDecode(peer, err);
    }
  }

  /** Checks a peer's hello: same chain and genesis, and a valid staked-key proof if it claims one. */
  private acceptHello(peer: string, bytes: Uint8Array): boolean {
    const now = Date.now();
    const info = this.o.peers.get(peer, now);
    let h: Hello;
    try {
      h = decodeHello(bytes);
    } catch {
      this.o.peers.adjust(peer, Penalty.invalidMessage, now);
      return false;
    }
    if (h.chainId !== this.o.chainId || !equalBytes(h.genesisHash, this.o.genesisHash)) {
      this.log.warn({ peer, chainId: h.chainId }, 'peer on another chain or genesis');
      this.o.peers.adjust(peer, Penalty.wrongGenesis, now);
      return false;
    }
    info.height = h.committedHeight;
    if (h.validator >= 0) {
      const v = this.validatorAt(h.validator);
      const bonded = !!v && v.stake >= this.o.peers.opts.validatorStakeThreshold;
      if (!bonded) {
        // An index no set we hold gives a bonded key: a validator that joined (or left) in
        // an epoch we have not reached, or one that left. Connected as a plain peer, no
        // penalty; the claim is proven once a set that bonds its key is known.
        if (this.unprovenClaims.size < 1024) this.unprovenClaims.set(peer, h);
        info.validator = null;
        return true;
      }
      if (!this.proveClaim(peer, h, v)) {
        this.o.peers.adjust(peer, Penalty.invalidMessage, now);
        return false;
      }
    }
    return true;
  }

  private validatorAt(index: number): NetworkValidator | undefined {
    const v = this.o.validators;
    return typeof v === 'function' ? v(index) : v[index];
  }

  private proveClaim(peer: string, h: Hello, v: NetworkValidator): boolean {
    const pid = peerIdFromString(peer).toMultihash().bytes;
    if (!this.o.verifyBls(v.publicKey, helloSigningMessage(this.o.genesisHash, pid), h.signature))
      return false;
    this.unprovenClaims.delete(peer);
    this.o.peers.get(peer, Date.now()).validator = h.validator;
    return true;
  }

  /** After a new epoch set: proves the validator claims no earlier set could. */
  recheckValidators(): void {
    for (const [peer, h] of this.unprovenClaims) {
      const info = this.o.peers.get(peer, Date.now());
      if (!info.connected) {
        this.unprovenClaims.delete(peer);
        continue;
      }
      const v = this.validatorAt(h.validator);
      if (!v || v.stake < this.o.peers.opts.validatorStakeThreshold) continue;
      if (!this.proveClaim(peer, h, v)) {
        this.unprovenClaims.delete(peer);
        this.o.peers.adjust(peer, Penalty.invalidMessage, Date.now());
      }
    }
  }

  /**
   * Penalizes what a peer sent (bytes that do not decode, or too many of them); a transport
   * failure (a stream reset because the peer stopped or restarted, a read that timed out on a
   * loaded machine) is not the peer's fault and costs it nothing. Scoring those used to ban an
   * honest validator that merely restarted with votes in flight, for the whole ban period.
   */
  private penalizeDecode(peer: string, err: unknown): void {
    const penalty = inputPenalty(err);
    if (penalty === null) {
      this.log.debug({ peer, err: String(err) }, 'stream failed');
      return;
    }
    this.o.peers.adjust(peer, penalty, Date.now());
  }

  /**
   * Decodes and hands on one message. Undecodable bytes cost the peer its score, except a
   * message that merely ends too soon on a stream whose connection then goes away: a sender
   * stopping (a restart, a shutdown) cuts its in-flight messages short. That is judged a
   * moment later, once the connection had time to close.
   */
  private deliver(peer: string, bytes: Uint8Array, conn?: Connection): void {
    let m: ConsensusMessage;
    try {
      m = decodeConsensusMessage(bytes, this.o.limits);
    } catch (err) {
      this.log.debug({ peer, err: String(err) }, 'undecodable consensus message');
      const penalize = () =>
        this.o.peers.adjust(peer, inputPenalty(err) ?? Penalty.invalidMessage, Date.now());
      const truncated = err instanceof DecodeError && err.code === DecodeErrorCode.OUT_OF_BOUNDS;
      if (!conn || !truncated) penalize();
      else setTimeout(() => conn.status === 'open' && this.node && penalize(), 2000).unref();
      return;
    }
    const info = this.o.peers.get(peer, Date.now());
    this.o.handlers.onConsensus(peer, info.validator, m);
  }

  private async onMsgStream(stream: Stream, conn: Connection): Promise<void> {
    const peer = conn.remotePeer.toString();
    try {
      const bytes = await withTimeout(readAll(stream, this.o.maxMessageBytes), 10_000, 'message');
      if (this.partitioned) return;
      // A stream closed before anything was written: the sender stopped (a restart, a
      // shutdown) between opening it and writing. Nothing to deliver, nobody to blame.
      if (bytes.length === 0) return;
      this.deliver(peer, bytes, conn);
    } catch (err) {
      this.penalizeDecode(peer, err);
    }
  }

  private onGossip(peer: string, topic: string, data: Uint8Array): void {
    if (this.partitioned) return;
    if (data.length > this.o.maxMessageBytes) {
      this.o.peers.adjust(peer, Penalty.oversizedMessage, Date.now());
      return;
    }
    if (topic === this.topics.tx) this.o.handlers.onTx(peer, data);
    else if (topic === this.topics.proposal || topic === this.topics.timeout)
      this.deliver(peer, data);
  }

  private async onSyncStream(stream: Stream, conn: Connection): Promise<void> {
    const peer = conn.remotePeer.toString();
    try {
      const req = await withTimeout(readAll(stream, 4096), 5000, 'sync request');
      if (this.partitioned || !this.o.peers.allowRequest(peer, Date.now())) {
        stream.abort(new ChainNodeError(ChainNodeErrorCode.NETWORK, 'refused'));
        return;
      }
      const res = await this.o.handlers.onSyncRequest(peer, req);
      await writeOne(stream, res);
    } catch (err) {
      this.penalizeDecode(peer, err);
      stream.abort(new ChainNodeError(ChainNodeErrorCode.NETWORK, 'bad request'));
    }
  }

  /** One request/response exchange on the sync protocol. */
  async request(peer: string, req: Uint8Array, timeoutMs = 5000): Promise<Uint8Array> {
    const node = this.node;
    if (!node || this.partitioned) {
      throw new ChainNodeError(ChainNodeErrorCode.NETWORK, 'network unavailable');
    }
    const s = await node.dialProtocol(peerIdFromString(peer), PROTO.sync, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    await writeOne(s, req);
    return withTimeout(readAll(s, this.o.maxMessageBytes), timeoutMs, 'sync response');
  }

  /** Gossips a proposal or timeout; other broadcasts (block requests) go to each peer directly. */
  broadcast(m: ConsensusMessage): void {
    const node = this.node;
    if (!node || this.partitioned) return;
    const bytes = encodeConsensusMessage(m);
    const topic =
      m.type === 'proposal'
        ? this.topics.proposal
        : m.type === 'timeout'
          ? this.topics.timeout
          : null;
    if (topic) {
      node.services.pubsub.publish(topic, bytes).catch((err: unknown) => {
        this.log.debug({ err: String(err) }, 'publish failed');
      });
      return;
    }
    for (const c of node.getConnections()) void this.sendBytes(c.remotePeer.toString(), bytes);
  }

  sendTo(validator: number, m: ConsensusMessage): void {
    if (!this.node || this.partitioned) return;
    const peer = this.o.peers.validatorPeer(validator);
    if (peer) void this.sendBytes(peer, encodeConsensusMessage(m));
  }

  sendToPeer(peer: string, m: ConsensusMessage): void {
    if (!this.node || this.partitioned) return;
    void this.sendBytes(peer, encodeConsensusMessage(m));
  }

  private async sendBytes(peer: string, bytes: Uint8Array): Promise<void> {
    const node = this.node;
    if (!node) return;
    try {
      const s = await node.dialProtocol(peerIdFromString(peer), PROTO.msg, {
        signal: AbortSignal.timeout(3000),
      });
      await writeOne(s, bytes);
    } catch (err) {
      this.log.debug({ peer, err: String(err) }, 'send failed');
    }
  }

  publishTx(raw: Uint8Array): void {
    const node = this.node;
    if (!node || this.partitioned) return;
    node.services.pubsub.publish(this.topics.tx, raw).catch(() => {});
  }

  connectedPeers(): string[] {
    return this.node ? this.node.getConnections().map((c) => c.remotePeer.toString()) : [];
  }

  async hangUp(peer: string): Promise<void> {
    try {
      await this.node?.hangUp(peerIdFromString(peer));
    } catch {
      // already gone
    }
  }

  /** Test hook: a raw libp2p stream on our consensus protocol to `peer` (for garbage tests). */
  async rawSend(peer: string, bytes: Uint8Array): Promise<void> {
    await this.sendBytes(peer, bytes);
  }
}
