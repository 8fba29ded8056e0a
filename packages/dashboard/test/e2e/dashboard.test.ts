import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Devnet } from '@keel/chain-node';
import { exampleWasm } from '@keel/contracts';
import { loadBlsBackend } from '@keel/crypto';
import { encodeTx, signTx } from '@keel/ledger';
import { freePort, tempDir } from '@keel/test-utils';
import { bytesToHex, hexToBytes } from '@keel/util';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { createPublicClient, createWalletClient, defineChain, type Hex, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  type DashboardServer,
  parseBitcoinEndpoint,
  startDashboardServer,
} from '../../src/index.ts';

const CHROMIUM = process.env.KEEL_CHROMIUM ?? '/usr/bin/chromium';
const KEEL_BIN = new URL('../../../cli/bin/keel.js', import.meta.url).pathname;
const ARTIFACTS = process.env.KEEL_ARTIFACTS
  ? join(process.env.KEEL_ARTIFACTS, 'dashboard')
  : join(tmpdir(), 'keel-dashboard-artifacts');
const skip = existsSync(CHROMIUM)
  ? false
  : `chromium not found at ${CHROMIUM} (run packages/dashboard/scripts/ensure-chromium.sh)`;
if (skip) console.log(`# skip dashboard browser tests: ${skip}`);

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

/**
 * A wrong endpoint, for bad input: as a Bitcoin node it answers well-formed JSON full of markup;
 * as a pool its `/stats` is malformed (a string where a count belongs).
 */
function startHostileNode(port: number): Promise<Server> {
  const s = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.method === 'GET') {
        res.end(JSON.stringify({ miners: 'many', channels: 1, workers: [] }));
        return;
      }
      const { id, method } = JSON.parse(body) as { id: number; method: string };
      const result =
        method === 'getblockchaininfo'
          ? {
              chain: HOSTILE,
              blocks: 1,
              headers: 2,
              bestblockhash: '00',
              verificationprogress: 0.5,
            }
          : method === 'getpeerinfo'
            ? [{ id: 1, addr: HOSTILE, inbound: false, transport_protocol_type: 'v2' }]
            : method === 'getrawmempool'
              ? {}
              : method === 'getblockhash'
                ? HOSTILE
                : method === 'getblockheader'
                  ? { hash: HOSTILE, height: 1, time: 0, nTx: 1 }
                  : { size: 0, bytes: 0 };
      res.end(JSON.stringify({ result, error: null, id }));
    });
  });
  return new Promise((r) => s.listen(port, '127.0.0.1', () => r(s)));
}

async function heightOf(page: Page): Promise<number> {
  return Number(await page.locator('#chain-height').textContent());
}

describe('keel dashboard in Chromium against a devnet', { skip, timeout: 150_000 }, () => {
  const dir = tempDir('keel-dashboard-e2e-');
  let devnet: Devnet;
  let dash: DashboardServer;
  let bad: DashboardServer;
  let hostile: Server;
  let ctx: BrowserContext;
  let page: Page;
  const userData = mkdtempSync(join(tmpdir(), 'keel-chromium-'));

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    devnet = new Devnet({
      dir: dir.path,
      // Four validators, so the votes/uptime view has more than one signer to count.
      validators: 4,
      chainId: 'keel-dash',
      command: [process.execPath, KEEL_BIN, 'chain', 'run'],
      blockTimeMs: 250,
      baseTimeoutMs: 1000,
      syncIntervalMs: 2000,
      seed: new Uint8Array(randomBytes(32)),
      bls: await loadBlsBackend('blst'),
      accounts: 2,
      adminToken: 'dash-admin',
    });
    await devnet.setup();
    devnet.startAll();
    await devnet.waitReady(60_000);
    await devnet.waitForHeight(2, 30_000);
    const dead = await freePort();
    dash = await startDashboardServer({
      chain: devnet.nodes[0]!.rpcUrl,
      bitcoin: parseBitcoinEndpoint(`http://127.0.0.1:${dead},user:pass`),
      pool: `http://127.0.0.1:${dead}`,
      host: '127.0.0.1',
      port: 0,
      timeoutMs: 2000,
    });
    const hostilePort = await freePort();
    hostile = await startHostileNode(hostilePort);
    bad = await startDashboardServer({
      bitcoin: parseBitcoinEndpoint(`http://127.0.0.1:${hostilePort}`),
      pool: `http://127.0.0.1:${hostilePort}`,
      host: '127.0.0.1',
      port: 0,
      timeoutMs: 2000,
    });
    ctx = await chromium.launchPersistentContext(userData, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on('pageerror', (e) => console.log(`# page error: ${e.message}`));
  });

  after(async () => {
    await ctx?.close();
    await dash?.stop();
    await bad?.stop();
    await new Promise((r) => (hostile ? hostile.close(r) : r(null)));
    await devnet?.stop();
    dir.cleanup();
    rmSync(userData, { recursive: true, force: true });
    console.log(`# dashboard screenshots in ${ARTIFACTS}`);
  });

  it('shows the finalized height the RPC reports, live over WebSocket', async () => {
    await page.goto(dash.url);
    await page.locator('#chain-height').waitFor({ timeout: 15_000 });
    const client = devnet.nodes[0]!.client;
    const before = (await client.call('consensus_getStatus', {})).committedHeight;
    await page.waitForFunction(
      (h) => Number(document.querySelector('#chain-height')?.textContent) >= h,
      before,
      { timeout: 10_000 },
    );
    const shown = await heightOf(page);
    const afterH = (await client.call('consensus_getStatus', {})).committedHeight;
    assert.ok(shown >= before && shown <= afterH, `shown ${shown}, RPC ${before}..${afterH}`);
    const validators = await client.call('consensus_getValidators', {});
    const rows = await page.locator('#chain-validators tbody tr').count();
    assert.equal(rows, validators.length);
    const stake = await page
      .locator('#chain-validators tbody tr td:nth-child(3)')
      .first()
      .textContent();
    assert.equal(Number(stake), validators[0]!.stake);
    await page.locator('#chain-mode', { hasText: 'live' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'chain.png'), fullPage: true });
  });

  it('validator votes, uptime and proposals match the QCs of the blocks the RPC serves', async () => {
    const client = devnet.nodes[0]!.client;
    await page.waitForFunction(
      () => Number(document.querySelector('#chain-validators')?.getAttribute('data-window')) >= 3,
      null,
      { timeout: 15_000 },
    );
    // One synchronous read of the table, so a refresh cannot split it.
    const shown = await page.evaluate(() => {
      const t = document.querySelector('#chain-validators')!;
      return {
        from: Number(t.getAttribute('data-from')),
        to: Number(t.getAttribute('data-to')),
        window: Number(t.getAttribute('data-window')),
        rows: Array.from(t.querySelectorAll('tbody tr')).map((r) => ({
          index: Number(r.getAttribute('data-index')),
          votes: r.querySelector('.votes')?.textContent ?? '',
          uptime: r.querySelector('.uptime')?.textContent ?? '',
        })),
      };
    });
    // Recount from the RPC's blocks: bit i of a QC's signer bitmap (LSB first) is validator i.
    let qcs = 0;
    const votes = new Map<number, number>();
    for (let h = shown.from; h <= shown.to; h++) {
      const b = await client.call('chain_getBlockByHeight', { height: h });
      assert.ok(b, `block ${h}`);
      const bits = Buffer.from(b.qc.signers, 'hex');
      if (bits.length === 0) continue;
      qcs++;
      for (let i = 0; i < bits.length * 8; i++) {
        if ((bits[i >> 3]! >> (i & 7)) & 1) votes.set(i, (votes.get(i) ?? 0) + 1);
      }
    }
    assert.equal(shown.window, qcs);
    assert.equal(shown.rows.length, 4);
    let total = 0;
    for (const r of shown.rows) {
      const v = votes.get(r.index) ?? 0;
      total += v;
      assert.equal(r.votes, `${v} / ${qcs}`, `validator ${r.index}`);
      assert.equal(r.uptime, `${((100 * v) / qcs).toFixed(0)} %`);
    }
    // A QC needs more than 2/3 of 4 equal stakes: at least 3 signers each.
    assert.ok(total >= 3 * qcs, `${total} votes over ${qcs} QCs`);
  });

  it('the finality chart gains a bar when a new block lands', async () => {
    const chart = page.locator('#finality-chart');
    const last = Number(await chart.getAttribute('data-last-height'));
    assert.ok(last >= 1);
    await page.waitForFunction(
      (h) =>
        Number(document.querySelector('#finality-chart')?.getAttribute('data-last-height')) > h,
      last,
      { timeout: 15_000 },
    );
    const now = Number(await chart.getAttribute('data-last-height'));
    const block = await devnet.nodes[0]!.client.call('chain_getBlockByHeight', { height: now });
    assert.ok(block, `RPC has block ${now}`);
    const bar = chart.locator(`rect[data-key="${now}"]`);
    assert.equal(await bar.count(), 1);
    assert.ok(Number(await bar.getAttribute('height')) >= 0);
  });

  it('search finds a transaction we submitted, and its block', async () => {
    const [from, to] = devnet.init.accounts;
    const client = devnet.nodes[0]!.client;
    const acct = await client.call('state_getAccount', { address: from!.address });
    const raw = encodeTx(
      signTx(
        {
          chainId: 'keel-dash',
          from: hexToBytes(from!.address),
          nonce: BigInt(acct.nonce),
          gasLimit: 10_000,
          gasPrice: 1n,
          kind: 'transfer',
          to: hexToBytes(to!.address),
          amount: 7n,
        },
        hexToBytes(from!.secretKey),
      ),
    );
    const { hash } = await client.call('chain_sendTransaction', { raw: bytesToHex(raw) });
    let receipt = null;
    for (let i = 0; i < 100 && !receipt; i++) {
      receipt = await client.call('chain_getTransactionReceipt', { hash });
      if (!receipt) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(receipt, 'the transfer was committed');
    await page.fill('#search-input', hash);
    await page.click('.search button[type=submit]');
    const result = page.locator('#search-result[data-kind="transaction"]');
    await result.waitFor({ timeout: 10_000 });
    const text = (await result.textContent()) ?? '';
    assert.ok(text.includes(hash), text);
    assert.ok(text.includes(`in block ${receipt.height}`), text);
    assert.ok(text.includes('transfer') && text.includes(receipt.status), text);
    await page.screenshot({ path: join(ARTIFACTS, 'search-tx.png'), fullPage: true });
    await page.fill('#search-input', String(receipt.height));
    await page.click('.search button[type=submit]');
    const blk = page.locator('#search-result[data-kind="block"]');
    await blk.waitFor({ timeout: 10_000 });
    const b = await client.call('chain_getBlockByHeight', { height: receipt.height });
    assert.ok(((await blk.textContent()) ?? '').includes(b!.hash));
    await page.fill('#search-input', 'not a hash');
    await page.click('.search button[type=submit]');
    await page.locator('.search [role=alert]').waitFor({ timeout: 5000 });
  });

  it('search opens a WASM contract we deployed: its storage and a read-only call', async () => {
    const [from] = devnet.init.accounts;
    const client = devnet.nodes[0]!.client;
    const send = async (body: Parameters<typeof signTx>[0]) => {
      const raw = encodeTx(signTx(body, hexToBytes(from!.secretKey)));
      const { hash } = await client.call('chain_sendTransaction', { raw: bytesToHex(raw) });
      for (let i = 0; i < 100; i++) {
        const r = await client.call('chain_getTransactionReceipt', { hash });
        if (r) return r;
        await new Promise((res) => setTimeout(res, 200));
      }
      throw new Error(`tx ${hash} not committed`);
    };
    const nonce = async () =>
      BigInt((await client.call('state_getAccount', { address: from!.address })).nonce);
    const common = { chainId: 'keel-dash', from: hexToBytes(from!.address), gasPrice: 1n };
    const dep = await send({
      ...common,
      nonce: await nonce(),
      gasLimit: 5_000_000,
      kind: 'deploy',
      code: await exampleWasm('counter'),
      initInput: new Uint8Array(0),
    });
    assert.equal(dep.status, 'ok', JSON.stringify(dep));
    const address = String(dep.contractAddress);
    for (let i = 0; i < 2; i++) {
      const r = await send({
        ...common,
        nonce: await nonce(),
        gasLimit: 200_000,
        kind: 'call',
        to: hexToBytes(address),
        value: 0n,
        method: 'increment',
        input: new Uint8Array(0),
      });
      assert.equal(r.status, 'ok');
    }
    await page.fill('#search-input', address);
    await page.click('.search button[type=submit]');
    const res = page.locator('#search-result[data-kind="contract"]');
    await res.waitFor({ timeout: 10_000 });
    const acct = await client.call('state_getAccount', { address });
    const codeHash = (acct as { codeHash?: string }).codeHash;
    assert.ok(codeHash && ((await res.textContent()) ?? '').includes(codeHash));
    await page.fill('#contract-key', 'count');
    await page.click('#contract-panel form[aria-label="Read a storage key"] button');
    const st = page.locator('#contract-result[data-kind="storage"]');
    await st.waitFor({ timeout: 10_000 });
    const viaRpc = await client.call('state_getStorage', {
      address,
      key: Buffer.from('count').toString('hex'),
    });
    assert.equal(viaRpc.value, '0200000000000000');
    const stText = (await st.textContent()) ?? '';
    assert.ok(stText.includes(`0x${viaRpc.value}`) && stText.includes('(u64 2)'), stText);
    await page.fill('#contract-method', 'get');
    await page.click('#contract-panel form[aria-label="Call a method read-only"] button');
    const call = page.locator('#contract-result[data-kind="call"]');
    await call.waitFor({ timeout: 10_000 });
    const callText = (await call.textContent()) ?? '';
    assert.ok(callText.startsWith('get(): ok') && callText.includes('(u64 2)'), callText);
    // A plain account (no code) is found by its address too.
    await page.fill('#search-input', from!.address);
    await page.click('.search button[type=submit]');
    await page.locator('#search-result[data-kind="account"]').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'search-contract.png'), fullPage: true });
  });

  it('the Ethereum view finds an ETH transfer we sent with viem, and the sender account', async () => {
    const url = devnet.nodes[0]!.rpcUrl;
    const chain = defineChain({
      id: devnet.init.genesis.evmChainId!,
      name: 'keel devnet',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [url] } },
    });
    const [a, b] = devnet.init.ethAccounts;
    const account = privateKeyToAccount(a!.privateKey as Hex);
    const wallet = createWalletClient({ chain, transport: http(url), account });
    const pub = createPublicClient({ chain, transport: http(url), pollingInterval: 200 });
    const hash = await wallet.sendTransaction({ chain, to: b!.address as Hex, value: 12_345n });
    const receipt = await pub.waitForTransactionReceipt({ hash, timeout: 30_000 });
    assert.equal(receipt.status, 'success');
    await page.locator('#eth-block').waitFor({ timeout: 10_000 });
    assert.match((await page.locator('#eth-title').textContent()) ?? '', /chain id 1337/);
    await page.fill('#eth-search-input', hash);
    await page.click('#eth button[type=submit]');
    const result = page.locator('#eth-result[data-kind="transaction"]');
    await result.waitFor({ timeout: 10_000 });
    const text = (await result.textContent()) ?? '';
    assert.ok(text.includes(hash), text);
    assert.ok(text.includes(`in block ${receipt.blockNumber}`), text);
    assert.ok(text.includes('0.000000000000012345 ETH'), text);
    assert.equal(await page.locator('#eth-status').textContent(), 'success');
    await page.fill('#eth-search-input', a!.address);
    await page.click('#eth button[type=submit]');
    const acct = page.locator('#eth-result[data-kind="account"]');
    await acct.waitFor({ timeout: 10_000 });
    const shown = BigInt((await page.locator('#eth-balance').getAttribute('data-wei')) ?? '-1');
    assert.equal(shown, await pub.getBalance({ address: a!.address as Hex }));
    assert.match((await acct.textContent()) ?? '', /Nonce1/);
    await page.screenshot({ path: join(ARTIFACTS, 'eth.png'), fullPage: true });
  });

  it('dead endpoints show a clear message and keep retrying', async () => {
    const btc = page.locator('#bitcoin [role=alert]');
    await btc.waitFor({ timeout: 10_000 });
    assert.match(
      (await btc.textContent()) ?? '',
      /Endpoint unreachable:.*cannot reach.*Retrying in \d+ s/,
    );
    const pool = page.locator('#pool [role=alert]');
    assert.match((await pool.textContent()) ?? '', /Endpoint unreachable/);
    const failures = async () => Number(/failed (\d+)/.exec((await pool.textContent()) ?? '')?.[1]);
    const first = await failures();
    await page.waitForFunction(
      (n) =>
        Number(
          /failed (\d+)/.exec(document.querySelector('#pool [role=alert]')?.textContent ?? '')?.[1],
        ) > n,
      first,
      { timeout: 15_000 },
    );
  });

  it('passes axe-core checks (no serious or critical violations)', async () => {
    await page.evaluate(AXE_SOURCE);
    const res = (await page.evaluate(() =>
      (globalThis as unknown as { axe: { run: (o: unknown) => Promise<unknown> } }).axe.run({
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] },
      }),
    )) as {
      violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
      passes: { id: string }[];
    };
    const serious = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(
      serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      [],
    );
    const checked = new Set(res.passes.map((p) => p.id));
    assert.ok(checked.has('color-contrast'), 'contrast was checked');
    assert.ok(checked.has('label'), 'form labels were checked');
  });

  it('wrong endpoints: hostile text is shown escaped, malformed answers are errors', async () => {
    const p2 = await ctx.newPage();
    await p2.goto(bad.url);
    const title = p2.locator('#bitcoin-title');
    await p2.locator('#btc-peers').waitFor({ timeout: 10_000 });
    assert.equal(await title.textContent(), `Bitcoin node · ${HOSTILE}`);
    assert.equal(await p2.locator('#btc-peers tbody td.mono').textContent(), HOSTILE);
    assert.equal(await p2.locator('#btc-sync').getAttribute('value'), '50');
    assert.equal(
      await p2.locator('#btc-recent tbody button').first().getAttribute('title'),
      HOSTILE,
    );
    const pool = p2.locator('#pool [role=alert]');
    await pool.waitFor({ timeout: 10_000 });
    assert.match(
      (await pool.textContent()) ?? '',
      /Malformed answer: pool \/stats: field miners should be number, got string/,
    );
    await p2.screenshot({ path: join(ARTIFACTS, 'bad-endpoints.png'), fullPage: true });
    assert.equal(await p2.evaluate(() => (globalThis as { __pwned?: number }).__pwned), undefined);
    assert.equal(await p2.locator('img').count(), 0);
    await p2.close();
  });
});
