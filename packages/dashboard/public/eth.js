import { Failure, Stat, short, usePoll } from './common.js';
import { html, useRef, useState } from './html.js';
import { expectArray, expectShape, rpc, ServiceFailure } from './rpc.js';

const POLL_MS = 3000;
const RECENT_BLOCKS = 6;
/** Logs listed per receipt. */
const MAX_LOG_ROWS = 20;

const QTY = /^0x[0-9a-f]+$/i;

/** Parses a 0x quantity (an RPC answer) or throws a malformed-answer failure naming the field. */
export function qty(v, what) {
  if (typeof v !== 'string' || !QTY.test(v)) {
    throw new ServiceFailure(
      'malformed',
      `${what}: expected a 0x quantity, got ${JSON.stringify(v)}`,
    );
  }
  return BigInt(v);
}

/** wei → "1.5 ETH" (exact, up to 18 decimals, trailing zeros dropped). */
export function fmtEther(wei) {
  const neg = wei < 0n;
  const w = neg ? -wei : wei;
  const whole = w / 10n ** 18n;
  const frac = (w % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''} ETH`;
}

function fmtGwei(wei) {
  const g = Number(wei) / 1e9;
  return `${g < 0.01 && g > 0 ? g.toExponential(2) : g.toFixed(g < 10 ? 3 : 1)} gwei`;
}

async function loadEth(cache) {
  const [chainId, number, gasPrice, blobFee] = await Promise.all([
    rpc('chain', 'eth_chainId', []),
    rpc('chain', 'eth_blockNumber', []),
    rpc('chain', 'eth_gasPrice', []),
    rpc('chain', 'eth_blobBaseFee', []),
  ]);
  const top = Number(qty(number, 'eth_blockNumber'));
  const recent = [];
  for (let n = top; n >= Math.max(0, top - RECENT_BLOCKS + 1); n--) {
    let b = cache.get(n);
    if (!b) {
      const raw = await rpc('chain', 'eth_getBlockByNumber', [`0x${n.toString(16)}`, false]);
      if (raw === null) continue;
      expectShape(
        raw,
        { hash: 'string', number: 'string', gasUsed: 'string', transactions: 'array' },
        `block ${n}`,
      );
      b = {
        number: n,
        hash: raw.hash,
        txs: raw.transactions.length,
        gasUsed: qty(raw.gasUsed, 'gasUsed'),
        baseFee: raw.baseFeePerGas === undefined ? null : qty(raw.baseFeePerGas, 'baseFeePerGas'),
      };
      cache.set(n, b);
    }
    recent.push(b);
  }
  for (const n of [...cache.keys()]) if (n <= top - RECENT_BLOCKS) cache.delete(n);
  return {
    chainId: qty(chainId, 'eth_chainId'),
    top,
    gasPrice: qty(gasPrice, 'eth_gasPrice'),
    blobFee: qty(blobFee, 'eth_blobBaseFee'),
    recent,
  };
}

async function searchEth(q) {
  const s = q.trim().toLowerCase();
  if (/^0x[0-9a-f]{40}$/.test(s)) {
    const [bal, nonce, code] = await Promise.all([
      rpc('chain', 'eth_getBalance', [s, 'latest']),
      rpc('chain', 'eth_getTransactionCount', [s, 'latest']),
      rpc('chain', 'eth_getCode', [s, 'latest']),
    ]);
    if (typeof code !== 'string')
      throw new ServiceFailure('malformed', 'eth_getCode: not a string');
    return {
      account: {
        address: s,
        balance: qty(bal, 'balance'),
        nonce: qty(nonce, 'nonce'),
        codeBytes: (code.length - 2) / 2,
      },
    };
  }
  if (/^0x[0-9a-f]{64}$/.test(s)) {
    const [tx, receipt] = await Promise.all([
      rpc('chain', 'eth_getTransactionByHash', [s]),
      rpc('chain', 'eth_getTransactionReceipt', [s]),
    ]);
    if (tx === null) return { none: `no Ethereum transaction ${s}` };
    expectShape(
      tx,
      { hash: 'string', from: 'string', to: 'string?', value: 'string' },
      'transaction',
    );
    if (receipt !== null) {
      expectShape(
        receipt,
        { status: 'string', gasUsed: 'string', blockNumber: 'string', logs: 'array' },
        'receipt',
      );
      for (const l of expectArray(receipt.logs, 'logs')) {
        expectShape(l, { address: 'string', topics: 'array', data: 'string' }, 'log');
      }
    }
    return { tx, receipt };
  }
  throw new ServiceFailure('rpc', 'enter a 20-byte 0x address or a 32-byte 0x transaction hash');
}

function AccountResult({ a }) {
  return html`<dl class="result" id="eth-result" data-kind="account">
    <dt>Address</dt><dd class="mono">${a.address}</dd>
    <dt>Balance</dt><dd id="eth-balance" data-wei=${a.balance.toString()}>${fmtEther(a.balance)}</dd>
    <dt>Nonce</dt><dd>${a.nonce.toString()}</dd>
    <dt>Code</dt><dd>${a.codeBytes === 0 ? 'none (an externally owned account)' : `${a.codeBytes} bytes (a contract)`}</dd>
  </dl>`;
}

function TxResult({ tx, receipt }) {
  return html`<div id="eth-result" data-kind="transaction">
    <dl class="result">
      <dt>Transaction</dt><dd class="mono">${tx.hash}</dd>
      <dt>From</dt><dd class="mono">${tx.from}</dd>
      <dt>To</dt><dd class="mono">${tx.to ?? (receipt?.contractAddress ? `new contract ${receipt.contractAddress}` : 'contract creation')}</dd>
      <dt>Value</dt><dd>${fmtEther(qty(tx.value, 'value'))}</dd>
      <dt>State</dt><dd>${receipt ? `in block ${qty(receipt.blockNumber, 'blockNumber')}` : 'pending'}</dd>
      ${
        receipt &&
        html`<dt>Status</dt><dd id="eth-status">${receipt.status === '0x1' ? 'success' : 'reverted'}</dd>
        <dt>Gas used</dt><dd>${qty(receipt.gasUsed, 'gasUsed').toString()}</dd>
        <dt>Logs</dt><dd>${receipt.logs.length}</dd>`
      }
    </dl>
    ${
      receipt &&
      receipt.logs.length > 0 &&
      html`<table id="eth-logs">
        <thead><tr><th scope="col">#</th><th scope="col">Address</th><th scope="col">Topic 0</th><th scope="col">Data</th></tr></thead>
        <tbody>${receipt.logs.slice(0, MAX_LOG_ROWS).map(
          (
            l,
            i,
          ) => html`<tr><td>${i}</td><td class="mono" title=${l.address}>${short(l.address)}</td>
            <td class="mono" title=${String(l.topics[0] ?? '')}>${short(l.topics[0] ?? '—')}</td>
            <td>${(l.data.length - 2) / 2} bytes</td></tr>`,
        )}</tbody>
      </table>`
    }
  </div>`;
}

function EthSearch() {
  const [q, setQ] = useState('');
  const [out, setOut] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setOut({ busy: true });
    try {
      setOut(await searchEth(q));
    } catch (err) {
      setOut({ error: err });
    }
  };
  return html`<section class="search" aria-labelledby="eth-search-title">
    <h3 id="eth-search-title">Search accounts and Ethereum transactions</h3>
    <form onSubmit=${submit} role="search">
      <label for="eth-search-input">0x address or 0x transaction hash</label>
      <div class="row">
        <input id="eth-search-input" value=${q} onInput=${(e) => setQ(e.currentTarget.value)}
          autocomplete="off" spellcheck="false" maxlength="80" />
        <button type="submit">Search</button>
      </div>
    </form>
    ${out?.busy && html`<p>Searching…</p>`}
    ${out?.error && html`<div class="failure" role="alert">${String(out.error.message)}</div>`}
    ${out?.none && html`<p id="eth-result" data-kind="none">${out.none}</p>`}
    ${out?.account && html`<${AccountResult} a=${out.account} />`}
    ${out?.tx && html`<${TxResult} tx=${out.tx} receipt=${out.receipt} />`}
  </section>`;
}

/**
 * Ethereum on the chain (when the node serves eth_*): EVM chain id, block number, fees,
 * recent block views, and search by account or transaction (receipt and logs). A chain node
 * without the EVM answers eth_chainId with "method not found" and the view stays hidden.
 */
export function EthView() {
  const cache = useRef(new Map());
  const st = usePoll(() => loadEth(cache.current), POLL_MS);
  const d = st.data;
  if (st.error && /code -32601/.test(String(st.error.message))) return null;
  return html`<section class="card" id="eth" aria-labelledby="eth-title">
    <header class="card-head">
      <h2 id="eth-title">Ethereum${d ? ` · chain id ${d.chainId}` : ''}</h2>
      <span class="badge poll">polling</span>
    </header>
    <${Failure} ...${st} />
    ${
      d &&
      html`<div class="stats">
        <${Stat} id="eth-block" label="Block number" value=${d.top} />
        <${Stat} id="eth-gas-price" label="Gas price" value=${fmtGwei(d.gasPrice)} />
        <${Stat} id="eth-blob-fee" label="Blob base fee" value=${`${d.blobFee} wei`} />
      </div>
      <h3>Recent blocks</h3>
      <table id="eth-blocks">
        <thead><tr><th scope="col">Number</th><th scope="col">Hash</th><th scope="col">Txs</th><th scope="col">Gas used</th><th scope="col">Base fee</th></tr></thead>
        <tbody>${d.recent.map(
          (
            b,
          ) => html`<tr><td>${b.number}</td><td class="mono" title=${b.hash}>${short(b.hash)}</td><td>${b.txs}</td>
            <td>${b.gasUsed.toString()}</td><td>${b.baseFee === null ? '—' : fmtGwei(b.baseFee)}</td></tr>`,
        )}</tbody>
      </table>
      <${EthSearch} />`
    }
  </section>`;
}
