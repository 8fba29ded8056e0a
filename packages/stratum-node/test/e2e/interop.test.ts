/**
 * Interop regressions found by reading keel against sv2-spec and SRI: unknown messages and
 * RequestExtensions, nominal_hash_rate, UpdateChannel bounds on later retargets, configurable
 * extranonce sizes, and no SetNewPrevHash for a job the channel never received (05 §5.3.17).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  encodeCoinbaseOutput,
  MAX_TARGET,
  MiningSetupFlags,
  type NewTemplate,
  nbitsToTarget,
  type SubmitResult,
  type TemplateListener,
  type TemplateProvider,
  targetForHashrate,
  targetToU256,
  u256ToTarget,
} from '@keel/stratum';
import { StaticTemplateProvider } from '../../bench/staticProvider.ts';
import { startPool } from '../support/fixtures.ts';
import { RawClient } from '../support/rawClient.ts';

const stops: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const s of stops.reverse()) await s();
});

async function poolAndClient(o: Parameters<typeof startPool>[0], flags = 0) {
  const { pool, id } = await startPool({ provider: new StaticTemplateProvider(), ...o });
  stops.push(() => pool.stop());
  const c = await RawClient.connect(pool.address.port, id.authorityPublicKey);
  stops.push(() => c.close());
  await c.setup(flags);
  return { pool, c };
}

const open = (requestId: number, nominalHashRate: number, max = MAX_TARGET) =>
  ({
    type: 'OpenStandardMiningChannel',
    payload: { requestId, userIdentity: 'i.1', nominalHashRate, maxTarget: targetToU256(max) },
  }) as const;

test('unknown messages are ignored and RequestExtensions gets an answer (03 §3.4, ext 0x0001)', async () => {
  const { c } = await poolAndClient({ initialTarget: 1n << 250n });
  // A frame of an extension nobody defined, with the channel bit, then a known-but-unexpected
  // message for a pool: neither may close the connection.
  c.conn.sendFrame({
    header: { extensionType: 0x4abc, channelMsg: true, msgType: 0x42, msgLength: 8 },
    payload: Uint8Array.of(1, 0, 0, 0, 9, 9, 9, 9),
  });
  c.send({ type: 'RequestTransactionData', payload: { templateId: 1n } });
  c.send({ type: 'RequestExtensions', payload: { requestId: 7, requestedExtensions: [0x0002] } });
  const err = await c.next('RequestExtensionsError');
  assert.deepEqual(err, { requestId: 7, unsupportedExtensions: [2], requiredExtensions: [] });
  c.send({ type: 'RequestExtensions', payload: { requestId: 8, requestedExtensions: [] } });
  assert.deepEqual(await c.next('RequestExtensionsSuccess'), {
    requestId: 8,
    supportedExtensions: [],
  });
  // Still a working mining connection.
  c.send(open(1, 0));
  await c.next('OpenStandardMiningChannelSuccess');
  assert.equal(c.closedReason, undefined);
});

test('nominal_hash_rate sets the first target; 0 (unknown) keeps initialTarget', async () => {
  const { c } = await poolAndClient({ initialTarget: 1n << 250n, vardiff: { sharesPerMinute: 6 } });
  c.send(open(1, 1e9));
  const a = await c.next('OpenStandardMiningChannelSuccess', (p) => p.requestId === 1);
  // 1 GH/s at 6 shares a minute: 10^10 hashes a share.
  assert.equal(u256ToTarget(a.target), targetForHashrate(1e9, 6));
  const t = u256ToTarget(a.target);
  assert.ok(t > (1n << 256n) / 10_000_000_001n && t < (1n << 256n) / 9_999_999_999n);
  c.send(open(2, 0));
  const b = await c.next('OpenStandardMiningChannelSuccess', (p) => p.requestId === 2);
  assert.equal(u256ToTarget(b.target), 1n << 250n);
  // A max_target harder than the hash-rate target wins.
  c.send(open(3, 1e3, 1n << 200n));
  const d = await c.next('OpenStandardMiningChannelSuccess', (p) => p.requestId === 3);
  assert.equal(u256ToTarget(d.target), 1n << 200n);
});

test('UpdateChannel maximum_target: SetTarget at once and no later retarget goes above it', async () => {
  const { c } = await poolAndClient({
    initialTarget: 1n << 250n,
    // No shares at all: vardiff eases the target every second, as far as it may.
    vardiff: { sharesPerMinute: 60, retargetSeconds: 1, maxStep: 4 },
    vardiffIntervalSeconds: 1,
  });
  c.send(open(1, 0));
  const ok = await c.next('OpenStandardMiningChannelSuccess');
  const max = 1n << 240n;
  c.send({
    type: 'UpdateChannel',
    payload: { channelId: ok.channelId, nominalHashRate: 0, maximumTarget: targetToU256(max) },
  });
  assert.equal(u256ToTarget((await c.next('SetTarget')).maximumTarget), max);
  // Let a few idle retarget ticks pass: any SetTarget must stay ≤ max.
  await new Promise((r) => setTimeout(r, 3500));
  for (const m of c.inbox) {
    if (m.type === 'SetTarget') assert.ok(u256ToTarget(m.payload.maximumTarget) <= max);
  }
});

test('extended extranonce sizes are configurable (prefix 4 + miner 12)', async () => {
  const { c } = await poolAndClient({
    initialTarget: 1n << 250n,
    extranoncePrefixSize: 4,
    extranonceSize: 12,
  });
  c.send({
    type: 'OpenExtendedMiningChannel',
    payload: {
      requestId: 1,
      userIdentity: 'e.1',
      nominalHashRate: 0,
      maxTarget: targetToU256(MAX_TARGET),
      minExtranonceSize: 12,
    },
  });
  const ok = await c.next('OpenExtendedMiningChannelSuccess');
  assert.equal(ok.extranoncePrefix.length, 4);
  assert.equal(ok.extranonceSize, 12);
  c.send({
    type: 'OpenExtendedMiningChannel',
    payload: {
      requestId: 2,
      userIdentity: 'e.2',
      nominalHashRate: 0,
      maxTarget: targetToU256(MAX_TARGET),
      minExtranonceSize: 13,
    },
  });
  assert.equal((await c.next('OpenMiningChannelError')).errorCode, 'min-extranonce-size-too-large');
  c.send(open(3, 0));
  const std = await c.next('OpenStandardMiningChannelSuccess');
  assert.equal(std.extranoncePrefix.length, 16);
});

/** A provider the test drives: a future template now, its SetNewPrevHash later. */
class ManualProvider implements TemplateProvider {
  private l: TemplateListener | undefined;
  private readonly base: NewTemplate = {
    templateId: 1n,
    futureTemplate: true,
    version: 0x20000000,
    coinbaseTxVersion: 2,
    coinbasePrefix: Uint8Array.of(0x03, 0x40, 0x0d, 0x03),
    coinbaseTxInputSequence: 0xffffffff,
    coinbaseTxValueRemaining: 312_500_000n,
    coinbaseTxOutputs: [encodeCoinbaseOutput({ value: 0n, scriptPubKey: Uint8Array.of(0x6a) })],
    coinbaseTxLocktime: 0,
    merklePath: [],
  };
  subscribe(l: TemplateListener): () => void {
    this.l = l;
    l.onNewTemplate(this.base);
    this.prevHash(1n, 9);
    return () => {};
  }
  future(templateId: bigint): void {
    this.l?.onNewTemplate({ ...this.base, templateId });
  }
  prevHash(templateId: bigint, fill: number): void {
    this.l?.onSetNewPrevHash({
      templateId,
      prevHash: new Uint8Array(32).fill(fill),
      headerTimestamp: Math.floor(Date.now() / 1000),
      nBits: 0x17034219,
      target: targetToU256(nbitsToTarget(0x17034219)),
    });
  }
  async submitSolution(): Promise<SubmitResult> {
    return { accepted: false, reason: 'manual' };
  }
}

test('a channel opened between a future job and its SetNewPrevHash gets that job first (05 §5.3.17)', async () => {
  const provider = new ManualProvider();
  const { c } = await poolAndClient(
    { provider, initialTarget: 1n << 250n },
    MiningSetupFlags.REQUIRES_STANDARD_JOBS,
  );
  provider.future(2n); // broadcast to nobody: no channel is open yet
  c.send(open(1, 0));
  const ok = await c.next('OpenStandardMiningChannelSuccess');
  const live = await c.next('NewMiningJob');
  const p1 = await c.next('SetNewPrevHash');
  assert.equal(p1.jobId, live.jobId);
  provider.prevHash(2n, 10); // activates the future job this channel never received
  const deadline = Date.now() + 5000;
  while (!c.inbox.some((m) => m.type === 'SetNewPrevHash') && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 10));
  const order = c.inbox.map((m) =>
    m.type === 'NewMiningJob'
      ? `job ${m.payload.jobId} ${m.payload.minNtime === undefined ? 'future' : 'live'}`
      : m.type === 'SetNewPrevHash'
        ? `prev ${m.payload.jobId}`
        : m.type,
  );
  const prev = c.inbox.find((m) => m.type === 'SetNewPrevHash');
  assert.ok(prev !== undefined && prev.type === 'SetNewPrevHash', order.join(', '));
  assert.equal(prev.payload.channelId, ok.channelId);
  const j = prev.payload.jobId;
  assert.notEqual(j, live.jobId);
  // The pool sent the job as a future job right before the SetNewPrevHash naming it.
  assert.deepEqual(order, [`job ${j} future`, `prev ${j}`]);
});
