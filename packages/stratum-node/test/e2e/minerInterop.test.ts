/**
 * The CPU miner against pool messages it used to ignore: SetExtranoncePrefix (05 §5.3.10),
 * SetGroupChannel (05 §5.3.22), SetTarget only for later jobs (05 §5.3.21) and Reconnect's new
 * host/port (03 §3.6.5). The upstream here is a scripted Noise server; every share the miner
 * sends is re-hashed by the test from the fields the server sent.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, test } from 'node:test';
import {
  encodeCoinbaseOutput,
  joinCoinbase,
  type Sv2Message,
  type Sv2Payload,
  targetToU256,
} from '@keel/stratum';
import { concatBytes } from '@keel/util';
import { Miner } from '../../src/miner/miner.ts';
import { acceptNoise, type Sv2Connection } from '../../src/net/noiseConnection.ts';
import { identity, sha256d, startPool, waitFor } from '../support/fixtures.ts';
import { header, headerValue } from '../support/rawClient.ts';

const stops: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const s of stops.reverse()) await s();
});

const id = identity();
const EASY = 1n << 246n; // about 1 share per 1 024 hashes

/** Accepts one miner, answers setup/open, and hands the connection to the test. */
async function scriptedUpstream(): Promise<{
  port: number;
  conn: Promise<Sv2Connection>;
  inbox: Sv2Message[];
}> {
  const inbox: Sv2Message[] = [];
  let resolve!: (c: Sv2Connection) => void;
  const conn = new Promise<Sv2Connection>((r) => (resolve = r));
  const server: Server = createServer((socket) => {
    acceptNoise(socket, {
      staticKey: id.staticKey,
      certificate: id.certificate,
      limits: { maxPayloadLength: 1 << 16, rejectUnknown: false },
      handshakeTimeoutMs: 5000,
    }).then((c) => {
      c.attach({
        onMessage: (m) => {
          inbox.push(m);
          if (m.type === 'SetupConnection')
            c.send({ type: 'SetupConnectionSuccess', payload: { usedVersion: 2, flags: 0 } });
          if (m.type === 'OpenExtendedMiningChannel') resolve(c);
        },
        onClose: () => {},
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  stops.push(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as { port: number }).port, conn, inbox };
}

const prefixA = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1);
const prefixB = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 2);
const prevHash = new Uint8Array(32).fill(7);
const nbits = 0x1d00ffff;

function job(
  jobId: number,
  channelId: number,
  minNtime?: number,
): Sv2Payload<'NewExtendedMiningJob'> {
  const prefix = Uint8Array.of(
    1,
    0,
    0,
    0,
    1,
    ...new Uint8Array(32),
    0xff,
    0xff,
    0xff,
    0xff,
    20,
    1,
    2,
    3,
    4,
  );
  const suffix = concatBytes(
    Uint8Array.of(0xff, 0xff, 0xff, 0xff, 1),
    encodeCoinbaseOutput({ value: 1n, scriptPubKey: Uint8Array.of(0x51) }),
    new Uint8Array(4),
  );
  return {
    channelId,
    jobId,
    minNtime,
    version: 0x20000000,
    versionRollingAllowed: true,
    merklePath: [new Uint8Array(32).fill(jobId)],
    coinbaseTxPrefix: prefix,
    coinbaseTxSuffix: suffix,
  };
}

/** The header hash of a submitted share, rebuilt by the test with a given extranonce_prefix. */
function shareHash(
  j: Sv2Payload<'NewExtendedMiningJob'>,
  s: Sv2Payload<'SubmitSharesExtended'>,
  prefix: Uint8Array,
): bigint {
  let root = sha256d(
    joinCoinbase(j.coinbaseTxPrefix, concatBytes(prefix, s.extranonce), j.coinbaseTxSuffix),
  );
  for (const p of j.merklePath) root = sha256d(concatBytes(root, p));
  return headerValue(header(s.version, prevHash, root, s.ntime, nbits, s.nonce));
}

test(
  'miner: SetExtranoncePrefix for later jobs, group channel jobs, SetTarget for later jobs, BIP323 rolling',
  { timeout: 60_000 },
  async () => {
    const up = await scriptedUpstream();
    const miner = new Miner({
      host: '127.0.0.1',
      port: up.port,
      authorityPublicKey: id.authorityPublicKey,
      channel: 'extended',
      threads: 1,
    });
    stops.push(() => miner.stop());
    await miner.start();
    const c = await up.conn;
    const CH = 5;
    const GROUP = 99;
    c.send({
      type: 'OpenExtendedMiningChannelSuccess',
      payload: {
        requestId: 1,
        channelId: CH,
        target: targetToU256(EASY),
        extranonceSize: 8,
        extranoncePrefix: prefixA,
        groupChannelId: 0,
      },
    });
    const j1 = job(1, CH);
    c.send({ type: 'NewExtendedMiningJob', payload: j1 });
    c.send({
      type: 'SetNewPrevHash',
      payload: { channelId: CH, jobId: 1, prevHash, minNtime: 1_700_000_000, nbits },
    });
    const shares = () =>
      up.inbox
        .filter(
          (m): m is Extract<Sv2Message, { type: 'SubmitSharesExtended' }> =>
            m.type === 'SubmitSharesExtended',
        )
        .map((m) => m.payload);
    await waitFor(() => shares().some((s) => s.jobId === 1), 20_000, 'a share for job 1');
    const s1 = shares().find((s) => s.jobId === 1)!;
    assert.ok(shareHash(j1, s1, prefixA) <= EASY);
    assert.equal((s1.version & ~0x1fffffe0) >>> 0, 0x20000000, 'only BIP323 bits rolled');

    // New prefix, then a job addressed to a group the channel is put in; a job for a group it is
    // not in is ignored. The new job's shares must hash with the new prefix.
    c.send({ type: 'SetExtranoncePrefix', payload: { channelId: CH, extranoncePrefix: prefixB } });
    c.send({ type: 'SetGroupChannel', payload: { groupChannelId: GROUP, channelIds: [CH] } });
    c.send({ type: 'NewExtendedMiningJob', payload: job(3, 1234, 1_700_000_000) }); // not ours
    // A much harder target, then job 2 (live): job 2 is mined at the new target.
    const HARD = 1n << 242n;
    c.send({ type: 'SetTarget', payload: { channelId: CH, maximumTarget: targetToU256(HARD) } });
    const j2 = job(2, GROUP, 1_700_000_000);
    c.send({ type: 'NewExtendedMiningJob', payload: j2 });
    await waitFor(
      () => shares().filter((s) => s.jobId === 2).length >= 2,
      30_000,
      'shares for job 2',
    );
    const s2 = shares().filter((x) => x.jobId === 2);
    for (const s of s2) {
      const v = shareHash(j2, s, prefixB);
      assert.ok(v <= HARD, `job 2 share above the new target: ${v.toString(16)}`);
    }
    // With the old prefix these headers are random hashes: (nearly) none meets the target.
    assert.ok(
      s2.some((s) => shareHash(j2, s, prefixA) > HARD),
      'shares were hashed with prefix B',
    );
    assert.ok(!shares().some((s) => s.jobId === 3), 'job for another channel was not mined');
  },
);

test(
  'miner: Reconnect moves it to the new host/port of the same pool (authority key pinned)',
  { timeout: 60_000 },
  async () => {
    const a = await startPool({ identity: id, initialTarget: 1n << 250n });
    stops.push(() => a.pool.stop());
    const b = await startPool({ identity: id, initialTarget: 1n << 250n });
    stops.push(() => b.pool.stop());
    const miner = new Miner({
      host: '127.0.0.1',
      port: a.pool.address.port,
      authorityPublicKey: id.authorityPublicKey,
      threads: 1,
      minBackoffMs: 50,
    });
    stops.push(() => miner.stop());
    await miner.start();
    await waitFor(() => a.pool.stats.snapshot().channels === 1, 20_000, 'miner on pool A');
    a.pool.reconnectAll('127.0.0.1', b.pool.address.port);
    await waitFor(() => b.pool.stats.snapshot().channels === 1, 20_000, 'miner on pool B');
    assert.deepEqual(miner.upstream, { host: '127.0.0.1', port: b.pool.address.port });
    await waitFor(() => a.pool.stats.snapshot().channels === 0, 5000, 'pool A empty');
  },
);
