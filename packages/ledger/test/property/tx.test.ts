import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKeelError, SeededRng } from '@keel/util';
import fc from 'fast-check';
import {
  decodeTx,
  decodeTxList,
  encodeTx,
  encodeTxList,
  type SignedTx,
  type TxBody,
} from '../../src/index.ts';
import { sampleTxs } from '../helpers.ts';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const u128 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
const body: fc.Arbitrary<TxBody> = fc.oneof(
  fc.record({ kind: fc.constant('transfer' as const), to: bytes(32), amount: u128 }),
  fc.record({
    kind: fc.constant('deploy' as const),
    code: fc.uint8Array({ maxLength: 200 }),
    initInput: fc.uint8Array({ maxLength: 50 }),
  }),
  fc.record({
    kind: fc.constant('call' as const),
    to: bytes(32),
    value: u128,
    method: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/),
    input: fc.uint8Array({ maxLength: 100 }),
  }),
  fc.record({
    kind: fc.constant('stake' as const),
    amount: u128,
    blsPublicKey: bytes(48),
    blsPop: bytes(96),
    vrfPublicKey: bytes(32),
  }),
  fc.record({ kind: fc.constant('unstake' as const), amount: u128 }),
);
const signed: fc.Arbitrary<SignedTx> = fc
  .tuple(
    fc.record({
      chainId: fc.stringMatching(/^[\x21-\x7e]{1,32}$/),
      from: bytes(32),
      nonce: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      gasLimit: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      gasPrice: u128,
      signature: bytes(64),
    }),
    body,
  )
  .map(([c, b]) => ({ ...c, ...b }) as SignedTx);

test('encode/decode round trip for arbitrary transactions', () => {
  fc.assert(
    fc.property(signed, (t) => {
      const b = encodeTx(t);
      assert.deepEqual(decodeTx(b), t);
    }),
    { numRuns: 500 },
  );
});

test('fuzz: random and mutated bytes decode canonically or throw a KeelError', () => {
  const rng = new SeededRng(7);
  const seeds = sampleTxs().map((t) => encodeTx(t));
  const tryOne = (b: Uint8Array) => {
    try {
      const t = decodeTx(b);
      assert.deepEqual(encodeTx(t), b, 'a decoded transaction re-encodes to the same bytes');
    } catch (e) {
      assert.ok(isKeelError(e), `not a KeelError: ${String(e)}`);
    }
  };
  for (let i = 0; i < 3000; i++) {
    const len = rng.int(300);
    const b = new Uint8Array(len);
    for (let j = 0; j < len; j++) b[j] = rng.int(256);
    if (len > 0) b[0] = 1;
    tryOne(b);
  }
  for (let i = 0; i < 5000; i++) {
    const b = seeds[i % seeds.length]!.slice();
    const flips = 1 + rng.int(4);
    for (let k = 0; k < flips; k++) b[rng.int(b.length)] = rng.int(256);
    tryOne(rng.int(4) === 0 ? b.subarray(0, rng.int(b.length)) : b);
  }
});

test('fuzz: tx list decoding never throws anything but a KeelError', () => {
  const rng = new SeededRng(9);
  const payload = encodeTxList(sampleTxs());
  for (let i = 0; i < 3000; i++) {
    const b = i % 2 ? payload.slice() : rng.bytes(rng.int(64));
    if (i % 2) for (let k = 0; k < 3; k++) b[rng.int(b.length)] = rng.int(256);
    try {
      for (const t of decodeTxList(b)) assert.ok(t.length <= 614400);
    } catch (e) {
      assert.ok(isKeelError(e), String(e));
    }
  }
});
