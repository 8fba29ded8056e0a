import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex, hexToBytes } from '@keel/util';
import type { HeaderInfo } from '../../src/consensus/chain.ts';
import { MemoryCoinView } from '../../src/consensus/coins.ts';
import {
  type ConnectBlockContext,
  connectBlock,
  disconnectBlock,
} from '../../src/consensus/connectBlock.ts';
import { type ConsensusParams, networks } from '../../src/consensus/params.ts';
import {
  compressAmount,
  decodeBlockUndo,
  decompressAmount,
  encodeBlockUndo,
} from '../../src/consensus/undo.ts';
import type { Block } from '../../src/primitives/block.ts';
import { MAX_MONEY } from '../../src/primitives/limits.ts';
import { type Transaction, txid } from '../../src/primitives/transaction.ts';

const OP_TRUE = Uint8Array.of(0x51);
const CHECKSIG = Uint8Array.of(0xac);
const params: ConsensusParams = networks.regtest; // subsidy 50 BTC, halving every 150
const SUBSIDY = 5_000_000_000n;

let nonce = 0;
function coinbase(height: number, value: bigint, extraOutputs = 0): Transaction {
  nonce++;
  return {
    version: 1,
    inputs: [
      {
        prevout: { txid: new Uint8Array(32), vout: 0xffffffff },
        scriptSig: Uint8Array.of(0x03, height & 0xff, (height >> 8) & 0xff, nonce & 0xff),
        sequence: 0xffffffff,
        witness: [],
      },
    ],
    outputs: [
      { value, scriptPubKey: OP_TRUE },
      ...Array.from({ length: extraOutputs }, () => ({ value: 0n, scriptPubKey: OP_TRUE })),
    ],
    locktime: 0,
  };
}

function spend(
  prev: Array<{ tx: Transaction; vout: number }>,
  outValues: bigint[],
  opts: { version?: number; sequence?: number; script?: Uint8Array } = {},
): Transaction {
  return {
    version: opts.version ?? 1,
    inputs: prev.map((p) => ({
      prevout: { txid: txid(p.tx), vout: p.vout },
      scriptSig: new Uint8Array(0),
      sequence: opts.sequence ?? 0xffffffff,
      witness: [],
    })),
    outputs: outValues.map((value) => ({ value, scriptPubKey: opts.script ?? OP_TRUE })),
    locktime: 0,
  };
}

function block(txs: Transaction[]): Block {
  return {
    header: {
      version: 4,
      prevBlock: new Uint8Array(32),
      merkleRoot: new Uint8Array(32),
      time: 0,
      bits: 0x207fffff,
      nonce: 0,
    },
    txs,
  };
}

function ctx(height: number, extra: Partial<ConnectBlockContext> = {}): ConnectBlockContext {
  return { params, height, hash: new Uint8Array(32).fill(height & 0xff), ...extra };
}

function snapshot(view: MemoryCoinView): string[] {
  return [...view.entries()]
    .map(([k, c]) => `${k}=${c.value}/${bytesToHex(c.scriptPubKey)}/${c.height}/${c.coinbase}`)
    .sort();
}

/** A view after block 101, which spent a mature coinbase (height 1) into two outputs (t5). */
function setup() {
  const view = new MemoryCoinView();
  const cb1 = coinbase(1, SUBSIDY);
  view.add(
    { txid: txid(cb1), vout: 0 },
    { value: SUBSIDY, scriptPubKey: OP_TRUE, height: 1, coinbase: true },
    false,
  );
  const cb5 = coinbase(101, SUBSIDY);
  const t5 = spend([{ tx: cb1, vout: 0 }], [1_000_000n, 2_000_000n]);
  const r = connectBlock(block([cb5, t5]), view, ctx(101));
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return { view, cb1, cb5, t5 };
}

test('connect: a block spending coins, then disconnect, returns the view to its prior state', () => {
  const { view, t5, cb5 } = setup();
  const before = snapshot(view);
  const a = spend([{ tx: t5, vout: 0 }], [900_000n]);
  const b = spend([{ tx: a, vout: 0 }], [800_000n]); // spends an output of the same block
  const c = spend([{ tx: t5, vout: 1 }], [2_000_000n, 0n], { script: OP_TRUE });
  const blk = block([coinbase(102, SUBSIDY + 200_000n), a, b, c]);
  const r = connectBlock(blk, view, ctx(102));
  assert.ok(r.ok, r.ok ? '' : r.reason);
  assert.equal(r.fees, 200_000n);
  assert.equal(r.scriptChecks.length, 3);
  assert.deepEqual(
    r.scriptChecks.map((j) => [j.txIndex, j.inputIndex]),
    [
      [1, 0],
      [2, 0],
      [3, 0],
    ],
  );
  assert.equal(r.undo.txs.length, 3);
  assert.notDeepEqual(snapshot(view), before);
  // the undo data survives Core's rev encoding
  const undo = decodeBlockUndo(encodeBlockUndo(r.undo));
  assert.equal(disconnectBlock(blk, undo, view, ctx(102)), 'clean');
  assert.deepEqual(snapshot(view), before);
  assert.ok(view.has({ txid: txid(cb5), vout: 0 }));
});

test('connect: a failed block leaves the view exactly as it was', () => {
  const { view, t5 } = setup();
  const before = snapshot(view);
  const a = spend([{ tx: t5, vout: 0 }], [900_000n]);
  const bad = spend([{ tx: t5, vout: 1 }], [3_000_000n]); // more out than in
  const r = connectBlock(block([coinbase(102, SUBSIDY), a, bad]), view, ctx(102));
  assert.equal(r.ok, false);
  assert.equal(snapshot(view).join(), before.join());
});

test('rule bad-txns-inputs-missingorspent: spending a coin that does not exist', () => {
  const { view, t5 } = setup();
  const a = spend(
    [
      { tx: t5, vout: 1 },
      { tx: t5, vout: 7 },
    ],
    [1n],
  );
  const r = connectBlock(block([coinbase(102, SUBSIDY), a]), view, ctx(102));
  assert.deepEqual(
    [r.ok, !r.ok && r.reason, !r.ok && r.txIndex, !r.ok && r.inputIndex],
    [false, 'bad-txns-inputs-missingorspent', 1, 1],
  );
});

test('rule bad-txns-inputs-missingorspent: the same coin spent twice in one block', () => {
  const { view, t5 } = setup();
  const a = spend([{ tx: t5, vout: 0 }], [1n]);
  const b = spend([{ tx: t5, vout: 0 }], [2n]);
  const r = connectBlock(block([coinbase(102, SUBSIDY), a, b]), view, ctx(102));
  assert.equal(!r.ok && r.reason, 'bad-txns-inputs-missingorspent');
  assert.equal(!r.ok && r.txIndex, 2);
});

test('rule bad-txns-premature-spend-of-coinbase: coinbase outputs mature after 100 blocks', () => {
  const { view, cb5 } = setup(); // cb5 was connected at height 101
  const a = spend([{ tx: cb5, vout: 0 }], [1n]);
  const early = connectBlock(block([coinbase(200, SUBSIDY), a]), view, ctx(200));
  assert.equal(!early.ok && early.reason, 'bad-txns-premature-spend-of-coinbase');
  const ok = connectBlock(block([coinbase(201, SUBSIDY), a]), view, ctx(201));
  assert.ok(ok.ok, ok.ok ? '' : ok.reason);
});

test('rule bad-txns-inputvalues-outofrange: a spent coin above MAX_MONEY', () => {
  const view = new MemoryCoinView();
  const fake = coinbase(1, 0n);
  view.add(
    { txid: txid(fake), vout: 0 },
    { value: MAX_MONEY + 1n, scriptPubKey: OP_TRUE, height: 1, coinbase: false },
    false,
  );
  const a = spend([{ tx: fake, vout: 0 }], [1n]);
  const r = connectBlock(block([coinbase(10, SUBSIDY), a]), view, ctx(10));
  assert.equal(!r.ok && r.reason, 'bad-txns-inputvalues-outofrange');
});

test('rule bad-txns-in-belowout: outputs worth more than the inputs', () => {
  const { view, t5 } = setup();
  const a = spend([{ tx: t5, vout: 0 }], [1_000_001n]);
  const r = connectBlock(block([coinbase(102, SUBSIDY), a]), view, ctx(102));
  assert.equal(!r.ok && r.reason, 'bad-txns-in-belowout');
  const exact = spend([{ tx: t5, vout: 0 }], [1_000_000n]);
  assert.ok(connectBlock(block([coinbase(102, SUBSIDY), exact]), view, ctx(102)).ok);
});

test('rule bad-cb-amount: the coinbase may claim subsidy + fees and no more', () => {
  const { view, t5 } = setup();
  const a = spend([{ tx: t5, vout: 0 }], [999_000n]); // fee 1000
  const over = connectBlock(block([coinbase(102, SUBSIDY + 1001n), a]), view, ctx(102));
  assert.equal(!over.ok && over.reason, 'bad-cb-amount');
  const exact = connectBlock(block([coinbase(102, SUBSIDY + 1000n), a]), view, ctx(102));
  assert.ok(exact.ok);
  // after the first halving (regtest: 150 blocks) the subsidy is 25 BTC
  const v2 = new MemoryCoinView();
  const half = connectBlock(block([coinbase(150, SUBSIDY / 2n + 1n)]), v2, ctx(150));
  assert.equal(!half.ok && half.reason, 'bad-cb-amount');
});

test('rule bad-txns-BIP30: a transaction may not overwrite an unspent output', () => {
  const view = new MemoryCoinView();
  const cb = coinbase(3, SUBSIDY);
  assert.ok(connectBlock(block([cb]), view, ctx(3)).ok);
  const again = connectBlock(block([cb]), view, ctx(4));
  assert.equal(!again.ok && again.reason, 'bad-txns-BIP30');
});

test('rule BIP30 exceptions: mainnet blocks 91842 and 91880 may overwrite', () => {
  const main = networks.main;
  const ex = main.bip30Exceptions[0]!;
  const view = new MemoryCoinView();
  const cb = coinbase(3, 0n);
  assert.ok(
    connectBlock(block([cb]), view, { params: main, height: 3, hash: new Uint8Array(32) }).ok,
  );
  const r = connectBlock(block([cb]), view, { params: main, height: ex.height, hash: ex.hash });
  assert.ok(r.ok, r.ok ? '' : r.reason);
  // the same height with another hash is not an exception
  const r2 = connectBlock(block([cb]), view, {
    params: main,
    height: ex.height,
    hash: new Uint8Array(32),
  });
  assert.equal(!r2.ok && r2.reason, 'bad-txns-BIP30');
});

test('rule BIP30/BIP34: skipped on a chain through the BIP34 block, until the limit height', () => {
  const main = networks.main;
  const view = new MemoryCoinView();
  const cb = coinbase(3, 0n);
  view.add(
    { txid: txid(cb), vout: 0 },
    { value: 0n, scriptPubKey: OP_TRUE, height: 3, coinbase: true },
    false,
  );
  const bip34: HeaderInfo = {
    height: main.bip34Height,
    time: 0,
    bits: 0,
    version: 2,
    hash: main.bip34Hash,
  };
  const other: HeaderInfo = { ...bip34, hash: new Uint8Array(32) };
  const at = (h: number, e: HeaderInfo) => ({ at: (x: number) => (x === h ? e : undefined) });
  const c = (height: number, e: HeaderInfo) => ({
    params: main,
    height,
    hash: new Uint8Array(32),
    chain: at(main.bip34Height, e),
  });
  // through the real BIP34 block: not checked (coinbase overwrite is then allowed)
  assert.ok(connectBlock(block([cb]), view, c(300_000, bip34)).ok);
  // through another block at that height: checked
  const r = connectBlock(block([cb]), view, c(300_000, other));
  assert.equal(!r.ok && r.reason, 'bad-txns-BIP30');
  // from BIP34_IMPLIES_BIP30_LIMIT on, checked again
  const r2 = connectBlock(block([cb]), view, c(1_983_702, bip34));
  assert.equal(!r2.ok && r2.reason, 'bad-txns-BIP30');
});

test('rule bad-blk-sigops: the block sigop cost limit (80000)', () => {
  const view = new MemoryCoinView();
  // 20,001 CHECKSIG outputs × 4 = 80,004 > 80,000
  const cb = coinbase(1, 0n);
  cb.outputs = Array.from({ length: 20_001 }, () => ({ value: 0n, scriptPubKey: CHECKSIG }));
  const r = connectBlock(block([cb]), view, ctx(1));
  assert.equal(!r.ok && r.reason, 'bad-blk-sigops');
  cb.outputs.length = 20_000;
  assert.ok(connectBlock(block([cb]), new MemoryCoinView(), ctx(1)).ok);
});

test('rule bad-txns-nonfinal (BIP68): a relative height lock not yet reached', () => {
  const tryAt = (height: number, version: number, sequence: number) => {
    const { view, t5 } = setup(); // t5's outputs are at height 101
    const tx = spend([{ tx: t5, vout: 0 }], [1n], { version, sequence });
    return connectBlock(block([coinbase(height, SUBSIDY), tx]), view, ctx(height));
  };
  // sequence 10: spendable from height 101 + 10 = 111
  const early = tryAt(110, 2, 10);
  assert.equal(!early.ok && early.reason, 'bad-txns-nonfinal');
  assert.ok(tryAt(111, 2, 10).ok);
  // version 1 transactions and the disable flag opt out
  assert.ok(tryAt(110, 1, 10).ok);
  assert.ok(tryAt(110, 2, (0x80000000 | 10) >>> 0).ok);
  // before CSV activation (regtest: height 1) nothing is enforced
  const { view, t5 } = setup();
  const tx = spend([{ tx: t5, vout: 0 }], [1n], { version: 2, sequence: 10 });
  const pre = { ...params, csvHeight: 1000 };
  assert.ok(connectBlock(block([coinbase(110, SUBSIDY), tx]), view, ctx(110, { params: pre })).ok);
});

test('rule bad-txns-nonfinal (BIP68): a relative time lock uses median time past', () => {
  const { view, t5 } = setup();
  const times = (h: number) => 1_000_000 + h * 600;
  const chain = {
    at: (h: number) => ({
      height: h,
      time: times(h),
      bits: 0,
      version: 4,
      hash: new Uint8Array(32),
    }),
  };
  // lock of 4 × 512 s from the MTP of the block before the coin's block (height 100)
  const tx = spend([{ tx: t5, vout: 0 }], [1n], { version: 2, sequence: (1 << 22) | 4 });
  // MTP(h) = time(h - 5); need MTP(height - 1) > MTP(100) + 2048 - 1 → height - 6 - 95 > 3.41
  const early = connectBlock(block([coinbase(104, SUBSIDY), tx]), view, ctx(104, { chain }));
  assert.equal(!early.ok && early.reason, 'bad-txns-nonfinal');
  assert.ok(connectBlock(block([coinbase(105, SUBSIDY), tx]), view, ctx(105, { chain })).ok);
});

test('disconnect: mismatched undo data fails, a missing output is unclean', () => {
  const { view, t5 } = setup();
  const a = spend([{ tx: t5, vout: 0 }], [900_000n]);
  const blk = block([coinbase(102, SUBSIDY + 100_000n), a]);
  const r = connectBlock(blk, view, ctx(102));
  assert.ok(r.ok);
  assert.equal(disconnectBlock(blk, { txs: [] }, view, ctx(102)), 'failed');
  view.spend({ txid: txid(a), vout: 0 });
  assert.equal(disconnectBlock(blk, r.undo, view, ctx(102)), 'unclean');
  assert.ok(view.has({ txid: txid(t5), vout: 0 }));
});

test('undo: amount compression matches Core (compress_tests)', () => {
  const COIN = 100_000_000n;
  const cases: Array<[bigint, bigint]> = [
    [0n, 0x0n],
    [1n, 0x1n],
    [1_000_000n, 0x7n],
    [COIN, 0x9n],
    [50n * COIN, 0x32n],
    [21_000_000n * COIN, 0x1406f40n],
  ];
  for (const [amount, compressed] of cases) {
    assert.equal(compressAmount(amount), compressed);
    assert.equal(decompressAmount(compressed), amount);
  }
  for (let i = 0n; i < 100_000n; i += 7n) assert.equal(compressAmount(decompressAmount(i)), i);
});

test('undo: a coin is encoded like Core rev data (height code, dummy, amount, P2PKH compression)', () => {
  const p2pkh = hexToBytes(`76a914${'11'.repeat(20)}88ac`);
  const bytes = encodeBlockUndo({
    txs: [
      { spent: [{ value: 50n * 100_000_000n, scriptPubKey: p2pkh, height: 1, coinbase: true }] },
    ],
  });
  // 1 txundo, 1 coin, VARINT(1*2+1)=03, dummy 00, VARINT(0x32)=32, 00 + hash160
  assert.equal(bytesToHex(bytes), `0101030032 00${'11'.repeat(20)}`.replace(' ', ''));
  const back = decodeBlockUndo(bytes);
  assert.deepEqual(back.txs[0]!.spent[0]!.scriptPubKey, p2pkh);
});
