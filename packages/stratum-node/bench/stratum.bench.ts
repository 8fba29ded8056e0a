/**
 * `keel bench stratum`:
 *  1. bytes on the wire per job and per share, SV2 (Noise-encrypted) vs SV1 JSON, for the same
 *     deterministic job/share stream (@keel/stratum's wire helpers, real encoders);
 *  2. the same comparison measured on real sockets: one SV2 and one SV1 client on one pool;
 *  3. shares validated per second (full header hash through the ShareTracker);
 *  4. Noise_NX handshakes per second (in memory, and over loopback TCP to the pool);
 *  5. a load run: many simulated miner connections (default 2 000; set
 *     KEEL_BENCH_STRATUM_CONNECTIONS=10000 for the full run) in a child process; pool memory per
 *     connection and p50/p99 share-response latency.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  jobShareStream,
  MAX_TARGET,
  measureShareValidation,
  Sv2NoiseInitiator,
  Sv2NoiseResponder,
  sv1WireBytes,
  sv2WireBytes,
  targetToU256,
} from '@keel/stratum';
import { type BenchHarness, type BenchMain, bytesToHex } from '@keel/util';
import { createIdentity, type PoolIdentity } from '../src/authority.ts';
import { connectNoise, random } from '../src/net/noiseConnection.ts';
import { Pool } from '../src/pool/pool.ts';
import { Sv1Server } from '../src/sv1/server.ts';
import { StaticTemplateProvider } from './staticProvider.ts';

const B = 'stratum';

// A real GC between memory readings (the flag can be set at run time; `gc` then exists in a new context).
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;
const settledMemory = async (): Promise<NodeJS.MemoryUsage> => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage();
};
const PAYOUT = Uint8Array.from([0x00, 0x14, ...new Uint8Array(20).fill(3)]);

export const main: BenchMain = async (h) => {
  wireComputed(h);
  await wireMeasured(h);
  shareValidation(h);
  await handshakes(h);
  await loadRun(h);
};

function wireComputed(h: BenchHarness): void {
  const jobs = 200;
  const sharesPerJob = 20;
  for (const channel of ['standard', 'extended'] as const) {
    const events = jobShareStream({ jobs, sharesPerJob, channel, seed: 7 });
    const sv2 = sv2WireBytes(events, { channel, encrypted: true });
    const sv1 = sv1WireBytes(jobShareStream({ jobs, sharesPerJob, channel: 'extended', seed: 7 }));
    const row = (metric: string, value: number, anchorValue: number) =>
      h.report({ bench: B, metric, value, unit: 'B', anchor: 'SV1 JSON', anchorValue });
    row(`wire: per job, SV2 ${channel} (Noise)`, sv2.perJob, sv1.perJob);
    row(`wire: per share incl. ack, SV2 ${channel} (Noise)`, sv2.perShare, sv1.perShare);
    row(
      `wire: stream of ${jobs} jobs × ${sharesPerJob} shares, SV2 ${channel} (Noise)`,
      sv2.total,
      sv1.total,
    );
  }
}

function identity(): PoolIdentity {
  for (;;) {
    const sk = random(32);
    try {
      return createIdentity(sk);
    } catch {}
  }
}

async function startPool(id: PoolIdentity): Promise<Pool> {
  const pool = new Pool({
    identity: id,
    provider: new StaticTemplateProvider(),
    payoutScript: PAYOUT,
    initialTarget: MAX_TARGET,
    vardiff: { retargetSeconds: 1e9, maxSharesBeforeRetarget: 1e9 },
    maxConnections: 30_000,
  });
  await pool.start();
  return pool;
}

/** One SV2 extended client and one SV1 client on the same pool, the same S shares each. */
async function wireMeasured(h: BenchHarness): Promise<void> {
  const id = identity();
  const pool = await startPool(id);
  const sv1 = new Sv1Server({ pool });
  await sv1.start();
  const shares = 200;
  try {
    // SV2
    const conn = await connectNoise({
      host: '127.0.0.1',
      port: pool.address.port,
      authorityPublicKey: id.authorityPublicKey,
      limits: { maxPayloadLength: 1 << 20, rejectUnknown: false },
      timeoutMs: 10_000,
    });
    let acks = 0;
    let job = { jobId: 0, ntime: 0, channelId: 0, size: 0 };
    const ready = new Promise<void>((resolve) =>
      conn.attach({
        onMessage: (m) => {
          if (m.type === 'SetupConnectionSuccess') {
            conn.send({
              type: 'OpenExtendedMiningChannel',
              payload: {
                requestId: 1,
                userIdentity: 'w.sv2',
                nominalHashRate: 0,
                maxTarget: targetToU256(MAX_TARGET),
                minExtranonceSize: 8,
              },
            });
          } else if (m.type === 'OpenExtendedMiningChannelSuccess') {
            job = { ...job, channelId: m.payload.channelId, size: m.payload.extranonceSize };
          } else if (m.type === 'SetNewPrevHash') {
            job = { ...job, jobId: m.payload.jobId, ntime: m.payload.minNtime };
            resolve();
          } else if (m.type === 'SubmitSharesSuccess' || m.type === 'SubmitSharesError') acks++;
        },
        onClose: () => {},
      }),
    );
    conn.send({
      type: 'SetupConnection',
      payload: {
        protocol: 0,
        minVersion: 2,
        maxVersion: 2,
        flags: 0,
        endpointHost: '',
        endpointPort: 0,
        vendor: 'bench',
        hardwareVersion: '',
        firmware: '',
        deviceId: '',
      },
    });
    await ready;
    const sv2Setup = conn.bytesIn + conn.bytesOut;
    for (let i = 0; i < shares; i++) {
      const extranonce = new Uint8Array(job.size);
      extranonce[0] = i & 0xff;
      conn.send({
        type: 'SubmitSharesExtended',
        payload: {
          channelId: job.channelId,
          sequenceNumber: i,
          jobId: job.jobId,
          nonce: i,
          ntime: job.ntime,
          version: 0x20000000,
          extranonce,
        },
      });
    }
    while (acks < shares) await new Promise((r) => setTimeout(r, 5));
    const sv2Shares = (conn.bytesIn + conn.bytesOut - sv2Setup) / shares;
    conn.close('done');
    // SV1
    const sock = connect({ host: '127.0.0.1', port: sv1.address.port });
    await new Promise((r) => sock.once('connect', r));
    let buf = '';
    const lines: Array<Record<string, unknown>> = [];
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      buf += d;
      let i = buf.indexOf('\n');
      while (i >= 0) {
        lines.push(JSON.parse(buf.slice(0, i)));
        buf = buf.slice(i + 1);
        i = buf.indexOf('\n');
      }
    });
    const w = (o: unknown) => sock.write(`${JSON.stringify(o)}\n`);
    w({ id: 1, method: 'mining.subscribe', params: [] });
    w({ id: 2, method: 'mining.authorize', params: ['w.sv1', 'x'] });
    while (!lines.some((l) => l.method === 'mining.notify'))
      await new Promise((r) => setTimeout(r, 5));
    const notify = lines.find((l) => l.method === 'mining.notify')!.params as string[];
    const sv1Setup = sock.bytesRead + sock.bytesWritten;
    const results = () =>
      lines.filter((l) => typeof l.id === 'number' && (l.id as number) >= 100).length;
    for (let i = 0; i < shares; i++) {
      const en2 = `${(i & 0xff).toString(16).padStart(2, '0')}00000000000000`;
      w({
        id: 100 + i,
        method: 'mining.submit',
        params: ['w.sv1', notify[0], en2, notify[7], (i >>> 0).toString(16).padStart(8, '0')],
      });
    }
    while (results() < shares) await new Promise((r) => setTimeout(r, 5));
    const sv1Shares = (sock.bytesRead + sock.bytesWritten - sv1Setup) / shares;
    sock.destroy();
    h.report({
      bench: B,
      metric: 'wire (measured on sockets): per share incl. response, SV2 extended (Noise)',
      value: sv2Shares,
      unit: 'B',
      anchor: 'SV1 JSON (same pool)',
      anchorValue: sv1Shares,
    });
    h.report({
      bench: B,
      metric:
        'wire (measured on sockets): connection setup through the first job, SV2 extended (Noise)',
      value: sv2Setup,
      unit: 'B',
      anchor: 'SV1 JSON (same pool)',
      anchorValue: sv1Setup,
    });
  } finally {
    await sv1.stop();
    await pool.stop();
  }
}

function shareValidation(h: BenchHarness): void {
  const shares = Math.max(2000, Math.round(50_000 * h.scale));
  for (const channel of ['standard', 'extended'] as const) {
    const r = measureShareValidation({ shares, channel, now: () => performance.now() });
    h.report({
      bench: B,
      metric: `shares validated (${channel} channel, merkle path 12, full header hash)`,
      value: r.sharesPerSecond,
      unit: 'shares/s',
    });
  }
}

async function handshakes(h: BenchHarness): Promise<void> {
  const id = identity();
  const now = Math.floor(Date.now() / 1000);
  const memory = h.opsPerSecond(() => {
    const c = new Sv2NoiseInitiator({ authorityPublicKey: id.authorityPublicKey, random });
    const s = new Sv2NoiseResponder({
      staticKey: id.staticKey,
      certificate: id.certificate,
      random,
    });
    c.readActTwo(s.readActOne(c.writeActOne()).actTwo, now);
  });
  h.report({
    bench: B,
    metric: 'Noise_NX handshakes, both sides in one thread (EllSwift ECDH ×4, BIP340 verify)',
    value: memory,
    unit: 'handshakes/s',
  });
  const pool = await startPool(id);
  try {
    const tcp = await h.opsPerSecondAsync(async () => {
      const conn = await connectNoise({
        host: '127.0.0.1',
        port: pool.address.port,
        authorityPublicKey: id.authorityPublicKey,
        limits: { maxPayloadLength: 1 << 16, rejectUnknown: false },
        timeoutMs: 10_000,
      });
      conn.close('bench');
    });
    h.report({
      bench: B,
      metric: 'Noise_NX handshakes over loopback TCP to the pool (sequential)',
      value: tcp,
      unit: 'handshakes/s',
    });
  } finally {
    await pool.stop();
  }
}

async function loadRun(h: BenchHarness): Promise<void> {
  const fromEnv = Number(process.env.KEEL_BENCH_STRATUM_CONNECTIONS);
  const n =
    Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.max(100, Math.round(2000 * h.scale));
  const k = 3;
  const id = identity();
  const pool = await startPool(id);
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      new URL('./loadClient.ts', import.meta.url).pathname,
      String(pool.address.port),
      bytesToHex(id.authorityPublicKey),
      String(n),
      String(k),
      '5000',
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines: Array<Record<string, unknown>> = [];
  let buf = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    buf += d;
    let i = buf.indexOf('\n');
    while (i >= 0) {
      lines.push(JSON.parse(buf.slice(0, i)));
      buf = buf.slice(i + 1);
      i = buf.indexOf('\n');
    }
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const wait = async (pred: () => boolean, ms: number) => {
    const end = Date.now() + ms;
    while (!pred() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  };
  try {
    const before = await settledMemory();
    h.log(`load: opening ${n} Noise connections…`);
    await wait(() => lines.some((l) => 'ready' in l), 20 * 60_000);
    const ready = lines.find((l) => 'ready' in l);
    if (!ready) throw new Error('load client did not get ready');
    await new Promise((r) => setTimeout(r, 500));
    const after = await settledMemory();
    const conns = Number(ready.ready);
    h.report({
      bench: B,
      metric: `load: connections established (of ${n})`,
      value: conns,
      unit: 'connections',
    });
    h.report({
      bench: B,
      metric: `load: connection rate (${n} handshakes + channel open, 32 in flight)`,
      value: conns / Number(ready.connectSeconds),
      unit: 'connections/s',
    });
    h.report({
      bench: B,
      metric: 'load: pool memory per connection (RSS delta / connections)',
      value: (after.rss - before.rss) / conns / 1024,
      unit: 'KiB',
    });
    h.report({
      bench: B,
      metric: 'load: pool JS heap + buffers per connection (after GC)',
      value: (after.heapUsed + after.external - before.heapUsed - before.external) / conns / 1024,
      unit: 'KiB',
    });
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    child.stdin.write('go\n');
    h.log(`load: ${conns} connections × ${k} shares over ~5 s…`);
    await wait(() => lines.some((l) => 'done' in l), 120_000);
    const done = lines.find((l) => 'done' in l);
    if (!done) throw new Error('load client did not finish');
    loop.disable();
    h.report({
      bench: B,
      metric: 'load: event-loop delay p99 during the run, pool process',
      value: loop.percentile(99) / 1e6,
      unit: 'ms',
    });
    h.report({
      bench: B,
      metric: 'load: event-loop delay p99 during the run, client process',
      value: Number(done.clientLoopP99),
      unit: 'ms',
    });
    h.report({
      bench: B,
      metric: `load: share response p50 (${conns} connections)`,
      value: Number(done.p50),
      unit: 'ms',
    });
    h.report({
      bench: B,
      metric: `load: share response p99 (${conns} connections)`,
      value: Number(done.p99),
      unit: 'ms',
    });
    h.report({
      bench: B,
      metric: `load: pool-side share handling p50 (decrypted share → answer written)`,
      value: pool.stats.shareTimeQuantile(0.5),
      unit: 'ms',
    });
    h.report({
      bench: B,
      metric: `load: pool-side share handling p99`,
      value: pool.stats.shareTimeQuantile(0.99),
      unit: 'ms',
    });
    h.report({
      bench: B,
      metric: 'load: shares answered / submitted',
      value: Number(done.answered) / (conns * k),
      unit: 'fraction',
    });
    h.report({
      bench: B,
      metric: 'load: shares accepted by the pool during the run',
      value: pool.stats.sharesAccepted,
      unit: 'shares',
    });
  } finally {
    child.kill();
    await exited;
    await pool.stop();
  }
}
