import {
  computeReconSalt,
  DEFAULT_RECON_INTERVAL_MS,
  type FanoutCandidate,
  P2PError,
  type P2PMessage,
  type PeerInfo,
  RECON_VERSION,
  ReconciliationScheduler,
  ReconciliationState,
  selectFanout,
} from '@keel/bitcoin-p2p';
import { type SipHashKey, sipHashKeyFromU64 } from '@keel/crypto/siphash';

/** BIP330 settings of a node (`keel bitcoin node --erlay`). */
export interface ErlayOptions {
  /** Outbound reconciling peers each transaction is still flooded to. Default 1 (Core's Erlay PR). */
  fanoutOutbound?: number;
  /** Share of inbound reconciling peers each transaction is flooded to. Default 0.1. */
  fanoutInboundFraction?: number;
  /** Gap between two reqrecon (to the outbound peers in turn). Default 2 s. */
  intervalMs?: number;
}

/** Counters of the reconciliation traffic (tests and getpeerinfo-style reporting read them). */
export interface ErlayStats {
  /** Peers that negotiated BIP330 with us (currently connected). */
  peers: number;
  reqreconSent: number;
  reqreconReceived: number;
  sketchesSent: number;
  sketchesReceived: number;
  reqsketchextSent: number;
  reqsketchextReceived: number;
  reconcildiffSent: number;
  reconcildiffReceived: number;
  /** Rounds that found the set difference (initiator side), with or without the extension. */
  roundsSucceeded: number;
  roundsExtended: number;
  /** Rounds that failed even after the extension: both sides announced their whole set. */
  roundsFailed: number;
  /** Rounds where one side had nothing (BIP330: no sketch; the other side announces its set). */
  roundsEmpty: number;
  /** Transactions announced (inv) to a peer because a reconciliation round said it lacks them. */
  announcedByReconciliation: number;
  /** Transactions queued for flooding to a reconciling peer (fanout, collisions, full sets). */
  floodedToReconcilingPeers: number;
}

interface LinkState {
  inbound: boolean;
  index: number;
  state: ReconciliationState;
  localSalt: bigint;
  remoteSalt: bigint;
  rounds: number;
  failed: number;
  extended: number;
  sketchBytesSent: number;
  sketchBytesRecv: number;
}

/** getpeerinfo's `txreconciliation` object for one peer (BIP330 state of that link). */
export interface ErlayPeerInfo {
  /** Both sides sent sendtxrcncl (and wtxidrelay, tx relay): the link reconciles. */
  negotiated: boolean;
  /** 'initiator' on our outbound links (we send reqrecon), 'responder' on inbound ones. */
  role?: 'initiator' | 'responder';
  /** The sendtxrcncl salts (hex u64); the link key is TaggedHash of both, smaller first. */
  local_salt?: string;
  remote_salt?: string;
  /** wtxids waiting in this peer's reconciliation set. */
  set_size?: number;
  /** The q coefficient of the link (the initiator's estimate; the responder's last received). */
  q?: number;
  /** Rounds completed with this peer, of them failed (whole sets announced) and extended. */
  reconciliations?: number;
  reconciliations_failed?: number;
  reconciliations_extended?: number;
  /** Sketch payload bytes (initial + extension) sent to and received from the peer. */
  sketch_bytes_sent?: number;
  sketch_bytes_recv?: number;
}

/** What the relay asks the peer manager to do. */
export interface ErlayHost {
  send(peer: number, msg: P2PMessage): void;
  /** Announce these wtxids to the peer now (inv MSG_WTX), those we still have in the pool. */
  announce(peer: number, wtxids: Uint8Array[]): number;
  /** Drop the peer for a protocol violation. */
  disconnect(peer: number, reason: string): void;
}

/**
 * The node's BIP330 transaction reconciliation (Core's TxReconciliationTracker plus the
 * net_processing glue): a random salt per connection sent in sendtxrcncl before verack, the
 * link key from both salts, a ReconciliationState per negotiated peer (we initiate on outbound
 * links, respond on inbound ones), the 2 s timer over the outbound peers in turn, fanout, and
 * the reqrecon → sketch → (reqsketchext → sketch) → reconcildiff exchange. Peers that did not
 * negotiate (bcoin, old Core) never get here: the peer manager floods to them as before.
 */
export class ErlayRelay {
  readonly stats: ErlayStats = {
    peers: 0,
    reqreconSent: 0,
    reqreconReceived: 0,
    sketchesSent: 0,
    sketchesReceived: 0,
    reqsketchextSent: 0,
    reqsketchextReceived: 0,
    reconcildiffSent: 0,
    reconcildiffReceived: 0,
    roundsSucceeded: 0,
    roundsExtended: 0,
    roundsFailed: 0,
    roundsEmpty: 0,
    announcedByReconciliation: 0,
    floodedToReconcilingPeers: 0,
  };
  private readonly salts = new Map<number, bigint>();
  private readonly links = new Map<number, LinkState>();
  private readonly scheduler: ReconciliationScheduler<number>;
  private readonly fanoutKey: SipHashKey;

  constructor(
    private readonly o: ErlayOptions,
    private readonly host: ErlayHost,
    private readonly nonce: () => bigint,
  ) {
    this.scheduler = new ReconciliationScheduler(o.intervalMs ?? DEFAULT_RECON_INTERVAL_MS);
    this.fanoutKey = sipHashKeyFromU64(nonce(), nonce());
  }

  /** Our sendtxrcncl for a new connection (Core's PreRegisterPeer: a fresh random salt). */
  preRegister(peer: number): { version: number; salt: bigint } {
    const salt = this.nonce();
    this.salts.set(peer, salt);
    return { version: RECON_VERSION, salt };
  }

  /**
   * After verack: reconcile when the peer sent sendtxrcncl (the Peer state machine already
   * checked it came before verack, with version ≥ 1 and tx relay both ways) and wtxid relay.
   */
  register(peer: number, info: PeerInfo, now: number): boolean {
    const local = this.salts.get(peer);
    this.salts.delete(peer);
    const remote = info.txReconciliation;
    if (local === undefined || !remote || !info.wtxidRelay || !info.relay) return false;
    const key = computeReconSalt(local, remote.salt);
    const role = info.inbound ? 'responder' : 'initiator';
    this.links.set(peer, {
      inbound: info.inbound,
      index: peer,
      state: new ReconciliationState({ role, key }),
      localSalt: local,
      remoteSalt: remote.salt,
      rounds: 0,
      failed: 0,
      extended: 0,
      sketchBytesSent: 0,
      sketchBytesRecv: 0,
    });
    if (!info.inbound) this.scheduler.register(peer, now);
    this.stats.peers = this.links.size;
    return true;
  }

  forget(peer: number): void {
    this.salts.delete(peer);
    this.links.delete(peer);
    this.scheduler.unregister(peer);
    this.stats.peers = this.links.size;
  }

  /** The peer's line in getpeerinfo (`negotiated: false` for peers that flood). */
  peerInfo(peer: number): ErlayPeerInfo {
    const l = this.links.get(peer);
    if (!l) return { negotiated: false };
    const hex = (v: bigint): string => v.toString(16).padStart(16, '0');
    return {
      negotiated: true,
      role: l.inbound ? 'responder' : 'initiator',
      local_salt: hex(l.localSalt),
      remote_salt: hex(l.remoteSalt),
      set_size: l.state.size,
      q: l.state.currentQ,
      reconciliations: l.rounds,
      reconciliations_failed: l.failed,
      reconciliations_extended: l.extended,
      sketch_bytes_sent: l.sketchBytesSent,
      sketch_bytes_recv: l.sketchBytesRecv,
    };
  }

  reconciles(peer: number): boolean {
    return this.links.has(peer);
  }

  /** The reconciling peers this transaction is flooded to anyway (BIP330 low fanout). */
  fanout(wtxid: Uint8Array, connected: (peer: number) => boolean): Set<number> {
    const cands: FanoutCandidate<number>[] = [];
    for (const [id, l] of this.links) {
      if (connected(id)) cands.push({ id, index: l.index, inbound: l.inbound });
    }
    return new Set(
      selectFanout(wtxid, cands, {
        key: this.fanoutKey,
        outbound: this.o.fanoutOutbound ?? 1,
        inboundFraction: this.o.fanoutInboundFraction ?? 0.1,
      }),
    );
  }

  /** Queues a transaction for the next round with `peer`; false: flood it instead. */
  add(peer: number, wtxid: Uint8Array): boolean {
    const l = this.links.get(peer);
    if (!l) return false;
    const r = l.state.add(wtxid);
    if (r.kind === 'added' || r.kind === 'present') return true;
    this.stats.floodedToReconcilingPeers++;
    return false;
  }

  noteFlooded(): void {
    this.stats.floodedToReconcilingPeers++;
  }

  /** The peer announced it to us (or we to it): it need not be in the set. */
  known(peer: number, wtxid: Uint8Array): void {
    this.links.get(peer)?.state.remove(wtxid);
  }

  /** Timer: the outbound peer due for a reqrecon, if any. */
  tick(now: number): void {
    const peer = this.scheduler.due(now, (id) => this.links.get(id)?.state.busy ?? false);
    if (peer === undefined) return;
    const req = this.links.get(peer)?.state.requestReconciliation();
    if (!req) return;
    this.stats.reqreconSent++;
    this.host.send(peer, { command: 'reqrecon', payload: req });
  }

  /** reqrecon / sketch / reqsketchext / reconcildiff from `peer`. */
  onMessage(peer: number, m: P2PMessage): void {
    const l = this.links.get(peer);
    if (!l) {
      this.host.disconnect(peer, `${m.command} from a peer that did not negotiate reconciliation`);
      return;
    }
    try {
      this.handle(peer, l, m);
    } catch (e) {
      if (!(e instanceof P2PError)) throw e;
      this.host.disconnect(peer, `txreconciliation: ${e.message}`);
    }
  }

  private handle(peer: number, l: LinkState, m: P2PMessage): void {
    const s = l.state;
    switch (m.command) {
      case 'reqrecon': {
        this.stats.reqreconReceived++;
        s.onReqRecon(m.payload);
        this.stats.sketchesSent++;
        const sketch = s.respondSketch();
        l.sketchBytesSent += sketch.length;
        this.host.send(peer, { command: 'sketch', payload: sketch });
        return;
      }
      case 'sketch': {
        this.stats.sketchesReceived++;
        const step = s.onSketch(m.payload);
        l.sketchBytesRecv += m.payload.length;
        if (step.kind === 'extend') {
          this.stats.reqsketchextSent++;
          this.host.send(peer, { command: 'reqsketchext', payload: null });
          return;
        }
        if (step.success) this.stats.roundsSucceeded++;
        else if (step.extended) this.stats.roundsFailed++;
        else this.stats.roundsEmpty++;
        if (step.extended && step.success) this.stats.roundsExtended++;
        l.rounds++;
        if (step.extended && !step.success) l.failed++;
        if (step.extended && step.success) l.extended++;
        this.stats.reconcildiffSent++;
        this.host.send(peer, { command: 'reconcildiff', payload: step.diff });
        this.stats.announcedByReconciliation += this.host.announce(peer, step.announce);
        return;
      }
      case 'reqsketchext': {
        this.stats.reqsketchextReceived++;
        const ext = s.onReqSketchExt();
        this.stats.sketchesSent++;
        l.sketchBytesSent += ext.length;
        this.host.send(peer, { command: 'sketch', payload: ext });
        return;
      }
      case 'reconcildiff': {
        this.stats.reconcildiffReceived++;
        const out = s.onReconcilDiff(m.payload);
        l.rounds++;
        if (!m.payload.success) l.failed++;
        this.stats.announcedByReconciliation += this.host.announce(peer, out);
        return;
      }
      default:
        return;
    }
  }
}
