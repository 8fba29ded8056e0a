import { LineChart } from './charts.js';
import { Failure, Stat, usePoll } from './common.js';
import { html, useRef } from './html.js';
import { expectArray, expectShape, poolDoc, poolStats, ServiceFailure } from './rpc.js';

const POLL_MS = 3000;
const MAX_WORKER_ROWS = 30;
/** Hashrate samples kept per miner for the chart (one per poll: 40 × 3 s = 2 min). */
export const HASHRATE_SAMPLES = 40;

async function loadPool() {
  const s = await poolStats();
  expectShape(
    s,
    {
      miners: 'number',
      channels: 'number',
      connections: 'number',
      sharesAccepted: 'number',
      sharesRejected: 'object',
      blocksFound: 'number',
      workers: 'array',
    },
    'pool /stats',
  );
  for (const w of expectArray(s.workers, 'pool workers')) {
    expectShape(
      w,
      { miner: 'string', worker: 'string', accepted: 'number', hashrate: 'number' },
      'worker',
    );
  }
  // Merge mining is optional: a pool without it answers 404 for these documents.
  const [mm, ledger] = await Promise.all([poolDoc('merge-mining'), poolDoc('ledger')]);
  if (mm !== null) {
    for (const c of expectArray(mm, 'pool /merge-mining')) {
      expectShape(c, { name: 'string', accepted: 'number', rejected: 'number' }, 'aux chain');
    }
  }
  if (ledger !== null) {
    expectShape(ledger, { totals: 'object' }, 'pool /ledger');
    for (const [chain, split] of Object.entries(ledger.totals)) {
      expectShape(split, {}, `ledger totals of ${chain}`);
      for (const [party, amount] of Object.entries(split)) {
        if (typeof amount !== 'string' || !/^\d+$/.test(amount)) {
          throw new ServiceFailure('malformed', `ledger: ${chain}/${party} is not an amount`);
        }
      }
    }
  }
  return { ...s, mm, ledger };
}

/** Appends this poll's hashrate per miner (sum over its workers) to the kept history. */
function record(history, workers) {
  const now = new Map();
  for (const w of workers) now.set(w.miner, (now.get(w.miner) ?? 0) + w.hashrate);
  for (const [miner, h] of now) {
    const xs = history.get(miner) ?? [];
    xs.push(h);
    if (xs.length > HASHRATE_SAMPLES) xs.shift();
    history.set(miner, xs);
  }
  for (const miner of [...history.keys()]) if (!now.has(miner)) history.delete(miner);
  return [...history.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, values]) => ({ name, values: [...values] }));
}

/** Revenue split per aux chain and party (amounts in the chain's smallest unit). */
function RevenueSplit({ mm, ledger }) {
  const chains = Object.entries(ledger?.totals ?? {});
  return html`<h3>Merge mining</h3>
    ${
      mm &&
      html`<table id="pool-aux">
        <thead><tr><th scope="col">Chain</th><th scope="col">Height</th><th scope="col">Aux blocks accepted</th><th scope="col">Rejected</th></tr></thead>
        <tbody>${mm.map((c) => html`<tr><td>${c.name}</td><td>${String(c.height ?? '—')}</td><td>${c.accepted}</td><td>${c.rejected}</td></tr>`)}</tbody>
      </table>`
    }
    ${
      chains.length === 0
        ? html`<p>No merge-mined revenue booked yet.</p>`
        : html`<table id="pool-revenue">
        <thead><tr><th scope="col">Chain</th><th scope="col">Party</th><th scope="col">Amount</th></tr></thead>
        <tbody>${chains.flatMap(([chain, split]) =>
          Object.entries(split).map(
            ([party, amount]) =>
              html`<tr><td>${chain}</td><td>${party}</td><td>${amount}</td></tr>`,
          ),
        )}</tbody>
      </table>`
    }`;
}

function fmtHashrate(h) {
  const units = ['H/s', 'kH/s', 'MH/s', 'GH/s', 'TH/s', 'PH/s', 'EH/s'];
  let i = 0;
  let x = h;
  while (x >= 1000 && i < units.length - 1) {
    x /= 1000;
    i++;
  }
  return `${x.toFixed(x < 10 ? 2 : 1)} ${units[i]}`;
}

/** Stratum pool: miners and channels, shares accepted/rejected by reason, blocks found. */
export function PoolView() {
  const history = useRef(new Map());
  const series = useRef([]);
  const st = usePoll(async () => {
    const d = await loadPool();
    series.current = record(history.current, d.workers);
    return d;
  }, POLL_MS);
  const d = st.data;
  const lines = series.current;
  const peak = Math.max(0, ...lines.flatMap((l) => l.values));
  const reasons = d ? Object.entries(d.sharesRejected) : [];
  const rejected = reasons.reduce((a, [, n]) => a + (typeof n === 'number' ? n : 0), 0);
  return html`<section class="card" id="pool" aria-labelledby="pool-title">
    <header class="card-head">
      <h2 id="pool-title">Stratum pool</h2>
      <span class="badge poll">polling</span>
    </header>
    <${Failure} ...${st} />
    ${
      d &&
      html`<div class="stats">
        <${Stat} id="pool-miners" label="Miners" value=${d.miners} />
        <${Stat} id="pool-channels" label="Channels" value=${d.channels} />
        <${Stat} id="pool-accepted" label="Shares accepted" value=${d.sharesAccepted} />
        <${Stat} id="pool-rejected" label="Shares rejected" value=${rejected} />
        <${Stat} id="pool-blocks" label="Blocks found" value=${d.blocksFound} />
      </div>
      ${
        reasons.length > 0 &&
        html`<h3>Rejected by reason</h3>
        <ul id="pool-reasons">${reasons.map(([r, n]) => html`<li><span class="mono">${r}</span>: ${String(n)}</li>`)}</ul>`
      }
      <${LineChart} id="pool-hashrate" series=${lines}
        label=${`Hashrate per miner over the last ${Math.max(0, ...lines.map((l) => l.values.length))} polls; peak ${fmtHashrate(peak)}`}
        axis=${`peak ${fmtHashrate(peak)}`}
        caption=${`Hashrate per miner (estimated from shares), one point every ${POLL_MS / 1000} s`} />
      <h3>Workers</h3>
      <table id="pool-workers">
        <thead><tr><th scope="col">Miner</th><th scope="col">Worker</th><th scope="col">Accepted</th><th scope="col">Hashrate</th></tr></thead>
        <tbody>${d.workers
          .slice(0, MAX_WORKER_ROWS)
          .map(
            (w) =>
              html`<tr><td>${w.miner}</td><td>${w.worker}</td><td>${w.accepted}</td><td>${fmtHashrate(w.hashrate)}</td></tr>`,
          )}</tbody>
      </table>
      ${(d.mm || d.ledger) && html`<${RevenueSplit} mm=${d.mm} ledger=${d.ledger} />`}`
    }
  </section>`;
}
