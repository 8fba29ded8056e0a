import { BitcoinView } from './bitcoin.js';
import { ChainView } from './chain.js';
import { EthView } from './eth.js';
import { html, render, useEffect, useState } from './html.js';
import { PoolView } from './pool.js';

function App() {
  const [cfg, setCfg] = useState(null);
  const [err, setErr] = useState(null);
  useEffect(() => {
    fetch('/config.json')
      .then((r) => r.json())
      .then(setCfg, (e) => setErr(String(e.message)));
  }, []);
  const none = cfg && !cfg.chain && !cfg.bitcoin && !cfg.pool;
  return html`<header class="top"><h1>keel dashboard</h1></header>
    <main>
      ${err && html`<div class="failure" role="alert">Cannot load /config.json: ${err}</div>`}
      ${none && html`<p>No endpoints configured: start with <code>keel dashboard --chain URL --bitcoin URL --pool URL</code>.</p>`}
      <div class="grid">
        ${cfg?.chain && html`<${ChainView} />`}
        ${cfg?.chain && html`<${EthView} />`}
        ${cfg?.bitcoin && html`<${BitcoinView} />`}
        ${cfg?.pool && html`<${PoolView} />`}
      </div>
    </main>`;
}

const root = document.getElementById('root');
root.textContent = '';
render(html`<${App} />`, root);
