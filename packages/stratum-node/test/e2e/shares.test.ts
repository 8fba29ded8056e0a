import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MAX_TARGET, MiningSetupFlags, targetToU256 } from '@keel/stratum';
import type { Pool } from '../../src/pool/pool.ts';
import type { RegtestTemplateSource } from '../../src/template/regtest.ts';
import { startPool } from '../support/fixtures.ts';
import { findNonce, header, headerValue, RawClient } from '../support/rawClient.ts';

// One client, two standard channels with per-channel jobs: A at target 2^256−1 (every hash is a
// share, and hashes ≤ 2^255 are regtest blocks), B at 2^240. Expected verdicts are decided in
// the test by hashing the header itself.
const NET = (0x7fffffn << 232n) | 0n; // regtest nBits 0x207fffff → 0x7fffff · 2^(8·(0x20−3))
const B_TARGET = 1n << 240n;

let pool: Pool;
let source: RegtestTemplateSource;
let client: RawClient;
let seq = 0;
const ch: Record<'A' | 'B', { id: number; root: Uint8Array; jobId: number }> = {} as never;
let prev: { prevHash: Uint8Array; minNtime: number; nbits: number; jobId: number };

before(async () => {
  ({ pool, source } = await startPool({ initialTarget: MAX_TARGET }).then(async (r) => {
    client = await RawClient.connect(r.pool.address.port, r.id.authorityPublicKey);
    return r;
  }));
  await client.setup(MiningSetupFlags.REQUIRES_STANDARD_JOBS);
  for (const [name, max] of [
    ['A', MAX_TARGET],
    ['B', B_TARGET],
  ] as const) {
    const requestId = name === 'A' ? 1 : 2;
    client.send({
      type: 'OpenStandardMiningChannel',
      payload: {
        requestId,
        userIdentity: `t.${name}`,
        nominalHashRate: 0, // unknown: the pool starts at initialTarget
        maxTarget: targetToU256(max),
      },
    });
    const ok = await client.next(
      'OpenStandardMiningChannelSuccess',
      (p) => p.requestId === requestId,
    );
    assert.equal(ok.groupChannelId, 0, 'REQUIRES_STANDARD_JOBS: no group');
    const job = await client.next('NewMiningJob', (p) => p.channelId === ok.channelId);
    assert.equal(job.minNtime, undefined, 'first job is a future job');
    const p = await client.next('SetNewPrevHash', (x) => x.channelId === ok.channelId);
    assert.equal(p.jobId, job.jobId);
    prev = { prevHash: p.prevHash, minNtime: p.minNtime, nbits: p.nbits, jobId: p.jobId };
    ch[name] = { id: ok.channelId, root: job.merkleRoot, jobId: job.jobId };
  }
});
after(async () => {
  client?.close();
  await pool?.stop();
});

const make =
  (c: 'A' | 'B', version = 0x20000000) =>
  (nonce: number) =>
    header(version, prev.prevHash, ch[c].root, prev.minNtime, prev.nbits, nonce);

async function submit(
  c: 'A' | 'B',
  nonce: number,
  o: { jobId?: number; version?: number; ntime?: number; channelId?: number } = {},
): Promise<string> {
  const sequenceNumber = seq++;
  client.send({
    type: 'SubmitSharesStandard',
    payload: {
      channelId: o.channelId ?? ch[c].id,
      sequenceNumber,
      jobId: o.jobId ?? ch[c].jobId,
      nonce,
      ntime: o.ntime ?? prev.minNtime,
      version: o.version ?? 0x20000000,
    },
  });
  const answer = await Promise.race([
    client
      .next('SubmitSharesSuccess', (p) => p.lastSequenceNumber === sequenceNumber)
      .then(() => 'ok'),
    client
      .next('SubmitSharesError', (p) => p.sequenceNumber === sequenceNumber)
      .then((e) => e.errorCode),
  ]);
  return answer;
}

test('channel targets as requested', () => {
  assert.notEqual(ch.A.id, ch.B.id);
  assert.equal(prev.nbits, 0x207fffff);
});

test('wrong nonce → difficulty-too-low', { timeout: 30_000 }, async () => {
  const good = findNonce(make('B'), 0n, B_TARGET);
  let bad = good + 1;
  while (headerValue(make('B')(bad)) <= B_TARGET) bad++;
  assert.equal(await submit('B', bad), 'difficulty-too-low');
});

test('share above the channel target (low difficulty) → difficulty-too-low', async () => {
  const n = findNonce(make('B'), B_TARGET, 1n << 250n);
  assert.equal(await submit('B', n), 'difficulty-too-low');
});

test('valid non-block share accepted, then duplicate → duplicate-share', async () => {
  const n = findNonce(make('A'), NET, MAX_TARGET);
  assert.equal(await submit('A', n), 'ok');
  assert.equal(await submit('A', n), 'duplicate-share');
  assert.equal(source.tip.height, 0, 'not a block');
});

test('unknown job → invalid-job-id; unknown channel → invalid-channel-id', async () => {
  assert.equal(await submit('A', 1, { jobId: 0xfffff }), 'invalid-job-id');
  assert.equal(await submit('A', 1, { channelId: 0xfffff }), 'invalid-channel-id');
});

test('version bits outside BIP323 → invalid-version; ntime too far ahead → invalid-timestamp', async () => {
  assert.equal(await submit('A', 7, { version: 0x20000001 }), 'invalid-version');
  const far = Math.floor(Date.now() / 1000) + 3 * 3600;
  assert.equal(await submit('A', 7, { ntime: far }), 'invalid-timestamp');
  // BIP323 general-purpose bits may roll, including bits 5–12 that BIP320 did not allow
  const rolled = 0x20000000 | (5 << 13) | (0xa5 << 5);
  const n = findNonce(make('A', rolled), NET, MAX_TARGET);
  assert.equal(await submit('A', n, { version: rolled }), 'ok');
});

test(
  'block share accepted and extends the chain; old job then → stale-share',
  { timeout: 30_000 },
  async () => {
    const n = findNonce(make('A'), 0n, NET);
    assert.equal(await submit('A', n), 'ok');
    const np = await client.next(
      'SetNewPrevHash',
      (p) => p.channelId === ch.A.id && p.jobId !== prev.jobId,
    );
    assert.equal(source.tip.height, 1);
    const m = findNonce(make('A'), NET, MAX_TARGET, n + 1);
    assert.equal(await submit('A', m), 'stale-share');
    assert.notDeepEqual(np.prevHash, prev.prevHash);
    const snap = pool.stats.snapshot();
    assert.equal(snap.blocksFound, 1);
    assert.deepEqual(snap.sharesRejected, {
      'difficulty-too-low': 2,
      'duplicate-share': 1,
      'invalid-job-id': 1,
      'invalid-channel-id': 1,
      'invalid-version': 1,
      'invalid-timestamp': 1,
      'stale-share': 1,
    });
  },
);
