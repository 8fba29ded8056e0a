import { BarChart } from './charts.js';
import { Failure, fmtBytes, Stat, short, usePoll } from './common.js';
import { html, useRef, useState } from './html.js';
import { expectArray, expectShape, rpc, ServiceFailure } from './rpc.js';

const POLL_MS = 5000;
/** Peers listed in the table (the count above it is the full number). */
const MAX_PEER_ROWS = 20;
/** Recent blocks listed (each costs a getblockhash + getblockheader once, then cached). */
const RECENT_BLOCKS = 6;
/** Transactions of a block listed, and inputs listed per transaction. */
const MAX_TX_ROWS = 50;
const MAX_INPUT_ROWS = 4;
/** Upper edges (sat/vB) of the fee-rate histogram's buckets; the last bucket is open. */
export const FEE_BUCKETS = [1, 2, 3, 5, 8, 12, 20, 30, 50, 80, 120, 200, 300, 500, 1000];

/**
 * vsize-weighted fee-rate histogram of a verbose getrawmempool answer (txid → entry with
 * `vsize` and `fees.base` in BTC). Returns one bucket per FEE_BUCKETS edge plus the open one.
 */
export function feeHistogram(entries) {
  const buckets = [...FEE_BUCKETS, Number.POSITIVE_INFINITY].map((hi, i) => ({
    lo: i === 0 ? 0 : FEE_BUCKETS[i - 1],
    hi,
    vsize: 0,
    count: 0,
  }));
  for (const e of entries) {
    const rate = (e.fees.base * 1e8) / e.vsize;
    const b = buckets.find((x) => rate < x.hi) ?? buckets[buckets.length - 1];
    b.vsize += e.vsize;
    b.count++;
  }
  return buckets;
}

async function loadBitcoin(cache) {
  const [info, peers, mempool, pool] = await Promise.all([
    rpc('bitcoin', 'getblockchaininfo', []),
    rpc('bitcoin', 'getpeerinfo', []),
    rpc('bitcoin', 'getmempoolinfo', []),
    rpc('bitcoin', 'getrawmempool', [true]),
  ]);
  expectShape(
    info,
    {
      chain: 'string',
      blocks: 'number',
      headers: 'number',
      bestblockhash: 'string',
      verificationprogress: 'number',
    },
    'getblockchaininfo',
  );
  for (const p of expectArray(peers, 'getpeerinfo')) {
    expectShape(p, { id: 'number', addr: 'string', inbound: 'boolean' }, 'peer');
  }
  expectShape(mempool, { size: 'number', bytes: 'number' }, 'getmempoolinfo');
  expectShape(pool, {}, 'getrawmempool');
  const entries = Object.values(pool).map((e) => {
    expectShape(e, { vsize: 'number', fees: 'object' }, 'mempool entry');
    expectShape(e.fees, { base: 'number' }, 'mempool entry fees');
    return e;
  });
  const top = info.blocks;
  const recent = [];
  for (let h = top; h >= Math.max(0, top - RECENT_BLOCKS + 1); h--) {
    let b = cache.get(h);
    if (!b) {
      const hash = await rpc('bitcoin', 'getblockhash', [h]);
      const head = await rpc('bitcoin', 'getblockheader', [hash, true]);
      b = expectShape(
        head,
        { hash: 'string', height: 'number', time: 'number', nTx: 'number' },
        `header ${h}`,
      );
      cache.set(h, b);
    }
    recent.push(b);
  }
  // A reorg replaces blocks at known heights: drop cached ones off the active chain.
  if (recent[0] && recent[0].hash !== info.bestblockhash) cache.clear();
  for (const h of [...cache.keys()]) if (h <= top - RECENT_BLOCKS) cache.delete(h);
  return { info, peers, mempool, histogram: feeHistogram(entries), recent };
}

function FeeHistogram({ buckets }) {
  const total = buckets.reduce((a, b) => a + b.count, 0);
  const name = (b) => (Number.isFinite(b.hi) ? `${b.lo}–${b.hi}` : `≥ ${b.lo}`);
  const busiest = buckets.reduce((a, b) => (b.vsize > a.vsize ? b : a), buckets[0]);
  const label =
    total === 0
      ? 'Mempool fee-rate histogram: the mempool is empty'
      : `Mempool fee-rate histogram of ${total} transactions; most virtual bytes pay ${name(busiest)} sat/vB`;
  return html`<${BarChart} id="btc-fee-histogram" label=${label}
    axis=${`sat/vB buckets ${FEE_BUCKETS[0]} … ≥ ${FEE_BUCKETS[FEE_BUCKETS.length - 1]}`}
    caption="Mempool virtual size by fee rate (sat/vB), low fees left"
    attrs=${{ 'data-txs': total }}
    bars=${buckets.map((b) => ({ value: b.vsize, key: name(b), title: `${name(b)} sat/vB: ${b.count} txs, ${b.vsize} vB` }))} />`;
}

function BlockTxs({ block }) {
  const txs = block.tx.slice(0, MAX_TX_ROWS);
  return html`<div class="result-block" id="btc-block" data-hash=${block.hash} data-txs=${block.tx.length}>
    <h3>Block ${block.height} · ${block.tx.length} transactions${block.tx.length > MAX_TX_ROWS ? ` (first ${MAX_TX_ROWS} shown)` : ''}</h3>
    <div class="scroll"><table id="btc-block-txs">
      <thead><tr><th scope="col">Txid</th><th scope="col">vsize</th><th scope="col">Inputs</th><th scope="col">Outputs (BTC)</th></tr></thead>
      <tbody>${txs.map(
        (t) => html`<tr data-txid=${t.txid}>
          <td class="mono" title=${t.txid}>${short(t.txid)}</td>
          <td>${t.vsize}</td>
          <td><ul class="txs">${t.vin
            .slice(0, MAX_INPUT_ROWS)
            .map((i) =>
              i.coinbase !== undefined
                ? html`<li class="coinbase">coinbase</li>`
                : html`<li class="mono" title=${`${i.txid}:${i.vout}`}>${short(i.txid)}:${i.vout}</li>`,
            )}${t.vin.length > MAX_INPUT_ROWS ? html`<li>… ${t.vin.length - MAX_INPUT_ROWS} more</li>` : ''}</ul></td>
          <td>${t.vout.length} · ${t.vout.reduce((a, o) => a + o.value, 0).toFixed(8)}</td>
        </tr>`,
      )}</tbody>
    </table></div>
  </div>`;
}

async function loadBlock(hash) {
  const b = await rpc('bitcoin', 'getblock', [hash, 2]);
  expectShape(b, { hash: 'string', height: 'number', tx: 'array' }, 'getblock');
  for (const t of b.tx) {
    expectShape(t, { txid: 'string', vsize: 'number', vin: 'array', vout: 'array' }, 'block tx');
    for (const o of t.vout) expectShape(o, { value: 'number' }, 'output');
  }
  return b;
}

/**
 * Bitcoin node: tip, sync progress, peers (transport v1/v2, BIP152 high-bandwidth), mempool
 * fee-rate histogram, recent blocks and a block's transactions with their inputs.
 */
export function BitcoinView() {
  const cache = useRef(new Map());
  const st = usePoll(() => loadBitcoin(cache.current), POLL_MS);
  const [open, setOpen] = useState(null);
  const d = st.data;
  const pct = d ? Math.max(0, Math.min(100, d.info.verificationprogress * 100)) : 0;
  const v2 = d ? d.peers.filter((p) => p.transport_protocol_type === 'v2').length : 0;
  const hb = d ? d.peers.filter((p) => p.bip152_hb_to || p.bip152_hb_from).length : 0;
  const pick = async (hash) => {
    setOpen({ busy: true });
    try {
      setOpen({ block: await loadBlock(hash) });
    } catch (e) {
      setOpen({ error: e });
    }
  };
  const pickQuery = async (q) => {
    const s = String(q).trim().toLowerCase();
    if (/^\d{1,9}$/.test(s)) {
      setOpen({ busy: true });
      try {
        const hash = await rpc('bitcoin', 'getblockhash', [Number(s)]);
        if (typeof hash !== 'string')
          throw new ServiceFailure('malformed', 'getblockhash: not a string');
        setOpen({ block: await loadBlock(hash) });
      } catch (e) {
        setOpen({ error: e });
      }
    } else if (/^[0-9a-f]{64}$/.test(s)) await pick(s);
    else
      setOpen({
        error: new ServiceFailure('rpc', 'enter a block height or a 32-byte hex block hash'),
      });
  };
  return html`<section class="card" id="bitcoin" aria-labelledby="bitcoin-title">
    <header class="card-head">
      <h2 id="bitcoin-title">Bitcoin node${d ? ` · ${d.info.chain}` : ''}</h2>
      <span class="badge poll">polling</span>
    </header>
    <${Failure} ...${st} />
    ${
      d &&
      html`<div class="stats">
        <${Stat} id="btc-blocks" label="Blocks" value=${d.info.blocks} />
        <${Stat} id="btc-headers" label="Headers" value=${d.info.headers} />
        <${Stat} id="btc-mempool" label="Mempool (txs)" value=${d.mempool.size} />
        <${Stat} id="btc-mempool-bytes" label="Mempool size" value=${fmtBytes(d.mempool.bytes)} />
      </div>
      <p class="mono" title=${d.info.bestblockhash}>tip ${short(d.info.bestblockhash)}</p>
      <label for="btc-sync">Sync progress ${pct.toFixed(2)} %</label>
      <progress id="btc-sync" max="100" value=${pct}>${pct.toFixed(2)} %</progress>
      <${FeeHistogram} buckets=${d.histogram} />
      <h3>Recent blocks</h3>
      <table id="btc-recent">
        <thead><tr><th scope="col">Height</th><th scope="col">Hash</th><th scope="col">Txs</th><th scope="col">Time</th></tr></thead>
        <tbody>${d.recent.map(
          (
            b,
          ) => html`<tr><td>${b.height}</td><td class="mono"><button type="button" class="link mono"
            title=${b.hash} data-height=${b.height} onClick=${() => pick(b.hash)}>${short(b.hash)}</button></td>
            <td>${b.nTx}</td><td>${new Date(b.time * 1000).toISOString().slice(11, 19)} UTC</td></tr>`,
        )}</tbody>
      </table>
      <form class="search" role="search" onSubmit=${(e) => {
        e.preventDefault();
        void pickQuery(e.currentTarget.elements.namedItem('q').value);
      }}>
        <label for="btc-block-input">Open a block by height or hash</label>
        <div class="row">
          <input id="btc-block-input" name="q" autocomplete="off" spellcheck="false" maxlength="80" />
          <button type="submit">Open</button>
        </div>
      </form>
      ${open?.busy && html`<p>Loading the block…</p>`}
      ${open?.error && html`<div class="failure" role="alert">${String(open.error.message)}</div>`}
      ${open?.block && html`<${BlockTxs} block=${open.block} />`}
      <h3>Peers: ${d.peers.length} (${v2} v2, ${d.peers.length - v2} v1; ${hb} high-bandwidth compact-block)</h3>
      <table id="btc-peers">
        <thead><tr><th scope="col">Id</th><th scope="col">Address</th><th scope="col">Direction</th><th scope="col">Transport</th><th scope="col">BIP152 hb</th><th scope="col">Height</th></tr></thead>
        <tbody>${d.peers
          .slice(0, MAX_PEER_ROWS)
          .map(
            (p) =>
              html`<tr><td>${p.id}</td><td class="mono">${p.addr}</td><td>${p.inbound ? 'in' : 'out'}</td><td>${String(p.transport_protocol_type ?? 'v1')}</td><td>${p.bip152_hb_to ? 'to' : ''}${p.bip152_hb_to && p.bip152_hb_from ? ' + ' : ''}${p.bip152_hb_from ? 'from' : ''}</td><td>${String(p.synced_blocks ?? p.startingheight ?? '—')}</td></tr>`,
          )}</tbody>
      </table>`
    }
  </section>`;
}
