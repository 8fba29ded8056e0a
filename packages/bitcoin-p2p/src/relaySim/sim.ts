import { sipHashKeyFromU64 } from '@keel/crypto/siphash';
import { selectFanout } from '../erlay/fanout.ts';
import type { ReconcilDiff, ReqRecon } from '../erlay/messages.ts';
import { ReconciliationState } from '../erlay/reconciliation.ts';
import { ReconciliationScheduler } from '../erlay/scheduler.ts';
import { EventHeap } from './heap.ts';
import { SimRandom } from './rng.ts';
import type { RelayBytes, RelayMode, RelaySimOptions, RelaySimResult } from './types.ts';

type Msg =
  | { k: 'inv'; txs: number[]; recon: boolean }
  | { k: 'getdata'; txs: number[] }
  | { k: 'tx'; tx: number }
  | { k: 'reqrecon'; m: ReqRecon }
  | { k: 'sketch'; data: Uint8Array }
  | { k: 'reqsketchext' }
  | { k: 'reconcildiff'; m: ReconcilDiff };

type Ev =
  | { k: 'create'; tx: number; node: number }
  | { k: 'flush'; node: number; slot: number }
  | { k: 'msg'; node: number; slot: number; msg: Msg }
  | { k: 'recon'; node: number };

interface Slot {
  peer: number;
  /** Our slot index in the peer's list. */
  back: number;
  /** We opened the connection (the peer is our outbound; we initiate reconciliation). */
  outbound: boolean;
  latency: number;
  /** Transactions the peer is known to have (announced either way). */
  known: Uint8Array;
  /** Mirror of which transactions we put in `recon` (saves hashing on every removal check). */
  inSet: Uint8Array;
  queue: number[];
  flushAt: number;
  recon: ReconciliationState | undefined;
}

interface SimNode {
  slots: Slot[];
  /** 0 unknown, 1 requested, 2 have */
  have: Uint8Array;
  /** 1 when the transaction was requested after a reconciliation (not a flooded inv). */
  viaRecon: Uint8Array;
  scheduler: ReconciliationScheduler<number> | undefined;
}

const HEADER = 24;
const cs = (n: number): number => (n < 0xfd ? 1 : n <= 0xffff ? 3 : 5);

interface Topology {
  edges: { a: number; b: number; latency: number; k0: number; k1: number }[];
}

/** Random topology: every node opens `outbound` connections to distinct reachable nodes. */
export function buildTopology(o: RelaySimOptions, rng: SimRandom): Topology {
  const reachable = Math.max(2, Math.round(o.nodes * o.reachableFraction));
  const edges: Topology['edges'] = [];
  for (let a = 0; a < o.nodes; a++) {
    const want = Math.min(o.outbound, a < reachable ? reachable - 1 : reachable);
    const chosen = new Set<number>();
    while (chosen.size < want) {
      const b = rng.int(reachable);
      if (b !== a) chosen.add(b);
    }
    for (const b of chosen) {
      const latency = o.latencyMinMs + rng.float() * (o.latencyMaxMs - o.latencyMinMs);
      edges.push({ a, b, latency, k0: rng.u32(), k1: rng.u32() });
    }
  }
  return { edges };
}

/**
 * One relay run over the topology (same seed, same topology for every mode). Flooding: every
 * new transaction is queued to every peer that does not know it and announced by inv at
 * Core's Poisson trickle times. Erlay: the same, but only to the low-fanout peers chosen by
 * selectFanout; the rest learn it through ReconciliationState rounds driven by
 * ReconciliationScheduler — the pure code in ../erlay, sketches included.
 */
export function runRelaySim(mode: RelayMode, o: RelaySimOptions, topo: Topology): RelaySimResult {
  const rng = new SimRandom((o.seed ^ (mode === 'erlay' ? 0x5eed : 0)) >>> 0);
  const txTimes: number[] = [];
  const txOrigin: number[] = [];
  const txRng = new SimRandom(o.seed ^ 0x7a);
  for (
    let t = txRng.exp(1000 / o.txRate);
    t < o.durationS * 1000;
    t += txRng.exp(1000 / o.txRate)
  ) {
    txTimes.push(t);
    txOrigin.push(txRng.int(o.nodes));
  }
  const nTx = txTimes.length;
  const wtxids = txTimes.map(() => txRng.bytes(32));
  const txIndex = new Map<Uint8Array, number>(wtxids.map((w, i) => [w, i]));
  const nodes: SimNode[] = [];
  for (let i = 0; i < o.nodes; i++)
    nodes.push({
      slots: [],
      have: new Uint8Array(nTx),
      viaRecon: new Uint8Array(nTx),
      scheduler: undefined,
    });
  for (const e of topo.edges) {
    const na = nodes[e.a]!;
    const nb = nodes[e.b]!;
    const key = sipHashKeyFromU64(BigInt(e.k0), BigInt(e.k1));
    const mk = (peer: number, back: number, outbound: boolean): Slot => ({
      peer,
      back,
      outbound,
      latency: e.latency,
      known: new Uint8Array(nTx),
      inSet: new Uint8Array(mode === 'erlay' ? nTx : 0),
      queue: [],
      flushAt: -1,
      recon:
        mode === 'erlay'
          ? new ReconciliationState({ role: outbound ? 'initiator' : 'responder', key })
          : undefined,
    });
    na.slots.push(mk(e.b, nb.slots.length, true));
    nb.slots.push(mk(e.a, na.slots.length - 1, false));
  }

  const heap = new EventHeap<Ev>();
  const counted: RelayBytes = { announce: 0, getdata: 0, reconciliation: 0, tx: 0, total: 0 };
  const recon = { rounds: 0, extended: 0, failed: 0, differences: 0 };
  const reach = new Int32Array(nTx);
  const t50 = new Float64Array(nTx).fill(-1);
  const t90 = new Float64Array(nTx).fill(-1);
  const t100 = new Float64Array(nTx).fill(-1);
  let completed = 0;
  let now = 0;
  const fanoutKey = sipHashKeyFromU64(BigInt(rng.u32()), BigInt(rng.u32()));

  for (let t = 0; t < nTx; t++) heap.push(txTimes[t]!, { k: 'create', tx: t, node: txOrigin[t]! });
  if (mode === 'erlay') {
    for (let i = 0; i < o.nodes; i++) {
      const n = nodes[i]!;
      const outs = n.slots.flatMap((s, j) => (s.outbound ? [j] : []));
      if (outs.length === 0) continue;
      // Core spaces requests by the per-peer interval over the peers it initiates to.
      const gap = o.reconIntervalMs / outs.length;
      n.scheduler = new ReconciliationScheduler<number>(gap);
      const start = -rng.float() * gap; // random phase per node
      for (const j of outs) n.scheduler.register(j, start);
      heap.push(n.scheduler.nextDue()!, { k: 'recon', node: i });
    }
  }

  const winStart = o.warmupS * 1000;
  const winEnd = o.windowS > 0 ? winStart + o.windowS * 1000 : Number.POSITIVE_INFINITY;
  const inWindow = new Uint8Array(nTx);
  let windowTx = 0;
  for (let t = 0; t < nTx; t++) {
    if (txTimes[t]! >= winStart && txTimes[t]! < winEnd) {
      inWindow[t] = 1;
      windowTx++;
    }
  }
  let windowCompleted = 0;
  const sink: RelayBytes = { announce: 0, getdata: 0, reconciliation: 0, tx: 0, total: 0 };

  const send = (from: number, slot: number, msg: Msg): void => {
    const s = nodes[from]!.slots[slot]!;
    // Outside the window the message still travels, it is only not counted.
    const bytes = now >= winStart && now < winEnd ? counted : sink;
    let b = HEADER;
    switch (msg.k) {
      case 'inv':
        b += cs(msg.txs.length) + 36 * msg.txs.length;
        bytes.announce += b;
        break;
      case 'getdata':
        b += cs(msg.txs.length) + 36 * msg.txs.length;
        bytes.getdata += b;
        break;
      case 'tx':
        b += o.txSize;
        bytes.tx += b;
        break;
      case 'reqrecon':
        b += 4;
        bytes.reconciliation += b;
        break;
      case 'sketch':
        b += cs(msg.data.length) + msg.data.length;
        bytes.reconciliation += b;
        break;
      case 'reqsketchext':
        bytes.reconciliation += b;
        break;
      case 'reconcildiff':
        b += 1 + cs(msg.m.askShortIds.length) + 4 * msg.m.askShortIds.length;
        bytes.reconciliation += b;
        break;
    }
    bytes.total += b;
    heap.push(now + s.latency, { k: 'msg', node: s.peer, slot: s.back, msg });
  };

  const enqueue = (node: number, slot: number, tx: number): void => {
    const s = nodes[node]!.slots[slot]!;
    s.queue.push(tx);
    if (s.flushAt < 0) {
      s.flushAt = now + rng.exp(s.outbound ? o.trickleOutboundMs : o.trickleInboundMs);
      heap.push(s.flushAt, { k: 'flush', node, slot });
    }
  };

  const announceNow = (node: number, slot: number, txs: number[], viaRecon: boolean): void => {
    const s = nodes[node]!.slots[slot]!;
    const fresh = txs.filter((t) => s.known[t] === 0);
    for (const t of fresh) s.known[t] = 1;
    if (fresh.length > 0) send(node, slot, { k: 'inv', txs: fresh, recon: viaRecon });
  };

  const accept = (node: number, from: number, tx: number): void => {
    const n = nodes[node]!;
    n.have[tx] = 2;
    const r = ++reach[tx]!;
    const age = now - txTimes[tx]!;
    if (t50[tx]! < 0 && r >= o.nodes * 0.5) t50[tx] = age;
    if (t90[tx]! < 0 && r >= o.nodes * 0.9) t90[tx] = age;
    if (r === o.nodes) {
      t100[tx] = age;
      completed++;
      if (inWindow[tx] === 1) windowCompleted++;
    }
    const targets: number[] = [];
    for (let j = 0; j < n.slots.length; j++) {
      if (j !== from && n.slots[j]!.known[tx] === 0) targets.push(j);
    }
    if (mode === 'flood') {
      for (const j of targets) enqueue(node, j, tx);
      return;
    }
    const w = wtxids[tx]!;
    // Low fanout: only transactions that arrived by flooding (or are our own) are flooded on.
    const flooded = from < 0 || n.viaRecon[tx] === 0 || !o.fanoutOnlyFlooded;
    const fan = new Set(
      !flooded
        ? []
        : selectFanout(
            w,
            // Ranked over all reconciling peers, as Core's GetFanoutTargets; the ones that
            // already know the transaction are then simply not sent it.
            n.slots.map((sl, j) => ({ id: j, index: j, inbound: !sl.outbound })),
            {
              key: fanoutKey,
              outbound: o.fanoutOutbound,
              inboundFraction: o.fanoutInboundFraction,
            },
          ),
    );
    for (const j of targets) {
      if (fan.has(j)) enqueue(node, j, tx);
      else {
        const sl = n.slots[j]!;
        const res = sl.recon!.add(w);
        if (res.kind === 'collision' || res.kind === 'full') enqueue(node, j, tx);
        else sl.inSet[tx] = 1;
      }
    }
  };

  const unset = (s: Slot, t: number): void => {
    if (s.recon !== undefined && s.inSet[t] === 1) {
      s.inSet[t] = 0;
      s.recon.remove(wtxids[t]!);
    }
  };

  const onMsg = (node: number, slot: number, msg: Msg): void => {
    const n = nodes[node]!;
    const s = n.slots[slot]!;
    switch (msg.k) {
      case 'inv': {
        const want: number[] = [];
        for (const t of msg.txs) {
          s.known[t] = 1;
          unset(s, t);
          if (n.have[t] === 0) {
            n.have[t] = 1;
            n.viaRecon[t] = msg.recon ? 1 : 0;
            want.push(t);
          }
        }
        if (want.length > 0) send(node, slot, { k: 'getdata', txs: want });
        return;
      }
      case 'getdata':
        for (const t of msg.txs) send(node, slot, { k: 'tx', tx: t });
        return;
      case 'tx':
        s.known[msg.tx] = 1;
        unset(s, msg.tx);
        if (n.have[msg.tx] !== 2) accept(node, slot, msg.tx);
        return;
      case 'reqrecon':
        s.recon!.onReqRecon(msg.m);
        send(node, slot, { k: 'sketch', data: s.recon!.respondSketch() });
        return;
      case 'reqsketchext':
        send(node, slot, { k: 'sketch', data: s.recon!.onReqSketchExt() });
        return;
      case 'sketch': {
        const step = s.recon!.onSketch(msg.data);
        if (step.kind === 'extend') {
          recon.extended++;
          send(node, slot, { k: 'reqsketchext' });
          return;
        }
        recon.rounds++;
        recon.differences += step.differences;
        if (!step.success && msg.data.length > 0) recon.failed++;
        send(node, slot, { k: 'reconcildiff', m: step.diff });
        announceNow(
          node,
          slot,
          step.announce.map((w) => txIndex.get(w)!),
          true,
        );
        return;
      }
      case 'reconcildiff':
        announceNow(
          node,
          slot,
          s.recon!.onReconcilDiff(msg.m).map((w) => txIndex.get(w)!),
          true,
        );
        return;
    }
  };

  const end = o.maxSimS * 1000;
  // With a closed window the run ends once the window is over and its transactions arrived.
  const finished = (): boolean =>
    o.windowS > 0 ? now >= winEnd && windowCompleted === windowTx : completed === nTx;
  while (heap.size > 0 && !finished()) {
    now = heap.peekTime()!;
    if (now > end) break;
    const ev = heap.pop()!;
    switch (ev.k) {
      case 'create':
        accept(ev.node, -1, ev.tx);
        break;
      case 'flush': {
        const s = nodes[ev.node]!.slots[ev.slot]!;
        const txs = s.queue;
        s.queue = [];
        s.flushAt = -1;
        announceNow(ev.node, ev.slot, txs, false);
        break;
      }
      case 'msg':
        onMsg(ev.node, ev.slot, ev.msg);
        break;
      case 'recon': {
        const n = nodes[ev.node]!;
        const sch = n.scheduler!;
        const j = sch.due(now, (id) => n.slots[id]!.recon!.busy);
        if (j !== undefined) {
          const m = n.slots[j]!.recon!.requestReconciliation();
          if (m !== undefined) send(ev.node, j, { k: 'reqrecon', m });
        }
        const next = sch.nextDue()!;
        heap.push(next > now ? next : now + o.reconIntervalMs / sch.peers.length, ev);
        break;
      }
    }
  }

  const mean = (a: Float64Array): number => {
    let sum = 0;
    let k = 0;
    for (let t = 0; t < a.length; t++) {
      const v = a[t]!;
      if (v >= 0 && inWindow[t] === 1) {
        sum += v;
        k++;
      }
    }
    return k === 0 ? Number.NaN : sum / k;
  };
  const perNode = (v: number): number => v / o.nodes;
  let worst = 0;
  for (let t = 0; t < nTx; t++) if (inWindow[t] === 1 && t100[t]! > worst) worst = t100[t]!;
  return {
    mode,
    nodes: o.nodes,
    outbound: o.outbound,
    transactions: nTx,
    completed,
    window: {
      startS: o.warmupS,
      endS: Math.min(winEnd, now, end) / 1000,
      transactions: windowTx,
      completed: windowCompleted,
    },
    bytesPerNode: {
      announce: perNode(counted.announce),
      getdata: perNode(counted.getdata),
      reconciliation: perNode(counted.reconciliation),
      tx: perNode(counted.tx),
      total: perNode(counted.total),
    },
    reachMs: { p50: mean(t50), p90: mean(t90), p100: mean(t100), p100Max: worst },
    reconciliation: recon,
    simulatedS: Math.min(now, end) / 1000,
  };
}
