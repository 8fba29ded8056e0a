import { Failure, Stat, usePoll } from './common.js';
import { html } from './html.js';
import { expectArray, expectShape, poolStats } from './rpc.js';

const POLL_MS = 3000;
const MAX_WORKER_ROWS = 30;

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
  return s;
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
  const st = usePoll(loadPool, POLL_MS);
  const d = st.data;
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
      <h3>Workers</h3>
      <table id="pool-workers">
        <thead><tr><th scope="col">Miner</th><th scope="col">Worker</th><th scope="col">Accepted</th><th scope="col">Hashrate</th></tr></thead>
        <tbody>${d.workers
          .slice(0, MAX_WORKER_ROWS)
          .map(
            (w) =>
              html`<tr><td>${w.miner}</td><td>${w.worker}</td><td>${w.accepted}</td><td>${fmtHashrate(w.hashrate)}</td></tr>`,
          )}</tbody>
      </table>`
    }
  </section>`;
}
