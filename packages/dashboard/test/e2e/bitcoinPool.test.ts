/**
 * The dashboard's Bitcoin and pool views against real keel services: a regtest `keel bitcoin
 * node` process whose mempool holds transactions at eight fee rates, a `keel stratum pool` on
 * its getblocktemplate and a `keel stratum miner`, all through the CLI, and headless Debian
 * Chromium. The fee histogram, the recent blocks, a block's transactions and inputs, and the
 * pool's miners, shares, hashrate chart and found blocks must match what the services say.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  encodeTransaction,
  regtestAddressParams,
  scriptToAddress,
  type Transaction,
} from '@keel/bitcoin';
import { sha256 } from '@keel/crypto';
import { freePort, tempDir } from '@keel/test-utils';
import { bytesToHex, hexToBytes } from '@keel/util';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
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
if (skip) console.log(`# skip dashboard Bitcoin/pool browser tests: ${skip}`);

/** P2WSH(OP_TRUE): anyone can spend with the witness [OP_TRUE]; standard under Core's policy. */
const TRUE_SCRIPT = Uint8Array.of(0x51);
const PAYOUT = Uint8Array.of(0x00, 0x20, ...sha256(TRUE_SCRIPT));
/** Fee rates (sat/vB) of the mempool transactions, one per histogram bucket. */
const RATES = [1, 4, 6, 10, 25, 60, 150, 400];

describe(
  'keel dashboard in Chromium against a Bitcoin node and a Stratum pool',
  {
    skip,
    timeout: 200_000,
  },
  () => {
    const dir = tempDir('keel-dashboard-btc-');
    const procs: ChildProcess[] = [];
    const userData = mkdtempSync(join(tmpdir(), 'keel-chromium-'));
    let rpcUrl = '';
    let dash: DashboardServer;
    let ctx: BrowserContext;
    let page: Page;
    let statsUrl = '';
    let poolPort = 0;
    const sent: string[] = [];

    function run(args: string[]): { proc: ChildProcess; err: () => string } {
      const proc = spawn(process.execPath, [KEEL_BIN, ...args], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      procs.push(proc);
      let err = '';
      proc.stderr!.on('data', (d) => (err += d));
      return { proc, err: () => err };
    }

    async function rpc<T>(method: string, params: unknown[] = []): Promise<T> {
      const r = await fetch(rpcUrl, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('dash:dash-pw').toString('base64')}` },
        body: JSON.stringify({ jsonrpc: '1.0', id: 1, method, params }),
      });
      const j = (await r.json()) as { result: T; error: { message: string } | null };
      if (j.error) throw new Error(`${method}: ${j.error.message}`);
      return j.result;
    }

    async function until(cond: () => Promise<boolean> | boolean, ms: number, what: string) {
      const end = Date.now() + ms;
      while (!(await cond())) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }

    before(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      const rpcPort = await freePort();
      rpcUrl = `http://127.0.0.1:${rpcPort}`;
      const node = run([
        'bitcoin',
        'node',
        '--network',
        'regtest',
        '--datadir',
        join(dir.path, 'btc'),
        '--no-listen',
        '--rpcport',
        String(rpcPort),
        '--rpcuser',
        'dash',
        '--rpcpassword',
        'dash-pw',
        '--log-level',
        'warn',
      ]);
      await until(
        () =>
          rpc('getblockcount').then(
            () => true,
            () => false,
          ),
        60_000,
        `the node's RPC (${node.err()})`,
      );
      // 110 blocks to P2WSH(OP_TRUE): the coinbases of blocks 1..9 are mature.
      const address = scriptToAddress(PAYOUT, regtestAddressParams)!;
      const hashes = await rpc<string[]>('generatetoaddress', [110, address]);
      for (const [i, rate] of RATES.entries()) {
        const b = await rpc<{ tx: Array<{ txid: string; vout: Array<{ value: number }> }> }>(
          'getblock',
          [hashes[i], 2],
        );
        const cb = b.tx[0]!;
        const value = BigInt(Math.round(cb.vout[0]!.value * 1e8));
        // 1 input (P2WSH, witness [script]) and 1 P2WSH output: 94.75 vB → 95
        const fee = BigInt(rate * 95);
        const tx: Transaction = {
          version: 2,
          inputs: [
            {
              prevout: { txid: hexToBytes(cb.txid).reverse(), vout: 0 },
              scriptSig: new Uint8Array(0),
              sequence: 0xfffffffd,
              witness: [TRUE_SCRIPT],
            },
          ],
          outputs: [{ value: value - fee, scriptPubKey: PAYOUT }],
          locktime: 0,
        };
        sent.push(await rpc<string>('sendrawtransaction', [bytesToHex(encodeTransaction(tx))]));
      }
      poolPort = await freePort();
      statsUrl = `http://127.0.0.1:${await freePort()}`;
      dash = await startDashboardServer({
        bitcoin: parseBitcoinEndpoint(`${rpcUrl},dash:dash-pw`),
        pool: statsUrl,
        host: '127.0.0.1',
        port: 0,
        timeoutMs: 3000,
      });
      ctx = await chromium.launchPersistentContext(userData, {
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
        viewport: { width: 1280, height: 1000 },
      });
      page = ctx.pages()[0] ?? (await ctx.newPage());
      page.on('pageerror', (e) => console.log(`# page error: ${e.message}`));
    });

    after(async () => {
      await ctx?.close();
      await dash?.stop();
      for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
      dir.cleanup();
      rmSync(userData, { recursive: true, force: true });
    });

    it('the fee-rate histogram and mempool tiles match the node’s mempool', async () => {
      await page.goto(dash.url);
      const hist = page.locator('#btc-fee-histogram');
      await hist.waitFor({ timeout: 20_000 });
      assert.equal(await page.locator('#btc-blocks').textContent(), '110');
      assert.equal(await page.locator('#btc-mempool').textContent(), String(RATES.length));
      assert.equal(await hist.getAttribute('data-txs'), String(RATES.length));
      // one transaction in each of eight distinct buckets: eight bars with height > 0
      const heights = await hist
        .locator('rect.bar')
        .evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('height'))));
      assert.equal(heights.filter((h) => h > 0).length, RATES.length);
      const entries = await rpc<Record<string, { vsize: number; fees: { base: number } }>>(
        'getrawmempool',
        [true],
      );
      const top = Object.values(entries).find((e) => (e.fees.base * 1e8) / e.vsize > 350);
      assert.ok(top, 'the 400 sat/vB transaction is in the mempool');
      assert.ok((await hist.locator('rect.bar[data-key="300–500"]').count()) === 1);
      await page.screenshot({ path: join(ARTIFACTS, 'bitcoin-mempool.png'), fullPage: true });
    });

    it('mines through the pool: miners, shares, hashrate chart, found blocks', async () => {
      const poolDir = join(dir.path, 'pool');
      run([
        'stratum',
        'pool',
        '--rpc-url',
        rpcUrl,
        '--rpc-user',
        'dash',
        '--rpc-password',
        'dash-pw',
        '--rpc-poll-ms',
        '200',
        '--payout-script',
        bytesToHex(PAYOUT),
        '--share-difficulty',
        '0.00002',
        '--datadir',
        poolDir,
        '--listen',
        `127.0.0.1:${poolPort}`,
        '--stats-listen',
        statsUrl.replace('http://', ''),
        '--log-level',
        'warn',
      ]);
      const pub = join(poolDir, 'authority.pub');
      await until(
        () => existsSync(pub) && readFileSync(pub, 'utf8').trim().length === 64,
        60_000,
        'authority.pub',
      );
      const miner = run([
        'stratum',
        'miner',
        '--pool',
        `127.0.0.1:${poolPort}`,
        '--authority-key',
        `@${pub}`,
        '--threads',
        '1',
        '--user',
        'dash.rig1',
        '--log-level',
        'error',
      ]);
      await page.waitForFunction(
        () => Number(document.querySelector('#pool-blocks')?.textContent) >= 1,
        undefined,
        { timeout: 90_000 },
      );
      assert.equal(await page.locator('#pool-miners').textContent(), '1');
      assert.ok(Number(await page.locator('#pool-accepted').textContent()) >= 1);
      assert.equal(
        await page.locator('#pool-workers tbody tr td:first-child').first().textContent(),
        'dash',
      );
      // the hashrate chart keeps one point per poll for the miner
      await page.waitForFunction(
        () =>
          Number(
            document
              .querySelector('#pool-hashrate polyline[data-name="dash"]')
              ?.getAttribute('data-points'),
          ) >= 2,
        undefined,
        { timeout: 20_000 },
      );
      miner.proc.kill('SIGKILL');
      const stats = (await (await fetch(`${statsUrl}/stats`)).json()) as { blocksFound: number };
      assert.ok(stats.blocksFound >= 1);
      await page.screenshot({ path: join(ARTIFACTS, 'pool.png'), fullPage: true });
    });

    it('a mined block opens with its transactions and their inputs', async () => {
      // the first block the pool found carries the eight mempool transactions
      const height = 111;
      const hash = await rpc<string>('getblockhash', [height]);
      const block = await rpc<{ tx: string[] }>('getblock', [hash, 1]);
      for (const t of sent) assert.ok(block.tx.includes(t), `block ${height} has ${t}`);
      // the chain moved on (every share is a block at regtest difficulty): open it by height
      await page.fill('#btc-block-input', String(height));
      await page.click('#bitcoin form button[type=submit]');
      const view = page.locator(`#btc-block[data-hash="${hash}"]`);
      await view.waitFor({ timeout: 10_000 });
      assert.equal(await view.getAttribute('data-txs'), String(block.tx.length));
      assert.equal(await page.locator('#btc-block-txs tbody tr').count(), block.tx.length);
      assert.equal(await page.locator('#btc-block-txs .coinbase').count(), 1);
      const row = page.locator(`#btc-block-txs tr[data-txid="${sent[0]}"]`);
      const spent = await rpc<{ vin: Array<{ txid: string; vout: number }> }>('getrawtransaction', [
        sent[0],
        1,
        hash,
      ]);
      assert.equal(
        await row.locator('li.mono').first().getAttribute('title'),
        `${spent.vin[0]!.txid}:${spent.vin[0]!.vout}`,
      );
      await page.screenshot({ path: join(ARTIFACTS, 'bitcoin-block.png'), fullPage: true });
      // a block from the recent list opens too
      const first = page.locator('#btc-recent tbody button').first();
      const tipHash = await first.getAttribute('title');
      await first.click();
      await page.locator(`#btc-block[data-hash="${tipHash}"]`).waitFor({ timeout: 10_000 });
    });
  },
);
