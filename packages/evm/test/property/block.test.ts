import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex, isKeelError } from '@keel/util';
import fc from 'fast-check';
import { decodeBlock, encodeBlock } from '../../src/block/block.ts';
import { type BlockHeader, decodeHeader, encodeHeader } from '../../src/block/header.ts';
import { withdrawalFromRLP, withdrawalToRLP } from '../../src/block/withdrawal.ts';
import { EvmError } from '../../src/errors.ts';
import { decodeRLP, encodeRLP } from '../../src/rlp/index.ts';
import { encodeTransaction } from '../../src/tx/codec.ts';
import type { Transaction } from '../../src/tx/types.ts';

/** A legacy and a type-2 transaction (signature values only need to be well formed here). */
const TXS: Transaction[] = [
  {
    type: 0,
    nonce: 1n,
    gasPrice: 10n,
    gasLimit: 21000n,
    to: new Uint8Array(20).fill(1),
    value: 5n,
    data: new Uint8Array(0),
    v: 27n,
    r: 1n,
    s: 1n,
  },
  {
    type: 2,
    chainId: 1n,
    nonce: 0n,
    maxPriorityFeePerGas: 1n,
    maxFeePerGas: 9n,
    gasLimit: 50000n,
    to: null,
    value: 0n,
    data: Uint8Array.of(0x60, 0),
    accessList: [{ address: new Uint8Array(20), storageKeys: [new Uint8Array(32)] }],
    v: 1n,
    r: 2n,
    s: 3n,
  },
];

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const u256 = fc.bigInt({ min: 0n, max: (1n << 256n) - 1n });

/** A header of London (0 optional fields after the base fee) up to Cancun (4). */
const header: fc.Arbitrary<BlockHeader> = fc
  .record({
    parentHash: bytes(32),
    ommersHash: bytes(32),
    coinbase: bytes(20),
    stateRoot: bytes(32),
    transactionsRoot: bytes(32),
    receiptsRoot: bytes(32),
    logsBloom: bytes(256),
    difficulty: u256,
    number: u64,
    gasLimit: u64,
    gasUsed: u64,
    timestamp: u64,
    extraData: fc.uint8Array({ maxLength: 40 }),
    prevRandao: bytes(32),
    nonce: bytes(8),
    baseFeePerGas: u256,
    withdrawalsRoot: bytes(32),
    blobGasUsed: u64,
    excessBlobGas: u64,
    parentBeaconBlockRoot: bytes(32),
    optional: fc.integer({ min: 0, max: 4 }),
  })
  .map(({ optional, ...h }) => ({
    ...h,
    withdrawalsRoot: optional >= 1 ? h.withdrawalsRoot : undefined,
    blobGasUsed: optional >= 2 ? h.blobGasUsed : undefined,
    excessBlobGas: optional >= 3 ? h.excessBlobGas : undefined,
    parentBeaconBlockRoot: optional >= 4 ? h.parentBeaconBlockRoot : undefined,
  }));

const withdrawal = fc
  .record({ index: u64, validatorIndex: u64, address: bytes(20), amount: u64 })
  .map((w) => ({ ...w }));

const block = fc.record({
  header,
  txs: fc.array(fc.constantFrom(...TXS), { maxLength: 3 }),
  withdrawals: fc.option(fc.array(withdrawal, { maxLength: 4 }), { nil: undefined }),
});

test('header encode → decode is the identity (London to Cancun field sets)', () => {
  fc.assert(
    fc.property(header, (h) => {
      const enc = encodeHeader(h);
      assert.deepEqual(decodeHeader(enc), h);
      assert.equal(bytesToHex(encodeHeader(decodeHeader(enc))), bytesToHex(enc));
    }),
    { numRuns: 200 },
  );
});

test('withdrawal encode → decode is the identity', () => {
  fc.assert(
    fc.property(withdrawal, (w) => {
      assert.deepEqual(withdrawalFromRLP(decodeRLP(encodeRLP(withdrawalToRLP(w)))), w);
    }),
  );
});

test('mutated block bytes only decode canonically or throw EvmError', () => {
  fc.assert(
    fc.property(
      block,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), {
        minLength: 1,
        maxLength: 4,
      }),
      fc.option(fc.nat(), { nil: undefined }),
      (b, flips, cut) => {
        const { txs, ...rest } = b;
        const enc = encodeBlock({
          ...rest,
          transactions: txs,
          encodedTransactions: txs.map(encodeTransaction),
          ommers: [],
        });
        assert.equal(bytesToHex(encodeBlock(decodeBlock(enc))), bytesToHex(enc));
        const bad = Uint8Array.from(enc);
        for (const [at, x] of flips) bad[at % bad.length]! ^= x;
        const input = cut === undefined ? bad : bad.subarray(0, cut % bad.length);
        try {
          const decoded = decodeBlock(input);
          assert.equal(bytesToHex(encodeBlock(decoded)), bytesToHex(input));
        } catch (e) {
          assert.ok(isKeelError(e) && e instanceof EvmError, `not an EvmError: ${e}`);
        }
      },
    ),
    { numRuns: 300 },
  );
});
