/**
 * The client side of the stratum load bench, run as a child process so the pool's memory is
 * measured alone: N Noise connections, each with a standard channel; on "go" (stdin) every
 * connection submits K shares spread over the run and times each SubmitShares.Success.
 * argv: port authorityHex connections sharesPerConnection spreadMs
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { MAX_TARGET, MiningSetupFlags, targetToU256 } from '@keel/stratum';
import { hexToBytes } from '@keel/util';
import { connectNoise, type Sv2Connection } from '../src/net/noiseConnection.ts';

const [portS, authHex, nS, kS, spreadS] = process.argv.slice(2);
const port = Number(portS);
const auth = hexToBytes(authHex!);
const N = Number(nS);
const K = Number(kS);
const spread = Number(spreadS);

interface Sim {
  conn: Sv2Connection;
  channelId: number;
  jobId: number;
  ntime: number;
  sent: Map<number, number>;
}

const latencies: number[] = [];
let errors = 0;
let closed = 0;

function open(): Promise<Sim> {
  return connectNoise({
    host: '127.0.0.1',
    port,
    authorityPublicKey: auth,
    limits: { maxPayloadLength: 1 << 16, rejectUnknown: false },
    timeoutMs: 120_000,
  }).then(
    (conn) =>
      new Promise<Sim>((resolve, reject) => {
        const sim: Sim = { conn, channelId: 0, jobId: 0, ntime: 0, sent: new Map() };
        conn.attach({
          onMessage: (m) => {
            if (m.type === 'SetupConnectionSuccess') {
              conn.send({
                type: 'OpenStandardMiningChannel',
                payload: {
                  requestId: 1,
                  userIdentity: 'load.sim',
                  nominalHashRate: 0,
                  maxTarget: targetToU256(MAX_TARGET),
                },
              });
            } else if (m.type === 'OpenStandardMiningChannelSuccess')
              sim.channelId = m.payload.channelId;
            else if (m.type === 'SetNewPrevHash') {
              sim.jobId = m.payload.jobId;
              sim.ntime = m.payload.minNtime;
              resolve(sim);
            } else if (m.type === 'SubmitSharesSuccess' || m.type === 'SubmitSharesError') {
              const seq =
                m.type === 'SubmitSharesSuccess'
                  ? m.payload.lastSequenceNumber
                  : m.payload.sequenceNumber;
              const t = sim.sent.get(seq);
              if (t !== undefined) latencies.push(performance.now() - t);
              if (m.type === 'SubmitSharesError') errors++;
            }
          },
          onClose: (r) => {
            closed++;
            reject(new Error(r));
          },
        });
        conn.send({
          type: 'SetupConnection',
          payload: {
            protocol: 0,
            minVersion: 2,
            maxVersion: 2,
            flags: MiningSetupFlags.REQUIRES_STANDARD_JOBS,
            endpointHost: '127.0.0.1',
            endpointPort: port,
            vendor: 'bench',
            hardwareVersion: '',
            firmware: '',
            deviceId: '',
          },
        });
      }),
  );
}

async function main(): Promise<void> {
  const sims: Sim[] = [];
  let failed = 0;
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < N) {
      next++;
      try {
        sims.push(await open());
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  const connectSeconds = (performance.now() - t0) / 1000;
  process.stdout.write(`${JSON.stringify({ ready: sims.length, failed, connectSeconds })}\n`);
  await new Promise((r) => process.stdin.once('data', r));
  let seqNonce = 0;
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const t1 = performance.now();
  await Promise.all(
    sims.map(async (s) => {
      for (let k = 0; k < K; k++) {
        await new Promise((r) => setTimeout(r, Math.random() * (spread / K)));
        const seq = k;
        s.sent.set(seq, performance.now());
        s.conn.send({
          type: 'SubmitSharesStandard',
          payload: {
            channelId: s.channelId,
            sequenceNumber: seq,
            jobId: s.jobId,
            nonce: seqNonce++ >>> 0,
            ntime: s.ntime,
            version: 0x20000000,
          },
        });
      }
    }),
  );
  const deadline = performance.now() + 60_000;
  while (latencies.length < sims.length * K && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  const submitSeconds = (performance.now() - t1) / 1000;
  loop.disable();
  const clientLoopP99 = loop.percentile(99) / 1e6;
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  process.stdout.write(
    `${JSON.stringify({ done: true, answered: latencies.length, errors, closed, submitSeconds, p50: q(0.5), p99: q(0.99), max: latencies.at(-1) ?? 0, clientLoopP99 })}\n`,
  );
  for (const s of sims) s.conn.close('bench done');
  setTimeout(() => process.exit(0), 200);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
