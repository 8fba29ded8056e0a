import { compareRelay, type RelayComparison, type RelaySimOptions } from '@keel/bitcoin-p2p';
import type { RelaySimCliOptions } from './options.ts';

function toOptions(o: RelaySimCliOptions): Partial<RelaySimOptions> {
  return {
    nodes: o.nodes,
    reachableFraction: o.reachable,
    outbound: o.outbound,
    txRate: o.txRate,
    durationS: o.duration,
    warmupS: o.warmup,
    windowS: o.window,
    maxSimS: o.maxTime,
    seed: o.seed,
    txSize: o.txSize,
    reconIntervalMs: o.reconInterval,
    fanoutOutbound: o.fanoutOutbound,
    fanoutInboundFraction: o.fanoutInbound,
    fanoutOnlyFlooded: o.fanoutOnlyFlooded,
  };
}

const kb = (v: number): string => (v / 1000).toFixed(1);
const s = (ms: number): string => (ms / 1000).toFixed(2);

function summary(c: RelayComparison): string {
  const rows = [c.flood, c.erlay].map(
    (r) =>
      `${r.mode.padEnd(6)} ${kb(r.bytesPerNode.announce).padStart(8)} ${kb(r.bytesPerNode.getdata).padStart(8)} ${kb(r.bytesPerNode.reconciliation).padStart(8)} ${kb(r.bytesPerNode.tx).padStart(8)} ${kb(r.bytesPerNode.total).padStart(8)}   ${s(r.reachMs.p50)} / ${s(r.reachMs.p90)} / ${s(r.reachMs.p100)} (max ${s(r.reachMs.p100Max)})  ${r.window.completed}/${r.window.transactions}`,
  );
  return [
    `${c.options.nodes} nodes, ${c.options.outbound} outbound, ${c.flood.transactions} transactions, seed ${c.options.seed}, measured ${c.flood.window.startS}..${c.flood.window.endS.toFixed(1)} s (${c.flood.window.transactions} transactions created in it)`,
    'mode   inv kB/n  getdata    recon    bodies   total   reach 50/90/100% s          done',
    ...rows,
    `Erlay/flooding: announcements (inv + reconciliation) ${c.ratios.announcements.toFixed(3)}, total ${c.ratios.total.toFixed(3)}, time to all nodes ${c.ratios.reachP100DeltaMs >= 0 ? '+' : ''}${s(c.ratios.reachP100DeltaMs)} s`,
  ].join('\n');
}

export async function relaySimHandler(o: RelaySimCliOptions): Promise<number> {
  const base = toOptions(o);
  const main = compareRelay(base);
  const table = o.table
    ? [8, 16, 32].map((outbound) =>
        outbound === o.outbound ? main : compareRelay({ ...base, outbound }),
      )
    : [];
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ comparison: main, outboundTable: table })}\n`);
    return 0;
  }
  process.stdout.write(`${summary(main)}\n`);
  for (const t of table) process.stdout.write(`\n${summary(t)}\n`);
  return 0;
}
