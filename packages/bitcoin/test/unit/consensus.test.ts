import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sha256d } from '@keel/crypto';
import { concatBytes } from '@keel/util';
import { createArrayChainView, type HeaderInfo } from '../../src/consensus/chain.ts';
import { checkBlock } from '../../src/consensus/checkBlock.ts';
import {
  bip34HeightPrefix,
  contextualCheckBlock,
  contextualCheckBlockHeader,
} from '../../src/consensus/contextual.ts';
import { networks } from '../../src/consensus/params.ts';
import { nextWorkRequired } from '../../src/consensus/pow.ts';
import { witnessMerkleRoot } from '../../src/consensus/witness.ts';
import type { Block, BlockHeader } from '../../src/primitives/block.ts';
import { computeMerkleRoot } from '../../src/primitives/merkle.ts';
import { type Transaction, txid } from '../../src/primitives/transaction.ts';

const regtest = networks.regtest;
const noPoW = { checkPoW: false };

function coinbase(height: number, extraOutputs: Transaction['outputs'] = []): Transaction {
  return {
    version: 1,
    inputs: [
      {
        prevout: { txid: new Uint8Array(32), vout: 0xffffffff },
        scriptSig: concatBytes(bip34HeightPrefix(height), Uint8Array.of(0x01, 0x00)),
        sequence: 0xffffffff,
        witness: [],
      },
    ],
    outputs: [{ value: 1n, scriptPubKey: Uint8Array.of(0x51) }, ...extraOutputs],
    locktime: 0,
  };
}

function payment(tag: number, opts: Partial<Transaction> = {}): Transaction {
  return {
    version: 2,
    inputs: [
      {
        prevout: { txid: new Uint8Array(32).fill(tag), vout: 0 },
        scriptSig: new Uint8Array(0),
        sequence: 0xffffffff,
        witness: [],
      },
    ],
    outputs: [{ value: 1n, scriptPubKey: Uint8Array.of(0x51) }],
    locktime: 0,
    ...opts,
  };
}

function header(over: Partial<BlockHeader> = {}): BlockHeader {
  return {
    version: 4,
    prevBlock: new Uint8Array(32),
    merkleRoot: new Uint8Array(32),
    time: 1_600_000_000,
    bits: 0x207fffff,
    nonce: 0,
    ...over,
  };
}

function makeBlock(txs: Transaction[]): Block {
  return { header: header({ merkleRoot: computeMerkleRoot(txs.map(txid)).root }), txs };
}

/** Adds a BIP141 commitment to the coinbase and a nonce to its witness. */
function commit(block: Block, nonce = new Uint8Array(32)): Block {
  const cb = block.txs[0]!;
  cb.inputs[0]!.witness = [nonce];
  const c = sha256d(concatBytes(witnessMerkleRoot(block), nonce));
  cb.outputs.push({
    value: 0n,
    scriptPubKey: concatBytes(Uint8Array.of(0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed), c),
  });
  block.header.merkleRoot = computeMerkleRoot(block.txs.map(txid)).root;
  return block;
}

const reason = (v: { ok: boolean; reason?: string }) => (v.ok ? 'ok' : v.reason);

test('checkBlock: a well-formed block passes', () => {
  assert.equal(reason(checkBlock(makeBlock([coinbase(5), payment(1)]), regtest, noPoW)), 'ok');
});

test('rule high-hash: proof of work is checked against the bits', () => {
  const b = makeBlock([coinbase(5)]);
  b.header.bits = 0x1d00ffff; // mainnet-scale target: this header cannot meet it
  assert.equal(reason(checkBlock(b, networks.main)), 'high-hash');
  b.header.bits = 0x1e00ffff; // above mainnet's powLimit
  assert.equal(reason(checkBlock(b, networks.main)), 'high-hash');
});

test('rule bad-txnmrklroot: the header must commit to the transactions', () => {
  const b = makeBlock([coinbase(5), payment(1)]);
  b.txs[1]!.outputs[0]!.value = 2n;
  assert.equal(reason(checkBlock(b, regtest, noPoW)), 'bad-txnmrklroot');
});

test('rule bad-txns-duplicate: CVE-2012-2459 duplicated transactions', () => {
  const txs = [coinbase(5), payment(1), payment(2)];
  const b = makeBlock([...txs, txs[2]!]); // same root as the 3-tx block
  assert.deepEqual(b.header.merkleRoot, computeMerkleRoot(txs.map(txid)).root);
  assert.equal(reason(checkBlock(b, regtest, noPoW)), 'bad-txns-duplicate');
});

test('rule bad-blk-length: a block without transactions', () => {
  assert.equal(reason(checkBlock(makeBlock([]), regtest, noPoW)), 'bad-blk-length');
});

test('rule bad-cb-missing / bad-cb-multiple: exactly the first transaction is a coinbase', () => {
  assert.equal(reason(checkBlock(makeBlock([payment(1)]), regtest, noPoW)), 'bad-cb-missing');
  const two = checkBlock(makeBlock([coinbase(5), coinbase(6)]), regtest, noPoW);
  assert.deepEqual([reason(two), !two.ok && two.txIndex], ['bad-cb-multiple', 1]);
});

test('rule checkTransaction: a transaction rule breaks the block, with its index', () => {
  const r = checkBlock(makeBlock([coinbase(5), payment(1, { outputs: [] })]), regtest, noPoW);
  assert.deepEqual([reason(r), !r.ok && r.txIndex], ['bad-txns-vout-empty', 1]);
});

test('rule bad-blk-sigops: legacy sigops × 4 may not exceed 80000', () => {
  const many = (n: number) => [{ value: 0n, scriptPubKey: new Uint8Array(n).fill(0xac) }];
  assert.equal(reason(checkBlock(makeBlock([coinbase(5, many(20_000))]), regtest, noPoW)), 'ok');
  assert.equal(
    reason(checkBlock(makeBlock([coinbase(5, many(20_001))]), regtest, noPoW)),
    'bad-blk-sigops',
  );
});

test('rule bad-cb-height (BIP34): the coinbase starts with the height', () => {
  const b = makeBlock([coinbase(500)]);
  assert.equal(reason(contextualCheckBlock(b, 500, regtest)), 'ok');
  assert.equal(reason(contextualCheckBlock(b, 501, regtest)), 'bad-cb-height');
  // before BIP34 activation anything goes
  assert.equal(reason(contextualCheckBlock(b, 501, { ...regtest, bip34Height: 1000 })), 'ok');
  // small heights are OP_1..OP_16, as CScript() << n writes them
  assert.deepEqual(bip34HeightPrefix(16), Uint8Array.of(0x60));
  assert.deepEqual(bip34HeightPrefix(17), Uint8Array.of(0x01, 0x11));
  assert.deepEqual(bip34HeightPrefix(128), Uint8Array.of(0x02, 0x80, 0x00));
});

test('rule bad-txns-nonfinal (BIP113): locktime against height and the cutoff time', () => {
  const b = makeBlock([
    coinbase(500),
    payment(1, { locktime: 500, inputs: [{ ...payment(1).inputs[0]!, sequence: 0 }] }),
  ]);
  assert.equal(reason(contextualCheckBlock(b, 500, regtest)), 'bad-txns-nonfinal');
  assert.equal(
    reason(contextualCheckBlock(makeBlock([coinbase(501), ...b.txs.slice(1)]), 501, regtest)),
    'ok',
  );
  const timed = payment(2, {
    locktime: 1_600_000_000,
    inputs: [{ ...payment(2).inputs[0]!, sequence: 0 }],
  });
  const tb = makeBlock([coinbase(500), timed]);
  assert.equal(
    reason(contextualCheckBlock(tb, 500, regtest, { lockTimeCutoff: 1_600_000_000 })),
    'bad-txns-nonfinal',
  );
  assert.equal(
    reason(contextualCheckBlock(tb, 500, regtest, { lockTimeCutoff: 1_600_000_001 })),
    'ok',
  );
});

test('rules for the witness commitment (BIP141)', () => {
  const witnessTx = () =>
    payment(3, { inputs: [{ ...payment(3).inputs[0]!, witness: [Uint8Array.of(1)] }] });
  const good = commit(makeBlock([coinbase(500), witnessTx()]));
  assert.equal(reason(contextualCheckBlock(good, 500, regtest)), 'ok');
  // a witness without any commitment
  assert.equal(
    reason(contextualCheckBlock(makeBlock([coinbase(500), witnessTx()]), 500, regtest)),
    'unexpected-witness',
  );
  // before segwit a committed witness is still unexpected
  assert.equal(
    reason(contextualCheckBlock(good, 500, { ...regtest, segwitHeight: 1000 })),
    'unexpected-witness',
  );
  // the nonce must be one 32-byte item
  const badNonce = commit(makeBlock([coinbase(500), witnessTx()]));
  badNonce.txs[0]!.inputs[0]!.witness = [new Uint8Array(31)];
  assert.equal(reason(contextualCheckBlock(badNonce, 500, regtest)), 'bad-witness-nonce-size');
  // a changed witness no longer matches the commitment
  const changed = commit(makeBlock([coinbase(500), witnessTx()]));
  changed.txs[1]!.inputs[0]!.witness = [Uint8Array.of(2)];
  assert.equal(reason(contextualCheckBlock(changed, 500, regtest)), 'bad-witness-merkle-match');
});

test('rule bad-blk-weight: weight above 4,000,000', () => {
  const big = payment(4, { outputs: [{ value: 0n, scriptPubKey: new Uint8Array(1_000_000) }] });
  assert.equal(
    reason(contextualCheckBlock(makeBlock([coinbase(500), big]), 500, regtest)),
    'bad-blk-weight',
  );
  const fits = payment(4, { outputs: [{ value: 0n, scriptPubKey: new Uint8Array(990_000) }] });
  assert.equal(reason(contextualCheckBlock(makeBlock([coinbase(500), fits]), 500, regtest)), 'ok');
});

/** A regtest-like chain of `n` headers, 600 s apart. */
function chainOf(n: number, bits: number, version = 4): HeaderInfo[] {
  return Array.from({ length: n }, (_, h) => ({
    height: h,
    time: 1_000_000 + h * 600,
    bits,
    version,
    hash: new Uint8Array(32),
  }));
}

test('contextual header rules: bits, median time past, future time, version', () => {
  const chain = chainOf(20, 0x207fffff);
  const view = createArrayChainView(chain);
  const prev = chain[19]!;
  const ok = header({ time: prev.time + 600 });
  const check = (h: BlockHeader, adjusted = prev.time + 600) =>
    reason(contextualCheckBlockHeader(h, prev, view, regtest, adjusted));
  assert.equal(check(ok), 'ok');
  assert.equal(check({ ...ok, bits: 0x1d00ffff }), 'bad-diffbits');
  // MTP of heights 9..19 is the time of height 14
  assert.equal(check({ ...ok, time: chain[14]!.time }), 'time-too-old');
  assert.equal(check({ ...ok, time: chain[14]!.time + 1 }), 'ok');
  assert.equal(check({ ...ok, time: prev.time + 600 + 7201 }), 'time-too-new');
  assert.equal(check({ ...ok, time: prev.time + 600 + 7200 }, prev.time + 600), 'ok');
  assert.equal(check({ ...ok, version: 3 }), 'bad-version(0x00000003)');
  assert.equal(check({ ...ok, version: -1 }), 'bad-version(0xffffffff)');
});

test('contextual header rule time-timewarp-attack (BIP94, testnet4 only)', () => {
  const t4 = networks.testnet4;
  const chain = chainOf(2016, 0x1d00ffff);
  const view = createArrayChainView(chain);
  const prev = chain[2015]!;
  const bits = nextWorkRequired(prev, prev.time, view, t4);
  // the first block of a period may not be more than 600 s before its parent
  const early = header({ bits, time: prev.time - 601 });
  const r = contextualCheckBlockHeader(early, prev, view, t4, prev.time);
  assert.equal(reason(r), 'time-timewarp-attack');
  const edge = header({ bits, time: prev.time - 600 });
  assert.notEqual(
    reason(contextualCheckBlockHeader(edge, prev, view, t4, prev.time)),
    'time-timewarp-attack',
  );
  // testnet3 has no such rule
  assert.equal(
    reason(contextualCheckBlockHeader(early, prev, view, networks.test, prev.time)),
    'ok',
  );
});
