import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Block, decodeBlock, type Transaction, txid, wtxid } from '@keel/bitcoin/primitives';
import { vectorsDirOrSkip } from '@keel/test-utils';
import { BufferWriter } from '@keel/util';
import { decodeCmpctBlock, decodeGetBlockTxn, encodeCmpctBlock } from '../../src/bip152/codec.ts';
import { createCompactBlock } from '../../src/bip152/createCompactBlock.ts';
import { ExtraTxnPool } from '../../src/bip152/extraTxnPool.ts';
import { HighBandwidthPeers } from '../../src/bip152/highBandwidth.ts';
import {
  type CompactTxEntry,
  isReconstructFailure,
  PartiallyDownloadedBlock,
} from '../../src/bip152/reconstruct.ts';
import { serveGetBlockTxn } from '../../src/bip152/serve.ts';
import { P2PError, P2PErrorCode } from '../../src/errors.ts';

const dir = vectorsDirOrSkip();
const block: Block | undefined = dir
  ? decodeBlock(readFileSync(join(dir, 'bip152/testnet3-898352.raw')))
  : undefined;
const entries = (txs: readonly Transaction[]): CompactTxEntry[] =>
  txs.map((tx) => ({ tx, txid: txid(tx), wtxid: wtxid(tx) }));
const source = (e: CompactTxEntry[]) => ({ compactTxs: () => e });

test(
  'duplicate short ids in one cmpctblock fail (fall back to the full block)',
  { skip: !block },
  () => {
    const c = createCompactBlock(block!, 7n);
    c.shortIds[1] = c.shortIds[0]!;
    const r = PartiallyDownloadedBlock.init(c, { mempool: source(entries(block!.txs)) });
    assert.ok(isReconstructFailure(r));
    assert.equal(r.status, 'failed');
  },
);

test(
  'two mempool transactions under one short id: the slot is requested, not guessed',
  { skip: !block },
  () => {
    const c = createCompactBlock(block!, 7n);
    const e = entries(block!.txs);
    const twin = { ...e[3]!, tx: { ...e[3]!.tx, locktime: 99 } };
    const r = PartiallyDownloadedBlock.init(c, { mempool: source([twin, ...e]) });
    assert.ok(!isReconstructFailure(r));
    assert.deepEqual(r.missingIndexes(), [3]);
    assert.equal(r.fill([block!.txs[3]!], { segwitActive: false }).status, 'ok');
  },
);

test(
  'the extra pool fills what the mempool lacks; the same tx in both is no collision',
  { skip: !block },
  () => {
    const c = createCompactBlock(block!, 1n);
    const e = entries(block!.txs);
    const extra = new ExtraTxnPool(3);
    for (const i of [2, 5, 6, 7]) extra.add(block!.txs[i]!); // 2 is overwritten: ring of 3
    assert.equal(extra.size, 3);
    const mempool = e.filter((_, i) => ![2, 5, 6].includes(i));
    const withDup = [...mempool, e[7]!];
    const r = PartiallyDownloadedBlock.init(c, { mempool: source(withDup.slice(0, -1)), extra });
    assert.ok(!isReconstructFailure(r));
    assert.deepEqual(r.missingIndexes(), [2]);
    assert.equal(r.extraCount, 2);
  },
);

test(
  'a filled block that does not match its header fails (possible collision)',
  { skip: !block },
  () => {
    const c = createCompactBlock(block!, 9n);
    const e = entries(block!.txs);
    // A lying mempool entry: right wtxid, other transaction.
    e[4] = { ...e[4]!, tx: { ...e[4]!.tx, locktime: 12345 } };
    const r = PartiallyDownloadedBlock.init(c, { mempool: source(e) });
    assert.ok(!isReconstructFailure(r));
    const f = r.fill([], { segwitActive: false });
    assert.equal(f.status, 'failed');
    assert.match(f.status === 'failed' ? f.reason : '', /bad-txnmrklroot/);
  },
);

test('blocktxn with too few or too many transactions is invalid', { skip: !block }, () => {
  const c = createCompactBlock(block!, 9n);
  const mk = () =>
    PartiallyDownloadedBlock.init(c, { mempool: source(entries(block!.txs.slice(0, 5))) });
  const a = mk();
  const b = mk();
  assert.ok(!isReconstructFailure(a) && !isReconstructFailure(b));
  assert.deepEqual(a.missingIndexes(), [5, 6, 7, 8, 9]);
  assert.equal(a.fill(block!.txs.slice(5, 9), { segwitActive: false }).status, 'invalid');
  assert.equal(b.fill(block!.txs.slice(4), { segwitActive: false }).status, 'invalid');
});

test(
  'prefilled index beyond the block, a null prefilled tx and an empty block are invalid',
  { skip: !block },
  () => {
    const c = createCompactBlock(block!, 9n);
    const beyond = { ...c, prefilled: [{ index: c.shortIds.length + 1, tx: block!.txs[0]! }] };
    const r1 = PartiallyDownloadedBlock.init(beyond);
    assert.ok(isReconstructFailure(r1) && r1.status === 'invalid');
    const nullTx = { version: 1, inputs: [], outputs: [], locktime: 0 };
    const r2 = PartiallyDownloadedBlock.init({ ...c, prefilled: [{ index: 0, tx: nullTx }] });
    assert.ok(isReconstructFailure(r2) && r2.status === 'invalid');
    const r3 = PartiallyDownloadedBlock.init({ ...c, shortIds: [], prefilled: [] });
    assert.ok(isReconstructFailure(r3) && r3.status === 'invalid');
  },
);

test(
  'version 1 keys short ids by txid, version 2 by wtxid (a witness spend differs)',
  { skip: !block },
  () => {
    const txs = block!.txs.map((tx, i) =>
      i === 2
        ? { ...tx, inputs: tx.inputs.map((inp) => ({ ...inp, witness: [Uint8Array.of(1, 2)] })) }
        : tx,
    );
    const b = { header: block!.header, txs };
    const v1 = createCompactBlock(b, 5n, { version: 1 });
    const v2 = createCompactBlock(b, 5n, { version: 2 });
    assert.equal(v1.shortIds[0], v2.shortIds[0]);
    assert.notEqual(v1.shortIds[1], v2.shortIds[1]);
    const r1 = PartiallyDownloadedBlock.init(v1, { mempool: source(entries(txs)), version: 1 });
    const r2 = PartiallyDownloadedBlock.init(v1, { mempool: source(entries(txs)), version: 2 });
    assert.ok(!isReconstructFailure(r1) && !isReconstructFailure(r2));
    assert.deepEqual(r1.missingIndexes(), []);
    assert.deepEqual(r2.missingIndexes(), [2]);
  },
);

test('prefill policy sends chosen transactions in full', { skip: !block }, () => {
  const c = createCompactBlock(block!, 5n, { prefill: (_tx, i) => i % 4 === 1 });
  assert.deepEqual(
    c.prefilled.map((p) => p.index),
    [0, 1, 5, 9],
  );
  const d = decodeCmpctBlock(encodeCmpctBlock(c));
  const r = PartiallyDownloadedBlock.init(d);
  assert.ok(!isReconstructFailure(r));
  assert.deepEqual(r.missingIndexes(), [2, 3, 4, 6, 7, 8]);
});

test('getblocktxn out of bounds is misbehaviour', { skip: !block }, () => {
  assert.throws(
    () => serveGetBlockTxn(block!, { blockHash: new Uint8Array(32), indexes: [1, 10] }),
    (e) => e instanceof P2PError && e.verdict === 'discourage' && /out-of-bounds/.test(e.message),
  );
});

test('decoders refuse overflowing differential indexes and oversized counts before allocating', () => {
  // getblocktxn: index 65535 then +1 overflows 16 bits.
  const w = new BufferWriter(64)
    .bytes(new Uint8Array(32))
    .compactSize(2)
    .compactSize(0xffff)
    .compactSize(0);
  assert.throws(
    () => decodeGetBlockTxn(w.finish()),
    (e) => e instanceof P2PError && /differential value overflow/.test(e.message),
  );
  // A count of 2^25 with 3 bytes behind it.
  const big = new BufferWriter(64).bytes(new Uint8Array(32)).compactSize(0x2000000).finish();
  assert.throws(
    () => decodeGetBlockTxn(big),
    (e) => e instanceof P2PError && e.code === P2PErrorCode.OVERSIZED,
  );
  // cmpctblock: 40,000 short ids claimed by an 89-byte payload.
  const hdr = new BufferWriter(100)
    .bytes(new Uint8Array(80))
    .u64le(0n)
    .compactSize(40_000)
    .finish();
  assert.throws(
    () => decodeCmpctBlock(hdr),
    (e) => e instanceof P2PError && e.code === P2PErrorCode.OVERSIZED,
  );
});

test('high-bandwidth peers: at most 3, oldest demoted, last outbound kept for an inbound newcomer', () => {
  const hb = new HighBandwidthPeers();
  assert.deepEqual(hb.onNewBlockFrom('out1', false), { promote: 'out1' });
  hb.onNewBlockFrom('in1', true);
  hb.onNewBlockFrom('in2', true);
  assert.deepEqual(hb.peers, ['out1', 'in1', 'in2']);
  // An inbound newcomer would evict out1, our only outbound: in1 goes instead.
  assert.deepEqual(hb.onNewBlockFrom('in3', true), { promote: 'in3', demote: 'in1' });
  assert.deepEqual(hb.peers, ['out1', 'in2', 'in3']);
  // A repeat moves to the back without messages.
  assert.equal(hb.onNewBlockFrom('out1', false), undefined);
  assert.deepEqual(hb.peers, ['in2', 'in3', 'out1']);
  // An outbound newcomer evicts the oldest.
  assert.deepEqual(hb.onNewBlockFrom('out2', false), { promote: 'out2', demote: 'in2' });
  hb.remove('in3');
  assert.deepEqual(hb.peers, ['out1', 'out2']);
});
