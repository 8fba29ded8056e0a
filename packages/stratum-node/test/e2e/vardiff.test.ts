import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { MAX_TARGET, MiningSetupFlags, targetToU256, u256ToTarget } from '@keel/stratum';
import { StaticTemplateProvider } from '../../bench/staticProvider.ts';
import { startPool } from '../support/fixtures.ts';
import { findNonce, header, RawClient } from '../support/rawClient.ts';

const stops: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const s of stops.reverse()) await s();
});

// A fixed template on a mainnet-difficulty target, so no share is a block and the job stays.
test(
  'vardiff: shares far above the goal rate get a SetTarget 4× harder, for the next job (in-flight shares stay valid)',
  { timeout: 30_000 },
  async () => {
    const start = 1n << 250n;
    const { pool, id } = await startPool({
      provider: new StaticTemplateProvider(),
      initialTarget: start,
      vardiff: { sharesPerMinute: 6, retargetSeconds: 60, maxSharesBeforeRetarget: 4, maxStep: 4 },
      vardiffIntervalSeconds: 1,
    });
    stops.push(() => pool.stop());
    const c = await RawClient.connect(pool.address.port, id.authorityPublicKey);
    stops.push(() => c.close());
    await c.setup(MiningSetupFlags.REQUIRES_STANDARD_JOBS);
    c.send({
      type: 'OpenStandardMiningChannel',
      payload: {
        requestId: 1,
        userIdentity: 'v.1',
        nominalHashRate: 0, // unknown: the pool starts at initialTarget
        maxTarget: targetToU256(MAX_TARGET),
      },
    });
    const ok = await c.next('OpenStandardMiningChannelSuccess');
    assert.equal(u256ToTarget(ok.target), start);
    const job = await c.next('NewMiningJob');
    const prev = await c.next('SetNewPrevHash');
    const make = (n: number) =>
      header(job.version, prev.prevHash, job.merkleRoot, prev.minNtime, prev.nbits, n);
    let nonce = 0;
    for (let i = 0; i < 4; i++) {
      nonce = findNonce(make, 0n, start, nonce) + 1;
      c.send({
        type: 'SubmitSharesStandard',
        payload: {
          channelId: ok.channelId,
          sequenceNumber: i,
          jobId: job.jobId,
          nonce: nonce - 1,
          ntime: prev.minNtime,
          version: job.version,
        },
      });
      await c.next('SubmitSharesSuccess', (p) => p.lastSequenceNumber === i);
    }
    const st = await c.next('SetTarget');
    const next = u256ToTarget(st.maximumTarget);
    // 4 shares in well under a second against a goal of 6/min → the largest step, 4× harder
    // (work is an integer count of hashes, so at targets this easy the step is only about 4×).
    assert.ok(next < start / 3n && next > start / 5n, next.toString(16));
    // 05 §5.3.21: the running job keeps the target it was sent with — a share meeting the old
    // target but not the new one is still accepted (SRI's per-job target; regression).
    const easy = findNonce(make, start / 2n, start, nonce);
    c.send({
      type: 'SubmitSharesStandard',
      payload: {
        channelId: ok.channelId,
        sequenceNumber: 9,
        jobId: job.jobId,
        nonce: easy,
        ntime: prev.minNtime,
        version: job.version,
      },
    });
    await c.next('SubmitSharesSuccess', (p) => p.lastSequenceNumber === 9);
    // The pool re-issues the live template as a new job at the next vardiff tick; that job
    // carries the new target, so the same kind of share is now too easy.
    const job2 = await c.next('NewMiningJob', (p) => p.jobId !== job.jobId);
    assert.notEqual(job2.minNtime, undefined);
    const make2 = (n: number) =>
      header(job2.version, prev.prevHash, job2.merkleRoot, prev.minNtime, prev.nbits, n);
    const easy2 = findNonce(make2, start / 2n, start, 0);
    c.send({
      type: 'SubmitSharesStandard',
      payload: {
        channelId: ok.channelId,
        sequenceNumber: 10,
        jobId: job2.jobId,
        nonce: easy2,
        ntime: prev.minNtime,
        version: job2.version,
      },
    });
    assert.equal((await c.next('SubmitSharesError')).errorCode, 'difficulty-too-low');
    // …and one meeting the new target is accepted.
    const hard = findNonce(make2, 0n, next, 0);
    c.send({
      type: 'SubmitSharesStandard',
      payload: {
        channelId: ok.channelId,
        sequenceNumber: 11,
        jobId: job2.jobId,
        nonce: hard,
        ntime: prev.minNtime,
        version: job2.version,
      },
    });
    await c.next('SubmitSharesSuccess', (p) => p.lastSequenceNumber === 11);
  },
);
