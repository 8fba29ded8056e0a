import { Failure, fmtBytes, Stat, short, usePoll } from './common.js';
import { html } from './html.js';
import { expectArray, expectShape, rpc } from './rpc.js';

const POLL_MS = 5000;
/** Peers listed in the table (the count above it is the full number). */
const MAX_PEER_ROWS = 20;

async function loadBitcoin() {
  const [info, peers, mempool] = await Promise.all([
    rpc('bitcoin', 'getblockchaininfo', []),
    rpc('bitcoin', 'getpeerinfo', []),
    rpc('bitcoin', 'getmempoolinfo', []),
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
  return { info, peers, mempool };
}

/** Bitcoin node: tip, header/block sync progress, peers (transport v1/v2), mempool. */
export function BitcoinView() {
  const st = usePoll(loadBitcoin, POLL_MS);
  const d = st.data;
  const pct = d ? Math.max(0, Math.min(100, d.info.verificationprogress * 100)) : 0;
  const v2 = d ? d.peers.filter((p) => p.transport_protocol_type === 'v2').length : 0;
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
      <h3>Peers: ${d.peers.length} (${v2} v2, ${d.peers.length - v2} v1)</h3>
      <table id="btc-peers">
        <thead><tr><th scope="col">Id</th><th scope="col">Address</th><th scope="col">Direction</th><th scope="col">Transport</th><th scope="col">Height</th></tr></thead>
        <tbody>${d.peers
          .slice(0, MAX_PEER_ROWS)
          .map(
            (p) =>
              html`<tr><td>${p.id}</td><td class="mono">${p.addr}</td><td>${p.inbound ? 'in' : 'out'}</td><td>${String(p.transport_protocol_type ?? 'v1')}</td><td>${String(p.synced_blocks ?? p.startingheight ?? '—')}</td></tr>`,
          )}</tbody>
      </table>`
    }
  </section>`;
}
