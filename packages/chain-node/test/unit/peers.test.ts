import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  agreedPrefix,
  decodeConsensusMessage,
  defaultCodecLimits,
  inputPenalty,
  PeerManager,
  Penalty,
  SyncService,
} from '@keel/chain-node';
import type { Block } from '@keel/consensus';
import type { Stream } from '@libp2p/interface';
import { readAll, withTimeout } from '../../src/net/stream.ts';

describe('peer manager', () => {
  it('rate-limits with a token bucket of 100 requests per minute', () => {
    const p = new PeerManager();
    let ok = 0;
    for (let i = 0; i < 150; i++) if (p.allowRequest('a', 0)) ok++;
    assert.equal(ok, 100);
    assert.equal(p.allowRequest('a', 600), true, '600 ms refills one token');
    assert.equal(p.allowRequest('a', 600), false);
  });

  it('limits gossiped transactions per peer per second', () => {
    const p = new PeerManager({ txsPerSecond: 10 });
    let ok = 0;
    for (let i = 0; i < 20; i++) if (p.allowTx('a', 0)) ok++;
    assert.equal(ok, 10);
    assert.equal(p.allowTx('b', 0), true, 'buckets are per peer');
    assert.equal(p.allowTx('a', 100), true, '100 ms refills one');
  });

  it('clamps scores, bans below -50 with expiry, and persists', () => {
    const p = new PeerManager({ banDurationMs: 1000 });
    const banned: string[] = [];
    p.onBan = (id) => banned.push(id);
    for (let i = 0; i < 5; i++) p.adjust('x', Penalty.invalidMessage, 0);
    assert.equal(p.isBanned('x', 0), false, '-50 is not below -50');
    p.adjust('x', Penalty.invalidMessage, 0);
    assert.equal(p.isBanned('x', 0), true);
    assert.deepEqual(banned, ['x']);
    assert.equal(p.isBanned('x', 1001), false, 'ban expires');
    p.adjust('y', 500, 0);
    assert.equal(p.get('y', 0).score, 100);
    const q = new PeerManager();
    q.load(new Map(p.records(0)));
    assert.equal(q.get('x', 0).score, -60);
    assert.equal(q.isBanned('x', 500), true);
  });
});

describe('sync agreement', () => {
  const blk = (h: number, tag: number) =>
    ({
      parentHash: new Uint8Array(32),
      height: h,
      view: h,
      proposer: tag,
      payload: new Uint8Array([tag]),
      qc: {
        view: h - 1,
        blockHash: new Uint8Array(32),
        signers: new Uint8Array(1),
        signature: new Uint8Array(0),
      },
      leaderProof: new Uint8Array(0),
      seed: new Uint8Array(32),
    }) as Block;

  it('keeps the prefix that 2 of 3 peers agree on', () => {
    const a = [blk(1, 0), blk(2, 0), blk(3, 0)];
    const b = [blk(1, 0), blk(2, 0), blk(3, 9)];
    const c = [blk(1, 0), blk(2, 1)];
    assert.equal(agreedPrefix([a, b, c], 3).length, 2);
    assert.equal(agreedPrefix([a, c], 3).length, 1);
    assert.equal(agreedPrefix([a], 3).length, 0, 'one answer of three is not 2/3');
  });

  it('takes the height 2/3 of peers reach', () => {
    const s = (h: number) => ({ peer: String(h), height: h, latencyMs: 1 });
    assert.equal(SyncService.networkHeight([s(10), s(20), s(30)]), 20);
    assert.equal(SyncService.networkHeight([s(10), s(20), s(30), s(1000)]), 20);
    assert.equal(SyncService.networkHeight([]), 0);
  });
});

describe('inbound failure scoring', () => {
  /** A stream whose source yields `chunks`, then fails with `end` if given. */
  const stream = (chunks: Uint8Array[], end?: Error) =>
    ({
      source: (async function* () {
        for (const c of chunks) yield c;
        if (end) throw end;
      })(),
      abort() {},
    }) as unknown as Stream;

  it('penalizes undecodable and oversized input', async () => {
    let decodeErr: unknown = null;
    try {
      decodeConsensusMessage(new Uint8Array([0xff, 1, 2, 3]), defaultCodecLimits);
    } catch (e) {
      decodeErr = e;
    }
    assert.ok(decodeErr, 'garbage does not decode');
    assert.equal(inputPenalty(decodeErr), Penalty.invalidMessage);
    const big = readAll(stream([new Uint8Array(600), new Uint8Array(600)]), 1000);
    const oversized = await big.then(
      () => null,
      (e: unknown) => e,
    );
    assert.equal(inputPenalty(oversized), Penalty.oversizedMessage);
  });

  it('does not penalize a peer for a reset stream or a read that timed out', async () => {
    const reset = await readAll(stream([new Uint8Array(10)], new Error('stream reset')), 1000).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(reset);
    assert.equal(inputPenalty(reset), null);
    const slow = await withTimeout(new Promise(() => {}), 10, 'message').then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(slow);
    assert.equal(inputPenalty(slow), null);
  });
});
