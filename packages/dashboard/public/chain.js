import { BarChart } from './charts.js';
import { Failure, MAX_BACKOFF_MS, Stat, short, usePoll } from './common.js';
import { html, useEffect, useRef, useState } from './html.js';
import { expectArray, expectShape, rpc, ServiceFailure } from './rpc.js';

/** Blocks kept for the table and the chart (older ones are dropped). */
export const RECENT_BLOCKS = 24;
const POLL_MS = 3000;

const blockShape = {
  height: 'number',
  hash: 'string',
  proposer: 'number',
  timestamp: 'number',
  committedAt: 'number',
  txs: 'array',
};

/**
 * Subscribes to `newBlocks` over the proxied WebSocket; each notification bumps `tick` so the
 * view reloads at once. Reconnects with back-off; `live` says whether the socket is up.
 */
function useNewBlocks() {
  const [live, setLive] = useState(false);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let ws = null;
    let closed = false;
    let failures = 0;
    let timer = 0;
    const open = () => {
      ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/api/chain/ws`);
      ws.addEventListener('open', () => {
        ws.send(
          JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'subscribe',
            params: { topic: 'newBlocks' },
          }),
        );
      });
      ws.addEventListener('message', (e) => {
        let m;
        try {
          m = JSON.parse(String(e.data));
        } catch {
          return;
        }
        if (m.id === 1 && m.result) {
          failures = 0;
          setLive(true);
        } else if (m.method === 'subscription') setTick((t) => t + 1);
      });
      ws.addEventListener('close', () => {
        setLive(false);
        if (closed) return;
        failures++;
        timer = setTimeout(open, Math.min(MAX_BACKOFF_MS, 500 * 2 ** failures));
      });
    };
    open();
    return () => {
      closed = true;
      clearTimeout(timer);
      ws?.close();
    };
  }, []);
  return { live, tick };
}

async function loadChain(cache) {
  const [status, mempool, validators] = await Promise.all([
    rpc('chain', 'consensus_getStatus', {}),
    rpc('chain', 'mempool_status', {}),
    rpc('chain', 'consensus_getValidators', {}),
  ]);
  expectShape(
    status,
    { committedHeight: 'number', view: 'number', chainId: 'string', peers: 'number' },
    'consensus_getStatus',
  );
  expectShape(mempool, { size: 'number', bytes: 'number' }, 'mempool_status');
  for (const v of expectArray(validators, 'consensus_getValidators')) {
    expectShape(v, { index: 'number', stake: 'number', name: 'string' }, 'validator');
  }
  const top = status.committedHeight;
  const want = [];
  for (let h = top; h >= Math.max(1, top - RECENT_BLOCKS + 1); h--) if (!cache.has(h)) want.push(h);
  const blocks = await Promise.all(
    want.map((height) => rpc('chain', 'chain_getBlockByHeight', { height })),
  );
  blocks.forEach((b, i) => {
    if (b === null) return;
    expectShape(b, blockShape, `block ${want[i]}`);
    cache.set(b.height, b);
  });
  for (const h of [...cache.keys()]) if (h <= top - RECENT_BLOCKS) cache.delete(h);
  const recent = [...cache.values()].sort((a, b) => b.height - a.height);
  return { status, mempool, validators, recent };
}

/** Bars of each recent block's finality time (commit time minus block timestamp). */
function FinalityChart({ blocks }) {
  const pts = [...blocks].reverse();
  const ms = pts.map((b) => Math.max(0, b.committedAt - b.timestamp));
  const max = Math.max(1, ...ms);
  const last = pts[pts.length - 1];
  const label = last
    ? `Finality time of the last ${pts.length} blocks; block ${last.height} took ${ms[ms.length - 1]} ms, the slowest ${max} ms`
    : 'Finality time chart: no blocks yet';
  return html`<${BarChart} id="finality-chart" label=${label} axis=${`max ${max} ms`}
    caption="Finality time per block (ms), oldest left"
    attrs=${{ 'data-last-height': last?.height ?? 0 }}
    bars=${pts.map((b, i) => ({ value: ms[i], key: b.height, title: `block ${b.height}: ${ms[i]} ms` }))} />`;
}

function TxResult({ tx, hash }) {
  const r = tx.receipt;
  return html`<dl class="result" id="search-result" data-kind="transaction">
    <dt>Transaction</dt><dd class="mono">${hash}</dd>
    <dt>State</dt><dd>${tx.pending ? 'pending in the mempool' : `in block ${r?.height ?? '?'} (#${r?.index ?? '?'})`}</dd>
    ${
      r &&
      html`<dt>Kind</dt><dd>${String(r.kind)}</dd>
      <dt>Status</dt><dd>${String(r.status)}</dd>
      <dt>Gas used / fee</dt><dd>${String(r.gasUsed)} / ${String(r.fee)}</dd>`
    }
  </dl>`;
}

function BlockResult({ b, onPick }) {
  return html`<dl class="result" id="search-result" data-kind="block">
    <dt>Block</dt><dd>${b.height}</dd>
    <dt>Hash</dt><dd class="mono">${b.hash}</dd>
    <dt>Proposer</dt><dd>validator ${b.proposer}</dd>
    <dt>Transactions</dt>
    <dd>${
      b.txs.length === 0
        ? 'none'
        : html`<ul class="txs">${b.txs.map(
            (t) =>
              html`<li><button type="button" class="link mono" onClick=${() => onPick(String(t))}>${short(t)}</button></li>`,
          )}</ul>`
    }</dd>
  </dl>`;
}

async function search(q) {
  const s = q.trim().toLowerCase();
  if (/^\d{1,15}$/.test(s)) {
    const b = await rpc('chain', 'chain_getBlockByHeight', { height: Number(s) });
    if (b === null) return { none: `no block at height ${s}` };
    return { block: expectShape(b, blockShape, 'block') };
  }
  if (/^(0x)?[0-9a-f]{64}$/.test(s)) {
    const hash = s.replace(/^0x/, '');
    const tx = await rpc('chain', 'chain_getTransaction', { hash });
    if (tx !== null)
      return {
        tx: expectShape(tx, { pending: 'boolean', receipt: 'object?' }, 'transaction'),
        hash,
      };
    const b = await rpc('chain', 'chain_getBlockByHash', { hash });
    if (b !== null) return { block: expectShape(b, blockShape, 'block') };
    return { none: `no transaction or block with hash ${hash}` };
  }
  throw new ServiceFailure(
    'rpc',
    'enter a block height or a 32-byte hex hash (block or transaction)',
  );
}

function Search() {
  const [q, setQ] = useState('');
  const [out, setOut] = useState(null);
  const go = async (query) => {
    setOut({ busy: true });
    try {
      setOut(await search(query));
    } catch (e) {
      setOut({ error: e });
    }
  };
  const submit = (e) => {
    e.preventDefault();
    void go(q);
  };
  const pick = (t) => {
    setQ(t);
    void go(t);
  };
  return html`<section class="search" aria-labelledby="search-title">
    <h3 id="search-title">Search</h3>
    <form onSubmit=${submit} role="search">
      <label for="search-input">Block height, block hash or transaction hash</label>
      <div class="row">
        <input id="search-input" name="q" value=${q} onInput=${(e) => setQ(e.currentTarget.value)}
          autocomplete="off" spellcheck="false" maxlength="80" />
        <button type="submit">Search</button>
      </div>
    </form>
    ${out?.busy && html`<p>Searching…</p>`}
    ${out?.error && html`<div class="failure" role="alert">${String(out.error.message)}</div>`}
    ${out?.none && html`<p id="search-result" data-kind="none">${out.none}</p>`}
    ${out?.tx && html`<${TxResult} tx=${out.tx} hash=${out.hash} />`}
    ${out?.block && html`<${BlockResult} b=${out.block} onPick=${pick} />`}
  </section>`;
}

/** The chain view: status tiles, finality chart, recent blocks, validators, search. */
export function ChainView() {
  const cache = useRef(new Map());
  const { live, tick } = useNewBlocks();
  const st = usePoll(() => loadChain(cache.current), POLL_MS, tick);
  const d = st.data;
  const totalStake = d ? d.validators.reduce((a, v) => a + v.stake, 0) : 0;
  return html`<section class="card" id="chain" aria-labelledby="chain-title">
    <header class="card-head">
      <h2 id="chain-title">Chain${d ? ` · ${d.status.chainId}` : ''}</h2>
      <span class=${`badge ${live ? 'live' : 'poll'}`} id="chain-mode">${live ? 'live (WebSocket)' : 'polling'}</span>
    </header>
    <${Failure} ...${st} />
    ${
      d &&
      html`<div class="stats">
        <${Stat} id="chain-height" label="Finalized height" value=${d.status.committedHeight} />
        <${Stat} id="chain-view" label="View" value=${d.status.view} />
        <${Stat} id="chain-mempool" label="Mempool (txs)" value=${d.mempool.size} />
        <${Stat} id="chain-peers" label="Peers" value=${d.status.peers} />
      </div>
      <${FinalityChart} blocks=${d.recent} />
      <h3>Recent blocks</h3>
      <table id="chain-blocks">
        <thead><tr><th scope="col">Height</th><th scope="col">Hash</th><th scope="col">Proposer</th><th scope="col">Txs</th><th scope="col">Finality</th></tr></thead>
        <tbody>${d.recent
          .slice(0, 8)
          .map(
            (b) =>
              html`<tr><td>${b.height}</td><td class="mono" title=${b.hash}>${short(b.hash)}</td><td>${b.proposer}</td><td>${b.txs.length}</td><td>${b.committedAt - b.timestamp} ms</td></tr>`,
          )}</tbody>
      </table>
      <h3>Validators</h3>
      <table id="chain-validators">
        <thead><tr><th scope="col">#</th><th scope="col">Name</th><th scope="col">Stake</th><th scope="col">Share</th></tr></thead>
        <tbody>${d.validators.map(
          (v) =>
            html`<tr><td>${v.index}</td><td>${v.name}</td><td>${v.stake}</td><td>${totalStake ? ((100 * v.stake) / totalStake).toFixed(1) : '0'} %</td></tr>`,
        )}</tbody>
      </table>
      <${Search} />`
    }
  </section>`;
}
