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
  qc: 'object',
};

/** Whether bit `i` is set in a QC's signer bitmap (hex; bit i = validator i, LSB first per byte). */
export function signed(signersHex, i) {
  const byte = Number.parseInt(signersHex.slice((i >> 3) * 2, (i >> 3) * 2 + 2) || '0', 16);
  return ((byte >> (i & 7)) & 1) === 1;
}

/**
 * Votes and proposals per validator over the recent blocks: a block's QC names who voted for its
 * parent, so `votes` counts the QCs (of `window` non-genesis QCs) the validator signed.
 */
export function participation(validators, blocks) {
  const qcs = blocks.filter((b) => typeof b.qc?.signers === 'string' && b.qc.signers.length > 0);
  return {
    window: qcs.length,
    from: qcs.length ? Math.min(...qcs.map((b) => b.height)) : 0,
    to: qcs.length ? Math.max(...qcs.map((b) => b.height)) : 0,
    rows: validators.map((v) => ({
      index: v.index,
      votes: qcs.filter((b) => signed(b.qc.signers, v.index)).length,
      proposed: blocks.filter((b) => b.proposer === v.index).length,
    })),
  };
}

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

/** UTF-8 text or 0x-hex to hex (the storage key / argument inputs accept both). */
export function keyHex(input) {
  const t = input.trim();
  if (/^0x([0-9a-fA-F]{2})*$/.test(t)) return t.slice(2).toLowerCase();
  return [...new TextEncoder().encode(t)].map((x) => x.toString(16).padStart(2, '0')).join('');
}

/** An 8-byte value read as the SDK's little-endian u64 (storageGetU64), else null. */
export function u64le(hex) {
  if (typeof hex !== 'string' || hex.length !== 16) return null;
  let n = 0n;
  for (let i = 14; i >= 0; i -= 2) n = (n << 8n) | BigInt(Number.parseInt(hex.slice(i, i + 2), 16));
  return n.toString();
}

function HexValue({ hex }) {
  if (hex === null) return html`<span>(empty)</span>`;
  const n = u64le(hex);
  return html`<span class="mono">0x${hex}</span>${n !== null && html` <span>(u64 ${n})</span>`}`;
}

/** Reads a WASM contract's state: a storage key, or a read-only method call (gas-capped). */
function ContractPanel({ address }) {
  const [key, setKey] = useState('');
  const [method, setMethod] = useState('');
  const [args, setArgs] = useState('');
  const [out, setOut] = useState(null);
  const run = async (what, f) => {
    setOut({ busy: what });
    try {
      setOut(await f());
    } catch (e) {
      setOut({ error: e });
    }
  };
  const readKey = (e) => {
    e.preventDefault();
    void run('storage', async () => {
      const r = expectShape(
        await rpc('chain', 'state_getStorage', { address, key: keyHex(key) }),
        { value: 'string?', height: 'number' },
        'state_getStorage',
      );
      return { storage: r, key };
    });
  };
  const call = (e) => {
    e.preventDefault();
    void run('call', async () => {
      const r = expectShape(
        await rpc('chain', 'contract_call', {
          address,
          method: method.trim(),
          ...(args.trim() ? { args: keyHex(args) } : {}),
          gas: 1_000_000,
        }),
        { status: 'string', gasUsed: 'number', returnData: 'string', error: 'string?' },
        'contract_call',
      );
      return { call: r, method };
    });
  };
  return html`<div class="contract" id="contract-panel">
    <form onSubmit=${readKey} aria-label="Read a storage key">
      <label for="contract-key">Storage key (text or 0x-hex)</label>
      <div class="row">
        <input id="contract-key" value=${key} onInput=${(e) => setKey(e.currentTarget.value)} maxlength="200" autocomplete="off" spellcheck="false" />
        <button type="submit">Read</button>
      </div>
    </form>
    <form onSubmit=${call} aria-label="Call a method read-only">
      <label for="contract-method">Method (read-only call, state is not changed)</label>
      <div class="row">
        <input id="contract-method" value=${method} onInput=${(e) => setMethod(e.currentTarget.value)} maxlength="64" autocomplete="off" spellcheck="false" />
        <label for="contract-args" class="visually-hidden">Arguments (0x-hex)</label>
        <input id="contract-args" placeholder="args 0x…" value=${args} onInput=${(e) => setArgs(e.currentTarget.value)} maxlength="400" autocomplete="off" spellcheck="false" />
        <button type="submit">Call</button>
      </div>
    </form>
    ${out?.busy && html`<p>Reading…</p>`}
    ${out?.error && html`<div class="failure" role="alert">${String(out.error.message)}</div>`}
    ${
      out?.storage &&
      html`<p id="contract-result" data-kind="storage">Key “${out.key}” at height ${out.storage.height}: <${HexValue} hex=${out.storage.value ?? null} /></p>`
    }
    ${
      out?.call &&
      html`<p id="contract-result" data-kind="call">${out.method}(): ${out.call.status}${out.call.error ? ` (${out.call.error})` : ''}, gas ${out.call.gasUsed}, returned <${HexValue} hex=${out.call.returnData || null} /></p>`
    }
  </div>`;
}

function AccountResult({ a, address }) {
  return html`<dl class="result" id="search-result" data-kind=${a.codeHash ? 'contract' : 'account'}>
    <dt>${a.codeHash ? 'WASM contract' : 'Account'}</dt><dd class="mono">${address}</dd>
    <dt>Balance</dt><dd>${a.balance}</dd>
    <dt>Nonce</dt><dd>${a.nonce}</dd>
    ${a.codeHash && html`<dt>Code hash</dt><dd class="mono">${a.codeHash}</dd>`}
    <dt>At height</dt><dd>${a.height}</dd>
  </dl>
  ${a.codeHash && html`<${ContractPanel} address=${address} />`}`;
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
    const a = expectShape(
      await rpc('chain', 'state_getAccount', { address: hash }),
      { balance: 'string', nonce: 'string', height: 'number', codeHash: 'string?' },
      'account',
    );
    if (a.codeHash || a.balance !== '0' || a.nonce !== '0') return { account: a, address: hash };
    return { none: `no transaction, block or account ${hash}` };
  }
  throw new ServiceFailure(
    'rpc',
    'enter a block height or 32 bytes of hex (block hash, transaction hash or account address)',
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
      <label for="search-input">Block height, block hash, transaction hash or account address</label>
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
    ${out?.account && html`<${AccountResult} a=${out.account} address=${out.address} />`}
  </section>`;
}

/** The chain view: status tiles, finality chart, recent blocks, validators, search. */
export function ChainView() {
  const cache = useRef(new Map());
  const { live, tick } = useNewBlocks();
  const st = usePoll(() => loadChain(cache.current), POLL_MS, tick);
  const d = st.data;
  const totalStake = d ? d.validators.reduce((a, v) => a + v.stake, 0) : 0;
  const part = d ? participation(d.validators, d.recent) : null;
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
      <table id="chain-validators" data-window=${part.window} data-from=${part.from} data-to=${part.to}>
        <caption>Votes and uptime over the QCs of blocks ${part.from}–${part.to} (${part.window} QCs); proposals over the same blocks</caption>
        <thead><tr><th scope="col">#</th><th scope="col">Name</th><th scope="col">Stake</th><th scope="col">Share</th><th scope="col">Votes</th><th scope="col">Uptime</th><th scope="col">Proposed</th></tr></thead>
        <tbody>${d.validators.map((v, i) => {
          const p = part.rows[i];
          const up = part.window ? ((100 * p.votes) / part.window).toFixed(0) : '–';
          return html`<tr data-index=${v.index}><td>${v.index}</td><td>${v.name}</td><td>${v.stake}</td><td>${totalStake ? ((100 * v.stake) / totalStake).toFixed(1) : '0'} %</td><td class="votes">${p.votes} / ${part.window}</td><td class="uptime">${up} %</td><td class="proposed">${p.proposed}</td></tr>`;
        })}</tbody>
      </table>
      <${Search} />`
    }
  </section>`;
}
