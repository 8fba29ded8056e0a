import './polyfill.ts';
import { join } from 'node:path';
import type { BlockJson, StatusJson } from '@keel/api';
import {
  type Block,
  type ConsensusInput,
  type ConsensusMessage,
  type ConsensusOutput,
  type ConsensusParams,
  createNodeState,
  createVrfElection,
  defaultConsensusParams,
  type NodeState,
  step,
  ValidatorSet,
  withVerifyMemo,
} from '@keel/consensus';
import { type BlsBackend, ecvrfELL2 } from '@keel/crypto';
import { type KzgBackend, loadKzgBackend } from '@keel/crypto/kzg';
import { accelerateEcdsaRecover } from '@keel/crypto/secp256k1';
import {
  type BlobTxParts,
  type BlockResult,
  createLedger,
  encodeEvidenceTx,
  ethBlockToJSON,
  evidenceTxHash,
  isEvidenceTx,
  type Ledger,
  loadStateFromStore,
  receiptToJSON,
  splitBlobNetworkForm,
  stateRoot,
  stateToKvOps,
  stateWritesToKvOps,
  txSender,
} from '@keel/ledger';
import { bytesToHex, hexToBytes, type Logger, nullLogger } from '@keel/util';
import {
  consensusEpochParams,
  createEvidenceVerifier,
  EpochSetCache,
  knownEpochs,
  ownIndex,
} from './app/epochs.ts';
import { LedgerApp } from './app/ledgerApp.ts';
import type { Payload } from './app/payload.ts';
import { createBlobMetrics } from './blobs/metrics.ts';
import { BlobPool, type BlobPoolOptions, type BlobSidecar, verifySidecar } from './blobs/pool.ts';
import { BlobStore } from './blobs/store.ts';
import { ChainNodeError, ChainNodeErrorCode } from './errors.ts';
import type { Genesis, ValidatorKeys } from './genesis.ts';
import { Mempool, type MempoolOptions } from './mempool/mempool.ts';
import { createNodeMetrics, type NodeMetrics } from './metrics.ts';
import { defaultCodecLimits } from './net/codec.ts';
import { Network } from './net/network.ts';
import { PeerManager, type PeerManagerOptions, Penalty } from './net/peers.ts';
import { EthRpc } from './rpc/eth/handlers.ts';
import { createRpcHandlers } from './rpc/handlers.ts';
import { RpcServer } from './rpc/server.ts';
import { VerkleRpc, VerkleWitnesses, withVerkleRpc } from './rpc/verkle.ts';
import { ChainStore } from './storage/store.ts';
import { DEFAULT_WITNESS_RETENTION_BLOCKS } from './storage/witnessStore.ts';
import { blockBlobTxs } from './sync/sidecars.ts';
import { SyncService } from './sync/sync.ts';

export interface ChainNodeOptions {
  readonly genesis: Genesis;
  /** This node's validator keys (null: a non-validator full node; then `nodeKey` is needed). */
  readonly keys: ValidatorKeys | null;
  readonly nodeKey?: Uint8Array;
  readonly datadir: string;
  readonly bls: BlsBackend;
  readonly host?: string;
  readonly p2pPort: number;
  readonly rpcPort: number;
  readonly staticPeers?: readonly string[];
  /** Votes wait until this long after the view began: paces block production. */
  readonly blockTimeMs?: number;
  readonly consensus?: Partial<ConsensusParams>;
  readonly maxTxsPerBlock?: number;
  readonly mempool?: Partial<Omit<MempoolOptions, 'chainId'>>;
  readonly peers?: Partial<PeerManagerOptions>;
  readonly syncIntervalMs?: number;
  readonly adminToken?: string | null;
  readonly logger?: Logger;
  /** The ledger instance (the one the genesis was built with). */
  readonly ledger?: Ledger;
  /** KZG for blob sidecars; default: loaded on the first blob transaction (`auto`). */
  readonly kzg?: KzgBackend;
  readonly blobPool?: Partial<BlobPoolOptions>;
  /** Blocks a committed sidecar is kept for (default 131,072). */
  readonly blobRetentionBlocks?: number;
  /** Verkle chains: blocks a committed block's witness is kept for (default 8,192; 0: none). */
  readonly verkleWitnessRetentionBlocks?: number;
}

/** Gossip tag of a blob transaction's network form (the tx topic carries both kinds). */
const BLOB_GOSSIP_TAG = 0x42;

interface FinalitySample {
  readonly height: number;
  readonly ms: number;
}

/**
 * A chain node: drives the consensus state machine with network messages, timers and the
 * clock; implements its `App` over the transfer state; persists everything in LMDB; serves
 * JSON-RPC and metrics. `start`/`stop` own every socket, timer and file handle.
 */
export class ChainNode {
  readonly o: ChainNodeOptions;
  readonly log: Logger;
  readonly metrics: NodeMetrics;
  readonly peers: PeerManager;
  store!: ChainStore;
  readonly ledger: Ledger;
  mempool!: Mempool;
  consensus!: NodeState;
  network!: Network;
  rpc!: RpcServer;
  sync!: SyncService;
  readonly validators: ValidatorSet;
  readonly chainId: string;
  readonly genesisHash: Uint8Array;
  app!: LedgerApp;
  readonly blobPool: BlobPool;
  blobStore!: BlobStore;
  verkle!: VerkleWitnesses;
  readonly blobMetrics: ReturnType<typeof createBlobMetrics>;
  private kzg: Promise<KzgBackend> | null = null;
  private blobRejected = 0;
  private blobPruned = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private housekeeping: ReturnType<typeof setInterval> | null = null;
  private viewStartedAt = 0;
  private phase = 'start';
  private viewChanges = 0;
  private txCommitted = 0;
  private currentPeer: string | null = null;
  private stopped = false;
  readonly finality: FinalitySample[] = [];
  readonly listeners = new Set<(kind: 'block' | 'finality' | 'eth', data: unknown) => void>();

  constructor(o: ChainNodeOptions) {
    this.o = o;
    this.log = o.logger ?? nullLogger;
    this.metrics = createNodeMetrics();
    this.peers = new PeerManager(o.peers);
    this.chainId = o.genesis.file.chainId;
    this.genesisHash = o.genesis.hash;
    this.ledger = o.ledger ?? createLedger();
    this.blobPool = new BlobPool(o.blobPool);
    this.blobMetrics = createBlobMetrics(this.metrics.registry);
    this.validators = new ValidatorSet(o.genesis.validators, withVerifyMemo(o.bls), {
      verifyProofOfPossession: (pk, pop) => o.bls.popVerify(pk, pop),
    });
    this.epochSets = new EpochSetCache(withVerifyMemo(o.bls));
    this.ledger.evidenceVerifier ??= createEvidenceVerifier(
      () => ({ chainId: this.chainId, genesisHash: this.genesisHash }),
      withVerifyMemo(o.bls),
    );
  }

  private readonly epochSets: EpochSetCache;

  /** Epoch parameters come from the genesis state (consensus-critical: they win over options). */
  get params(): ConsensusParams {
    return {
      ...defaultConsensusParams,
      ...this.o.consensus,
      ...consensusEpochParams(this.ledger.epochParams(this.o.genesis.state)),
    };
  }

  async start(): Promise<void> {
    const o = this.o;
    // Ethereum sender recovery through libsecp256k1 (~45x noble's); noble if it cannot load.
    await accelerateEcdsaRecover();
    // The KZG trusted setup loads synchronously (~2 s of CPU): now, before consensus, the
    // network and RPC run — loaded on the first blob transaction it froze a live node.
    await this.kzgBackend().catch((err) => {
      this.kzg = null; // no KZG here: blob transactions are refused with the reason
      this.log.warn({ err: String(err) }, 'KZG unavailable: blob transactions refused');
    });
    this.store = new ChainStore(join(o.datadir, 'db'));
    this.store.checkGenesis(bytesToHex(this.genesisHash));
    this.peers.load(this.store.peers());
    this.blobStore = new BlobStore(join(o.datadir, 'blobs'), o.blobRetentionBlocks);
    let tip = this.store.committed();
    if (!tip) {
      this.store.initGenesis(stateToKvOps(o.genesis.state), bytesToHex(this.genesisHash));
      tip = this.store.committed()!;
    }
    const state =
      tip.height === 0 ? o.genesis.state : await loadStateFromStore(this.store.stateStore());
    const root = bytesToHex(stateRoot(state));
    const expected =
      tip.height === 0 ? bytesToHex(o.genesis.stateRoot) : this.store.info(tip.height)?.stateRoot;
    if (root !== expected) {
      throw new ChainNodeError(
        ChainNodeErrorCode.STORE_CORRUPT,
        `stored state root ${root} does not match block ${tip.height}'s ${expected}`,
      );
    }
    this.app = new LedgerApp({
      ledger: this.ledger,
      committed: state,
      committedHash: tip.hash,
      committedHeight: tip.height,
      maxTxsPerBlock: o.maxTxsPerBlock ?? 5000,
      maxPayloadBytes: defaultCodecLimits.maxPayloadBytes,
      mempool: () => this.mempool,
      now: () => Date.now(),
      blockByHash: (h) => this.consensus?.blocks.get(h)?.block ?? null,
      onApplied: (b, h, p, r) => this.onApplied(b, h, p, r),
      logger: this.log,
      blobSidecarKnown: (h) => this.blobPool.has(h),
    });
    this.mempool = new Mempool(
      o.mempool ?? {},
      (a) => this.app.account(a),
      (raw) => this.app.checkTx(raw),
    );
    this.consensus = this.createConsensus();
    this.network = new Network({
      nodeKeySeed: o.keys?.nodeKey ?? o.nodeKey ?? new Uint8Array(32),
      host: o.host ?? '127.0.0.1',
      port: o.p2pPort,
      staticPeers: o.staticPeers ?? [],
      chainId: this.chainId,
      genesisHash: this.genesisHash,
      validator: o.keys?.index ?? -1,
      signHello: (m) => o.bls.sign(o.keys!.blsSecretKey, m),
      verifyBls: (pk, m, s) => o.bls.verify(pk, m, s),
      validators: (i) => this.validatorAt(i),
      peers: this.peers,
      limits: defaultCodecLimits,
      maxMessageBytes: 8 * 1024 * 1024,
      handlers: {
        onConsensus: (peer, v, m) => this.onNetMessage(peer, v, m),
        onTx: (peer, raw) => this.onGossipTx(peer, raw),
        onSyncRequest: (peer, req) => this.sync.serve(peer, req),
        committedHeight: () => this.consensus.committedHeight,
      },
      logger: this.log,
    });
    this.sync = new SyncService(this, { intervalMs: o.syncIntervalMs ?? 30_000 });
    this.verkle = new VerkleWitnesses(
      this,
      join(o.datadir, 'witnesses'),
      o.verkleWitnessRetentionBlocks ?? DEFAULT_WITNESS_RETENTION_BLOCKS,
      this.log,
    );
    await this.network.start();
    this.rpc = new RpcServer({
      host: o.host ?? '127.0.0.1',
      port: o.rpcPort,
      handlers: createRpcHandlers(this),
      eth: withVerkleRpc(new EthRpc(this), new VerkleRpc(this, this.verkle)),
      adminToken: o.adminToken ?? null,
      metricsText: () => this.metricsText(),
      onRequest: (m, s) => this.metrics.rpcDuration.observe({ method: m }, s),
      logger: this.log,
    });
    await this.rpc.start();
    this.input({ type: 'start', now: Date.now() });
    this.housekeeping = setInterval(() => this.tick(), 1000);
    this.sync.start();
    this.log.info(
      { p2p: this.network.addrs(), rpc: `http://${o.host ?? '127.0.0.1'}:${this.rpc.port}` },
      'node started',
    );
  }

  /** Builds the consensus state anchored at the stored committed tip. */
  createConsensus(): NodeState {
    const o = this.o;
    const tip = this.store.committed();
    const anchorBlock = tip && tip.height > 0 ? this.store.block(tip.height) : null;
    const params = this.params;
    const height = tip?.height ?? 0;
    const blsKey = o.keys ? o.bls.secretKeyToPublicKey(o.keys.blsSecretKey) : null;
    const index = ownIndex(this.ledger, this.app.state, params, height, blsKey, o.keys?.index ?? 0);
    const epochs = params.epochLength > 0;
    return createNodeState(
      {
        chainId: this.chainId,
        genesis: o.genesis.block,
        validators: this.validators,
        index,
        secretKey: o.keys?.blsSecretKey ?? new Uint8Array(32).fill(1),
        vrfSecretKey: o.keys?.vrfSecretKey,
        scheme: withVerifyMemo(o.bls),
        election: createVrfElection(this.validators, ecvrfELL2, this.chainId),
        app: this.app,
        params,
        ...(epochs
          ? {
              electionFor: (vs: ValidatorSet) => createVrfElection(vs, ecvrfELL2, this.chainId),
              verifyProofOfPossession: (pk: Uint8Array, pop: Uint8Array) =>
                o.bls.popVerify(pk, pop),
              knownEpochs: knownEpochs(this.ledger, this.app.state, params, height, this.epochSets),
            }
          : {}),
      },
      this.store.safety(),
      anchorBlock ? { block: anchorBlock, hash: hexToBytes(tip!.hash) } : undefined,
    );
  }

  /** Applies a block that state sync proved final (as consensus' commit would). */
  commitSynced(block: Block, hash: Uint8Array): void {
    this.app.onCommit(block, hash);
  }

  /** Replaces the consensus state after state sync moved the committed tip. */
  restartConsensus(): void {
    this.consensus = this.createConsensus();
    this.input({ type: 'start', now: Date.now() });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.housekeeping) clearInterval(this.housekeeping);
    this.sync?.stop();
    const t0 = Date.now();
    await this.rpc?.stop();
    const t1 = Date.now();
    // libp2p waits for streams to close politely; a stuck peer must not hold up shutdown.
    await Promise.race([this.network?.stop(), new Promise((r) => setTimeout(r, 3000).unref())]);
    const t2 = Date.now();
    await this.blobStore?.close();
    await this.verkle?.close();
    if (this.store) {
      await this.store.putPeers(this.peers.records(Date.now()));
      await this.store.close();
    }
    this.log.info({ rpcMs: t1 - t0, netMs: t2 - t1, storeMs: Date.now() - t2 }, 'stopped');
  }

  private tick(): void {
    const now = Date.now();
    this.mempool.expire(now);
    // sidecars whose canonical transaction left the mempool (evicted, expired, replaced)
    for (const h of this.blobPool.hashes()) if (!this.mempool.has(h)) this.blobPool.remove(h);
    this.blobMetrics.poolTxs.set(this.blobPool.size);
    this.blobMetrics.poolBlobs.set(this.blobPool.blobs);
    this.metrics.mempoolSize.set(this.mempool.size);
    this.metrics.mempoolBytes.set(this.mempool.sizeBytes);
    this.metrics.peers.set(this.network.connectedPeers().length);
    if (now % 10_000 < 1000) void this.store.putPeers(this.peers.records(now));
    this.input({ type: 'tick', now });
  }

  input(i: ConsensusInput, peer: string | null = null): void {
    if (this.stopped) return;
    this.currentPeer = peer;
    let outputs: ConsensusOutput[];
    try {
      outputs = step(this.consensus, i).outputs;
    } catch (err) {
      this.log.error({ err: String(err), stack: (err as Error).stack }, 'consensus step failed');
      return;
    }
    for (const out of outputs) this.handle(out);
    this.currentPeer = null;
  }

  private handle(out: ConsensusOutput): void {
    switch (out.type) {
      case 'persistSafety':
        this.store.putSafety(out.safety);
        return;
      case 'broadcast':
        this.network.broadcast(out.message);
        return;
      case 'send':
        this.send(out.to, out.message);
        return;
      case 'setTimer': {
        if (this.timer) clearTimeout(this.timer);
        const { view, at } = out;
        this.timer = setTimeout(
          () => this.input({ type: 'timer', view, now: Date.now() }),
          Math.max(0, at - Date.now()),
        );
        return;
      }
      case 'commit':
        return;
      case 'evidence': {
        const e = out.evidence;
        this.store.putEvidence(e.validator, e.view, e.kind, {
          ...e,
          first: {
            blockHash: bytesToHex(e.first.blockHash),
            signature: bytesToHex(e.first.signature),
          },
          second: {
            blockHash: bytesToHex(e.second.blockHash),
            signature: bytesToHex(e.second.signature),
          },
        });
        const peer = this.peers.validatorPeer(e.validator);
        if (peer) this.peers.adjust(peer, Penalty.byzantineEvidence, Date.now());
        this.log.warn({ validator: e.validator, view: e.view, kind: e.kind }, 'equivocation');
        if (this.params.epochLength > 0) this.submitEvidence({ ...e, epoch: e.epoch ?? 0 });
        return;
      }
      case 'event':
        this.onEvent(out.event);
        return;
    }
  }

  private onEvent(ev: Extract<ConsensusOutput, { type: 'event' }>['event']): void {
    switch (ev.kind) {
      case 'viewChange':
        this.viewStartedAt = Date.now();
        this.metrics.view.set(ev.view);
        this.metrics.viewChanges.inc({ reason: ev.reason });
        if (ev.reason === 'tc' || ev.reason === 'timeouts') this.viewChanges++;
        this.phase = 'propose';
        return;
      case 'phase':
        this.phase = ev.phase;
        this.metrics.phaseDuration.observe(
          { phase: ev.phase },
          (Date.now() - this.viewStartedAt) / 1000,
        );
        return;
      case 'rejected':
        this.metrics.rejected.inc({ verdict: ev.verdict });
        this.log.debug({ from: ev.from, reason: ev.reason, peer: this.currentPeer }, 'rejected');
        // A payload refused only because we lack its parent's state says nothing of its sender.
        if (ev.reason === 'proposal: invalid payload' && this.app.lastRefusalLocal) return;
        if (ev.verdict === 'misbehaving' && this.currentPeer) {
          this.log.warn({ from: ev.from, reason: ev.reason, peer: this.currentPeer }, 'rejected');
          this.peers.adjust(this.currentPeer, Penalty.rejectedConsensus, Date.now());
        }
        return;
      case 'halted':
        this.log.error({ code: ev.code }, ev.message);
        return;
      case 'epoch':
        this.onEpochFixed(ev.epoch);
        return;
    }
  }

  /** Votes wait until `blockTimeMs` after the view began, which paces the chain. */
  private send(to: number, m: ConsensusMessage): void {
    const delay =
      m.type === 'vote' ? this.viewStartedAt + (this.o.blockTimeMs ?? 0) - Date.now() : 0;
    // Our own vote as the next leader loops back as a new input, never inline: a lone
    // validator's vote is a quorum, and inline handling ran views without end in one step.
    const deliver =
      to === this.consensus.config.index
        ? () => this.input({ type: 'message', from: to, message: m, now: Date.now() })
        : () => this.network.sendTo(to, m);
    if (delay > 0 || to === this.consensus.config.index) {
      setTimeout(() => !this.stopped && deliver(), Math.max(0, delay));
    } else deliver();
  }

  private onNetMessage(peer: string, validator: number | null, m: ConsensusMessage): void {
    if (m.type === 'blockRequest') {
      if (!this.peers.allowRequest(peer, Date.now())) return;
      const blocks = this.sync.blocksBackFrom(m.hash, m.count);
      if (blocks.length > 0) {
        this.network.sendToPeer(peer, {
          type: 'blockResponse',
          genesisHash: this.genesisHash,
          blocks,
        });
      }
      return;
    }
    const claimed =
      m.type === 'proposal'
        ? m.block.proposer
        : m.type === 'vote'
          ? m.voter
          : m.type === 'timeout'
            ? m.sender
            : null;
    const from = validator ?? claimed ?? this.consensus.config.index;
    this.input({ type: 'message', from, message: m, now: Date.now() }, peer);
  }

  /** A validator index's key and its largest stake over the epoch sets consensus holds. */
  private validatorAt(i: number): { publicKey: Uint8Array; stake: number } | undefined {
    let best: { publicKey: Uint8Array; stake: number } | undefined;
    const sets = this.consensus ? [...this.consensus.epochs.values()] : [];
    if (sets.length === 0) sets.push({ validators: this.validators } as never);
    for (const { validators } of sets) {
      const v = validators.validators[i];
      if (v && (!best || v.stake > best.stake)) best = { publicKey: v.publicKey, stake: v.stake };
    }
    return best;
  }

  /**
   * A new epoch set: prove validator claims it makes good, and if it places this node's key
   * at an index other than the one consensus runs with (a validator that joined), restart
   * consensus from the committed tip with the new index (outside this step's outputs).
   */
  private onEpochFixed(epoch: number): void {
    this.log.info({ epoch }, 'epoch set fixed');
    this.network?.recheckValidators();
    const o = this.o;
    if (!o.keys) return;
    const blsKey = o.bls.secretKeyToPublicKey(o.keys.blsSecretKey);
    const list = this.ledger.epochValidators(this.app.state, epoch);
    const i = list?.findIndex((v) => bytesToHex(v.blsPublicKey) === bytesToHex(blsKey)) ?? -1;
    if (i < 0 || i === this.consensus.config.index) return;
    setTimeout(() => {
      if (this.stopped) return;
      this.log.info({ epoch, index: i }, 'joined the validator set: consensus restarts');
      this.restartConsensus();
    }, 0);
  }

  /** Our own evidence (consensus' `evidence` output): kept for our proposals and gossiped. */
  private submitEvidence(e: Parameters<typeof encodeEvidenceTx>[0]): void {
    const raw = encodeEvidenceTx(e);
    const v = this.app.addEvidence(raw);
    if (v.status === 'rejected') {
      this.log.warn({ reason: v.reason, message: v.message }, 'own evidence refused by the ledger');
      return;
    }
    if (v.status === 'new') this.network.publishTx(raw);
  }

  private onGossipTx(peer: string, raw: Uint8Array): void {
    if (!this.peers.allowTx(peer, Date.now())) return;
    if (isEvidenceTx(raw)) {
      const v = this.app.addEvidence(raw);
      if (v.status === 'new') this.network.publishTx(raw);
      // forged or undecodable evidence is the sender's doing; a duplicate or expired one is not
      else if (
        v.status === 'rejected' &&
        (v.reason === 'malformed' || /signature|malformed|same block/.test(v.message))
      )
        this.peers.adjust(peer, Penalty.invalidMessage, Date.now());
      return;
    }
    if (raw[0] === BLOB_GOSSIP_TAG) {
      this.submitBlobTx(raw.subarray(1), false).catch((err) => {
        if ((err as { code?: string }).code === ChainNodeErrorCode.INVALID_TX)
          this.peers.adjust(peer, Penalty.invalidMessage, Date.now());
      });
      return;
    }
    try {
      this.mempool.addRaw(raw, Date.now());
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === ChainNodeErrorCode.INVALID_TX)
        this.peers.adjust(peer, Penalty.invalidMessage, Date.now());
    }
  }

  /** Admits a transaction from RPC and gossips it. */
  submitTx(raw: Uint8Array) {
    if (isEvidenceTx(raw)) {
      // evidence is no mempool transaction (no sender, fee or nonce): the app's own pool
      const v = this.app.addEvidence(raw);
      if (v.status === 'rejected')
        throw new ChainNodeError(ChainNodeErrorCode.TX_REJECTED, v.message, { reason: v.reason });
      if (v.status === 'new') this.network.publishTx(raw);
      return { hash: bytesToHex(evidenceTxHash(raw)), status: v.status };
    }
    const r = this.mempool.addRaw(raw, Date.now());
    if (r.status !== 'known') this.network.publishTx(raw);
    return r;
  }

  kzgBackend(): Promise<KzgBackend> {
    this.kzg ??= this.o.kzg ? Promise.resolve(this.o.kzg) : loadKzgBackend('auto');
    return this.kzg;
  }

  /**
   * Admits a blob transaction in its network form: structure, versioned hashes and the batch
   * KZG check of its sidecar, the blob pool's rules, then its canonical form into the mempool
   * (the ledger's checks); gossiped with its sidecar. Throws ChainNodeError (INVALID_TX for a
   * bad sidecar or encoding: a peer sending it is penalized).
   */
  async submitBlobTx(raw: Uint8Array, publish = true): Promise<{ hash: string; status: string }> {
    const t0 = performance.now();
    try {
      let parts: BlobTxParts;
      try {
        parts = splitBlobNetworkForm(raw);
      } catch (e) {
        throw new ChainNodeError(ChainNodeErrorCode.INVALID_TX, (e as Error).message);
      }
      const hashHex = bytesToHex(parts.hash);
      if (this.blobPool.has(hashHex)) return { hash: hashHex, status: 'known' };
      verifySidecar(await this.kzgBackend(), parts);
      // Already committed (the block outran the gossiped sidecar): keep the sidecar.
      if (await this.storeLateSidecar(hashHex, parts)) return { hash: hashHex, status: 'known' };
      let fromHex: string;
      try {
        fromHex = bytesToHex(txSender(parts.wrapped).from);
      } catch (e) {
        throw new ChainNodeError(ChainNodeErrorCode.INVALID_TX, (e as Error).message);
      }
      const r = this.blobPool.add(parts, fromHex);
      try {
        this.mempool.addRaw(parts.wrapped, Date.now());
      } catch (e) {
        this.blobPool.remove(hashHex);
        if (await this.storeLateSidecar(hashHex, parts)) return { hash: hashHex, status: 'known' };
        throw e;
      }
      if (publish) {
        const msg = new Uint8Array(raw.length + 1);
        msg[0] = BLOB_GOSSIP_TAG;
        msg.set(raw, 1);
        this.network.publishTx(msg);
      }
      this.blobMetrics.admission.observe((performance.now() - t0) / 1000);
      return { hash: hashHex, status: r.status };
    } catch (e) {
      this.blobMetrics.rejected.set(++this.blobRejected);
      throw e;
    }
  }

  /** Stores a verified sidecar whose transaction is committed already; false if it is not. */
  private async storeLateSidecar(hashHex: string, p: BlobTxParts): Promise<boolean> {
    const rc = this.store.receipt(hashHex);
    if (!rc?.eth) return false;
    if (this.blobStore.heightOf(hashHex) === null) {
      await this.blobStore.put(rc.height, [
        {
          txHash: hashHex,
          versionedHashes: p.versionedHashes,
          blobs: p.blobs,
          commitments: p.commitments,
          proofs: p.proofs,
        },
      ]);
    }
    return true;
  }

  private storeSidecars(height: number, r: BlockResult, p: Payload): void {
    const sidecars: BlobSidecar[] = [];
    let missing = false;
    for (const rc of r.receipts) {
      if (rc.eth?.type !== 3) continue;
      const s = this.blobPool.remove(bytesToHex(rc.txHash));
      if (s) sidecars.push(s);
      else missing = true;
    }
    // sidecars we never received (down when gossiped, or catching up): from peers
    if (missing) {
      const have = new Set(sidecars.map((s) => s.txHash));
      this.sync.sidecars.want(
        height,
        blockBlobTxs(p.txs).filter((t) => !have.has(t.txHash)),
      );
    }
    const store = this.blobStore;
    void store
      .put(height, sidecars)
      .then(() => store.prune(height))
      .then((n) => {
        this.blobPruned += n;
        this.blobMetrics.pruned.set(this.blobPruned);
        this.blobMetrics.stored.set(store.stored);
        if (store.storedBytes > 0) this.blobMetrics.ratio.set(store.rawBytes / store.storedBytes);
      })
      .catch((err) => this.log.error({ err: String(err), height }, 'blob store write failed'));
  }

  private onApplied(block: Block, hash: Uint8Array, p: Payload, r: BlockResult): void {
    this.storeSidecars(block.height, r, p);
    const now = Date.now();
    const receipts = r.receipts.map((rc, index) => ({
      ...receiptToJSON(rc),
      height: block.height,
      index,
    }));
    const info = {
      hash: bytesToHex(hash),
      stateRoot: bytesToHex(r.stateRoot),
      committedAt: now,
      timestamp: p.timestamp,
      txs: receipts.map((x) => x.txHash),
      ...(r.eth ? { eth: ethBlockToJSON(r.eth) } : {}),
    };
    const stateOps = stateWritesToKvOps(r.writes);
    this.store.commit({ block, hash, info, receipts, stateOps });
    if (r.validatorSetChanged) {
      this.log.warn(
        { height: block.height },
        'stake changed; the consensus set stays the genesis set',
      );
    }
    this.txCommitted += p.txs.length;
    this.metrics.txsCommitted.inc(p.txs.length);
    this.metrics.committedHeight.set(block.height);
    if (p.timestamp > 0) {
      this.metrics.commitLatency.observe((now - p.timestamp) / 1000);
      this.finality.push({ height: block.height, ms: now - p.timestamp });
      if (this.finality.length > 10_000) this.finality.splice(0, 5_000);
    }
    for (const l of this.listeners) l('finality', this.blockJson(block.height));
    if (info.eth) for (const l of this.listeners) l('eth', { block: info.eth, receipts });
  }

  blockJson(height: number): BlockJson | null {
    if (height === 0) {
      const g = this.o.genesis;
      return {
        height: 0,
        hash: bytesToHex(g.hash),
        parentHash: bytesToHex(g.block.parentHash),
        view: 0,
        proposer: 0,
        timestamp: g.file.genesisTime,
        stateRoot: bytesToHex(g.stateRoot),
        committedAt: 0,
        qc: { view: 0, blockHash: bytesToHex(g.block.qc.blockHash), signers: '' },
        txs: [],
      };
    }
    const b = this.store.block(height);
    const info = this.store.info(height);
    if (!b || !info) return null;
    return {
      height,
      hash: info.hash,
      parentHash: bytesToHex(b.parentHash),
      view: b.view,
      proposer: b.proposer,
      timestamp: info.timestamp,
      stateRoot: info.stateRoot,
      committedAt: info.committedAt,
      qc: {
        view: b.qc.view,
        blockHash: bytesToHex(b.qc.blockHash),
        signers: bytesToHex(b.qc.signers),
      },
      txs: info.txs,
    };
  }

  status(): StatusJson {
    const s = this.consensus;
    const head = s.blocks.get(s.headKey);
    const h = s.committedHeight;
    return {
      chainId: this.chainId,
      genesisHash: bytesToHex(this.genesisHash),
      validator: this.o.keys?.index ?? -1,
      view: s.view,
      phase: this.phase,
      leader: head ? s.config.election.leader(s.view, head.block.seed) : -1,
      lastQC: { view: s.safety.highQC.view, blockHash: bytesToHex(s.safety.highQC.blockHash) },
      committedHeight: h,
      committedHash: s.committedKey,
      stateRoot: bytesToHex(this.app.root()),
      viewChanges: this.viewChanges,
      halted: s.halted ? `${s.halted.code}: ${s.halted.message}` : null,
      peers: this.network.connectedPeers().length,
      mempool: this.mempool.size,
      txCommitted: this.txCommitted,
    };
  }

  private async metricsText(): Promise<string> {
    this.metrics.peerScore.reset();
    for (const p of this.peers.all()) this.metrics.peerScore.set({ peer: p.id }, p.score);
    return this.metrics.registry.metrics();
  }
}
