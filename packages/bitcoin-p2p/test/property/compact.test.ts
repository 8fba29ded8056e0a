import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type Block,
  type BlockHeader,
  computeMerkleRoot,
  encodeBlock,
  type Transaction,
  txid,
  wtxid,
} from '@keel/bitcoin/primitives';
import { bytesToHex } from '@keel/util';
import fc from 'fast-check';
import {
  decodeBlockTxn,
  decodeCmpctBlock,
  decodeGetBlockTxn,
  encodeBlockTxn,
  encodeCmpctBlock,
  encodeGetBlockTxn,
} from '../../src/bip152/codec.ts';
import { createCompactBlock } from '../../src/bip152/createCompactBlock.ts';
import { isReconstructFailure, PartiallyDownloadedBlock } from '../../src/bip152/reconstruct.ts';
import { P2PError } from '../../src/errors.ts';
import {
  decodeSendCmpctPayload as decodeSendCmpct,
  encodeSendCmpctPayload as encodeSendCmpct,
} from '../../src/messages/control.ts';

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const header: fc.Arbitrary<BlockHeader> = fc.record({
  version: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  prevBlock: bytes32,
  merkleRoot: bytes32,
  time: fc.nat({ max: 0xffffffff }),
  bits: fc.nat({ max: 0xffffffff }),
  nonce: fc.nat({ max: 0xffffffff }),
});
const script = fc.uint8Array({ maxLength: 40 });
const tx: fc.Arbitrary<Transaction> = fc.record({
  version: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  inputs: fc.array(
    fc.record({
      prevout: fc.record({ txid: bytes32, vout: fc.nat({ max: 0xffffffff }) }),
      scriptSig: script,
      sequence: fc.nat({ max: 0xffffffff }),
      witness: fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  outputs: fc.array(
    fc.record({ value: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), scriptPubKey: script }),
    { minLength: 1, maxLength: 3 },
  ),
  locktime: fc.nat({ max: 0xffffffff }),
});

const sortedIndexes = fc
  .uniqueArray(fc.nat({ max: 0xffff }), { maxLength: 30 })
  .map((a) => a.sort((x, y) => x - y));

const cmpct = fc.record({
  header,
  nonce: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  shortIds: fc.array(fc.nat({ max: 2 ** 48 - 1 }), { maxLength: 50 }),
  prefilled: fc
    .uniqueArray(fc.nat({ max: 0xffff }), { maxLength: 4 })
    .chain((idx) =>
      fc.tuple(...idx.sort((a, b) => a - b).map((index) => tx.map((t) => ({ index, tx: t })))),
    ),
});

function onlyP2PErrors(decode: (b: Uint8Array) => unknown, b: Uint8Array): void {
  try {
    decode(b);
  } catch (e) {
    assert.ok(e instanceof P2PError, `threw ${(e as Error).name}: ${(e as Error).message}`);
  }
}

test('cmpctblock round-trips', () => {
  fc.assert(
    fc.property(cmpct, (c) => {
      const enc = encodeCmpctBlock(c);
      const dec = decodeCmpctBlock(enc);
      assert.equal(bytesToHex(encodeCmpctBlock(dec)), bytesToHex(enc));
      assert.deepEqual(dec.shortIds, c.shortIds);
      assert.deepEqual(
        dec.prefilled.map((p) => p.index),
        c.prefilled.map((p) => p.index),
      );
      assert.equal(dec.nonce, c.nonce);
    }),
    { numRuns: 300 },
  );
});

test('getblocktxn, blocktxn and sendcmpct round-trip', () => {
  fc.assert(
    fc.property(bytes32, sortedIndexes, fc.array(tx, { maxLength: 5 }), (hash, indexes, txs) => {
      assert.deepEqual(decodeGetBlockTxn(encodeGetBlockTxn({ blockHash: hash, indexes })), {
        blockHash: hash,
        indexes,
      });
      const bt = encodeBlockTxn({ blockHash: hash, txs });
      assert.equal(bytesToHex(encodeBlockTxn(decodeBlockTxn(bt))), bytesToHex(bt));
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.boolean(), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (announce, version) => {
      assert.deepEqual(decodeSendCmpct(encodeSendCmpct({ announce, version })), {
        announce,
        version,
      });
    }),
  );
});

test('random and mutated bytes only decode or throw P2PError', () => {
  const decoders = [decodeCmpctBlock, decodeGetBlockTxn, decodeBlockTxn, decodeSendCmpct];
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
      for (const d of decoders) onlyP2PErrors(d, b);
    }),
    { numRuns: 1000 },
  );
  fc.assert(
    fc.property(
      cmpct,
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 4 }),
      fc.nat(),
      (c, flips, cut) => {
        const enc = encodeCmpctBlock(c);
        const m = enc.slice(0, enc.length - (cut % 4));
        for (const [at, v] of flips) if (m.length) m[at % m.length] = v;
        onlyP2PErrors(decodeCmpctBlock, m);
        onlyP2PErrors(decodeGetBlockTxn, m.subarray(80));
        onlyP2PErrors(decodeBlockTxn, m.subarray(80));
      },
    ),
    { numRuns: 500 },
  );
});

/** A block of distinct random transactions whose header commits to them. */
const block: fc.Arbitrary<Block> = fc
  .tuple(header, fc.array(tx, { minLength: 1, maxLength: 25 }))
  .map(([h, txs]) => {
    const coinbase: Transaction = {
      version: 1,
      inputs: [
        {
          prevout: { txid: new Uint8Array(32), vout: 0xffffffff },
          scriptSig: Uint8Array.of(1, 2, 3),
          sequence: 0,
          witness: [],
        },
      ],
      outputs: [{ value: 0n, scriptPubKey: Uint8Array.of(0x51) }],
      locktime: 0,
    };
    // No witnesses, so the block does not need a witness commitment.
    const plain = txs.map((t) => ({ ...t, inputs: t.inputs.map((i) => ({ ...i, witness: [] })) }));
    const all = [coinbase, ...plain];
    const seen = new Set<string>();
    const unique = all.filter((t) => {
      const k = bytesToHex(txid(t));
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    return {
      header: { ...h, merkleRoot: computeMerkleRoot(unique.map(txid)).root },
      txs: unique,
    };
  });

test('reconstruction: a full mempool needs no round trip, a partial one asks exactly for the rest', () => {
  fc.assert(
    fc.property(
      block,
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
      (b, nonce, inPool) => {
        const c = decodeCmpctBlock(encodeCmpctBlock(createCompactBlock(b, nonce)));
        const entries = b.txs.map((t) => ({ tx: t, txid: txid(t), wtxid: wtxid(t) }));
        const full = PartiallyDownloadedBlock.init(c, { mempool: { compactTxs: () => entries } });
        assert.ok(!isReconstructFailure(full));
        assert.deepEqual(full.missingIndexes(), []);
        const done = full.fill([], { segwitActive: false });
        assert.equal(done.status, 'ok');
        if (done.status === 'ok')
          assert.equal(bytesToHex(encodeBlock(done.block)), bytesToHex(encodeBlock(b)));

        const pool = entries.filter((_, i) => i === 0 || inPool[i]);
        const expected = b.txs.map((_, i) => i).filter((i) => i > 0 && !inPool[i]);
        const part = PartiallyDownloadedBlock.init(c, { mempool: { compactTxs: () => pool } });
        assert.ok(!isReconstructFailure(part));
        assert.deepEqual(part.missingIndexes(), expected);
        const filled = part.fill(
          expected.map((i) => b.txs[i]!),
          { segwitActive: false },
        );
        assert.equal(filled.status, 'ok');
      },
    ),
    { numRuns: 150 },
  );
});
