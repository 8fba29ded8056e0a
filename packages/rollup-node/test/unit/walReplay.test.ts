import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { tempDir } from '@keel/test-utils';
import { bytesToHex, hexToBytes } from '@keel/util';
import type { Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { type RollupConfig, RollupNode, type WalRecord, WriteAheadLog } from '../../src/index.ts';
import { MemoryL1 } from './memoryL1.ts';

const alice = privateKeyToAccount(`0x${'a1'.repeat(32)}`);
const sequencer = privateKeyToAccount(`0x${'5e'.repeat(32)}`);
const bob = '0x000000000000000000000000000000000000b0b0' as const;
const GENESIS_TS = 1_700_000_000n;

const config: RollupConfig = {
  version: 1,
  l1ChainId: 1337,
  rollup: `0x${'01'.repeat(20)}`,
  bridge: `0x${'02'.repeat(20)}`,
  deployBlock: 1,
  l2ChainId: 901,
  genesisTimestamp: Number(GENESIS_TS),
  sequencer: sequencer.address,
  challengePeriod: 0,
  alloc: { [alice.address]: (10n ** 18n).toString() },
};

function transfer(nonce: number, value: bigint): Promise<Hex> {
  return alice.signTransaction({
    chainId: 901,
    type: 'eip1559',
    nonce,
    to: bob,
    value,
    gas: 21_000n,
    maxFeePerGas: 2n,
    maxPriorityFeePerGas: 1n,
  });
}

describe('WriteAheadLog', () => {
  const dir = tempDir('keel-wal-');
  after(() => dir.cleanup());

  it('replays every complete record and drops a torn last line', () => {
    const path = join(dir.path, 'wal.log');
    const recs: WalRecord[] = [
      { t: 'tx', raw: new Uint8Array([2, 1, 2, 3]), seenMs: 17 },
      {
        t: 'block',
        block: { number: 1n, timestamp: 9n, l1Origin: 4n, txs: [new Uint8Array([7])] },
      },
    ];
    const w = new WriteAheadLog(path);
    w.append(recs);
    w.close();
    const whole = readFileSync(path, 'utf8');
    appendFileSync(path, '{"t":"tx","raw":"02f8');
    const r = new WriteAheadLog(path);
    assert.deepEqual(r.records, recs);
    // the torn tail is cut off, so the next record starts on a line of its own
    assert.equal(readFileSync(path, 'utf8'), whole);
    r.append([{ t: 'tx', raw: new Uint8Array([9]), seenMs: 18 }]);
    r.close();
    assert.equal(new WriteAheadLog(path).records.length, 3);
  });

  it('refuses a corrupt record before the tail with a typed error', () => {
    const path = join(dir.path, 'bad.log');
    writeFileSync(path, '{"t":"tx","raw":"zz","seen":1}\n{"t":"tx","raw":"00","seen":2}\n');
    assert.throws(() => new WriteAheadLog(path), {
      name: 'RollupNodeError',
      code: 'ERR_ROLLUP_NODE_WAL',
      message: /bad\.log line 1/,
    });
  });
});

describe('sequencer crash and restart (in-memory L1)', () => {
  const dir = tempDir('keel-rollup-wal-');
  after(() => dir.cleanup());
  const l1 = new MemoryL1(GENESIS_TS);
  let clock = Number(GENESIS_TS) * 1000;
  const sequencerNode = () =>
    new RollupNode({
      mode: 'sequencer',
      l1: 'memory',
      datadir: join(dir.path, 'seq'),
      config,
      l1Reader: l1,
      submitter: l1.submitter(sequencer.address),
      manual: true,
      now: () => (clock += 1000),
    });

  it('loses no accepted tx or sealed block, and a verifier derives the same roots', async () => {
    l1.deposit({
      from: hexToBytes(alice.address),
      to: hexToBytes(bob),
      value: 5n,
      data: new Uint8Array(),
    });
    const a = sequencerNode();
    await a.start();
    const first: Hex[] = [];
    for (let i = 0; i < 5; i++)
      first.push(a.submitTx(hexToBytes(await transfer(i, 100n + BigInt(i)))));
    await a.tick();
    assert.equal(a.chain.head.number, 1n);
    for (let i = 5; i < 8; i++) a.submitTx(hexToBytes(await transfer(i, 100n + BigInt(i))));
    assert.equal(a.pendingCount, 3);
    // crash: a is never stopped; a torn record is left at the end of the log
    appendFileSync(join(dir.path, 'seq', 'wal.log'), '{"t":"block","n":"2","ts');

    const b = sequencerNode();
    await b.start();
    assert.equal(b.chain.head.number, 1n);
    assert.equal(bytesToHex(b.chain.head.hash), bytesToHex(a.chain.head.hash));
    assert.equal(bytesToHex(b.chain.state.stateRoot()), bytesToHex(a.chain.state.stateRoot()));
    assert.equal(b.pendingCount, 3);
    assert.equal(b.pendingNonce(hexToBytes(alice.address)), 8n);
    for (const h of first) assert.ok(b.chain.findTx(hexToBytes(h)), `${h} in block 1`);
    await b.tick();
    assert.equal(b.chain.head.number, 2n);
    assert.equal(b.pendingCount, 0);
    const paid = [...Array(8).keys()].reduce((s, i) => s + 100n + BigInt(i), 0n);
    assert.equal(b.chain.state.getBalance(hexToBytes(bob)), paid + 5n);
    await b.postBatch();
    assert.equal(l1.posted.length, 1);
    assert.equal(l1.posted[0]!.lastL2Block, 2n);

    // a second restart after the batch landed: the batch is found on L1, nothing re-posted
    const c = sequencerNode();
    await c.start();
    assert.equal(c.chain.postedHead, 2n);
    await c.postBatch();
    assert.equal(l1.posted.length, 1);

    const v = new RollupNode({
      mode: 'verifier',
      l1: 'memory',
      datadir: join(dir.path, 'ver'),
      config,
      l1Reader: l1,
      manual: true,
    });
    await v.start();
    await v.derive();
    assert.equal(v.skipped, 0);
    assert.equal(v.mismatches, 0);
    assert.equal(v.chain.head.number, 2n);
    assert.equal(bytesToHex(v.chain.head.stateRoot), bytesToHex(b.chain.head.stateRoot));
    assert.equal(bytesToHex(v.chain.batches[0]!.outputRoot), bytesToHex(l1.posted[0]!.outputRoot));
    await Promise.all([b.stop(), c.stop(), v.stop()]);
  });

  it('a sequencer whose poster is not config.sequencer refuses to start', async () => {
    const n = new RollupNode({
      mode: 'sequencer',
      l1: 'memory',
      datadir: join(dir.path, 'other'),
      config,
      l1Reader: l1,
      submitter: l1.submitter(alice.address),
      manual: true,
    });
    await assert.rejects(() => n.start(), {
      code: 'ERR_ROLLUP_NODE_INVALID_CONFIG',
      message: `sequencer key is ${alice.address}, the rollup expects ${sequencer.address}`,
    });
  });
});
