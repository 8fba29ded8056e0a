import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { Sv1Server } from '../../src/sv1/server.ts';
import { revalidateChain, sha256d, startPool } from '../support/fixtures.ts';
import { headerValue } from '../support/rawClient.ts';

// A hand-written SV1 client: JSON lines, the classic coinb1‖en1‖en2‖coinb2 coinbase, merkle
// branches folded on the txid, prevhash word-swapped. Nothing here uses the pool's code.
class Sv1Client {
  private buf = '';
  readonly lines: Array<Record<string, unknown>> = [];
  private nextId = 1;
  private waiters: Array<() => void> = [];
  constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.buf += d;
      let i = this.buf.indexOf('\n');
      while (i >= 0) {
        this.lines.push(JSON.parse(this.buf.slice(0, i)));
        this.buf = this.buf.slice(i + 1);
        i = this.buf.indexOf('\n');
      }
      for (const w of this.waiters.splice(0)) w();
    });
  }
  async take(
    pred: (l: Record<string, unknown>) => boolean,
    ms = 5000,
  ): Promise<Record<string, unknown>> {
    const end = Date.now() + ms;
    for (;;) {
      const i = this.lines.findIndex(pred);
      if (i >= 0) return this.lines.splice(i, 1)[0]!;
      if (Date.now() > end) throw new Error('SV1 reply timed out');
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }
  async call(method: string, params: unknown[]): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    this.socket.write(`${JSON.stringify({ id, method, params })}\n`);
    return this.take((l) => l.id === id);
  }
}

const stops: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const s of stops.reverse()) await s();
});

const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const DIFF1 = 0xffffn << 208n;

test(
  'SV1 miner: configure/subscribe/authorize/notify/submit through the pool, blocks validate',
  { timeout: 60_000 },
  async () => {
    const { pool, source } = await startPool({ initialTarget: 1n << 240n });
    stops.push(() => pool.stop());
    const sv1 = new Sv1Server({ pool });
    await sv1.start();
    stops.push(() => sv1.stop());
    const socket = connect({ host: '127.0.0.1', port: sv1.address.port });
    stops.push(() => {
      socket.destroy();
    });
    await new Promise((r) => socket.once('connect', r));
    const c = new Sv1Client(socket);

    const conf = await c.call('mining.configure', [
      ['version-rolling'],
      { 'version-rolling.mask': 'ffffffff', 'version-rolling.min-bit-count': 2 },
    ]);
    assert.deepEqual(conf.result, { 'version-rolling': true, 'version-rolling.mask': '1fffffe0' }); // BIP323
    const sub = await c.call('mining.subscribe', ['test-sv1/1.0']);
    const [, en1, en2Size] = sub.result as [unknown, string, number];
    assert.equal(en1.length, 16);
    assert.equal(en2Size, 8);
    const early = await c.call('mining.submit', [
      'dave.w1',
      '1',
      '00'.repeat(8),
      '00000000',
      '00000000',
    ]);
    assert.equal((early.error as unknown[])[0], 24, 'submit before authorize');
    assert.equal((await c.call('mining.authorize', ['dave.w1', 'x'])).result, true);
    const diff = await c.take((l) => l.method === 'mining.set_difficulty');
    const target = BigInt(Math.round(Number(DIFF1) / (diff.params as number[])[0]!));
    assert.ok(target > 1n << 239n && target < 1n << 241n);

    for (let round = 0; round < 2; round++) {
      const notify = await c.take((l) => l.method === 'mining.notify');
      const [jobId, prevSv1, coinb1, coinb2, branches, versionHex, nbitsHex, ntimeHex, clean] =
        notify.params as [
          string,
          string,
          string,
          string,
          string[],
          string,
          string,
          string,
          boolean,
        ];
      assert.equal(clean, true);
      const en2 = `0000000${round}00000000`;
      let h = sha256d(unhex(coinb1 + en1 + en2 + coinb2));
      for (const b of branches) h = sha256d(new Uint8Array([...h, ...unhex(b)]));
      const prev = unhex(prevSv1);
      for (let i = 0; i < 32; i += 4) prev.subarray(i, i + 4).reverse();
      const rolled = 0x4000; // bit 14, inside the negotiated mask
      const version = (Number.parseInt(versionHex, 16) | rolled) >>> 0;
      const head = new Uint8Array(80);
      const v = new DataView(head.buffer);
      v.setUint32(0, version, true);
      head.set(prev, 4);
      head.set(h, 36);
      v.setUint32(68, Number.parseInt(ntimeHex, 16), true);
      v.setUint32(72, Number.parseInt(nbitsHex, 16), true);
      let nonce = 0;
      let low = -1;
      for (; ; nonce++) {
        v.setUint32(76, nonce, true);
        const val = headerValue(head);
        if (val <= target) break;
        if (low < 0 && val > target) low = nonce;
      }
      const nonceHex = nonce.toString(16).padStart(8, '0');
      const params = [
        'dave.w1',
        jobId,
        en2,
        ntimeHex,
        nonceHex,
        rolled.toString(16).padStart(8, '0'),
      ];
      const lowParams = [...params];
      lowParams[4] = low.toString(16).padStart(8, '0');
      assert.deepEqual((await c.call('mining.submit', lowParams)).error, [
        23,
        'Low difficulty share',
        'difficulty-too-low',
      ]);
      const ok = await c.call('mining.submit', params);
      assert.equal(ok.result, true, JSON.stringify(ok));
      const dup = await c.call('mining.submit', params);
      assert.equal((dup.error as unknown[])[0], 21, 'the share was a block: the job is stale now');
      const bad = await c.call('mining.submit', ['dave.w1', jobId, 'zz', ntimeHex, nonceHex]);
      assert.equal((bad.error as unknown[])[0], 20);
    }
    assert.equal(source.tip.height, 2);
    assert.deepEqual(revalidateChain(source.chain.map((b) => b.block)), { ok: true });
    const w = pool.stats.snapshot().workers.find((x) => x.miner === 'dave');
    assert.equal(w?.accepted, 2);
    assert.equal(w?.blocks, 2);
  },
);
