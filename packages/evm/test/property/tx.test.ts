import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keccak256 } from '@keel/crypto/hashes';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import fc from 'fast-check';
import { EvmError } from '../../src/errors.ts';
import { decodeTransaction, encodeTransaction } from '../../src/tx/codec.ts';
import { signingHash, txHash } from '../../src/tx/hash.ts';
import { recoverSender } from '../../src/tx/sender.ts';
import type { Transaction } from '../../src/tx/types.ts';

const u256 = fc.bigInt({ min: 0n, max: (1n << 256n) - 1n });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const addr = fc.uint8Array({ minLength: 20, maxLength: 20 });
const word = fc.uint8Array({ minLength: 32, maxLength: 32 });
const accessList = fc.array(
  fc
    .record({ address: addr, storageKeys: fc.array(word, { maxLength: 3 }) })
    .map((e) => ({ address: e.address, storageKeys: e.storageKeys })),
  { maxLength: 3 },
);
const common = {
  nonce: u64,
  gasLimit: u64,
  value: u256,
  data: fc.uint8Array({ maxLength: 100 }),
};

/** An unsigned transaction of any type (signature fields filled in by `sign`). */
const unsigned: fc.Arbitrary<Transaction> = fc
  .oneof(
    fc.record({
      ...common,
      type: fc.constant(0 as const),
      gasPrice: u256,
      to: fc.option(addr),
      chainId: fc.option(fc.bigInt({ min: 1n, max: 1n << 40n })),
    }),
    fc.record({
      ...common,
      type: fc.constant(1 as const),
      chainId: u64,
      gasPrice: u256,
      to: fc.option(addr),
      accessList,
    }),
    fc.record({
      ...common,
      type: fc.constant(2 as const),
      chainId: u64,
      maxPriorityFeePerGas: u256,
      maxFeePerGas: u256,
      to: fc.option(addr),
      accessList,
    }),
    fc.record({
      ...common,
      type: fc.constant(3 as const),
      chainId: u64,
      maxPriorityFeePerGas: u256,
      maxFeePerGas: u256,
      to: addr,
      accessList,
      maxFeePerBlobGas: u256,
      blobVersionedHashes: fc.array(word, { maxLength: 6 }),
    }),
  )
  .map((t) => ({ ...t, v: 0n, r: 0n, s: 0n }) as Transaction);

function sign(tx: Transaction, sk: Uint8Array): Transaction {
  // Legacy: the v chosen before hashing decides EIP-155 (chainId*2+35) or not (27).
  const legacyChain = tx.type === 0 ? (tx as { chainId?: bigint | null }).chainId : undefined;
  const { chainId: _, ...rest } = tx as Transaction & { chainId?: bigint | null };
  const base = (
    tx.type === 0 ? { ...rest, v: legacyChain ? legacyChain * 2n + 35n : 27n } : tx
  ) as Transaction;
  const sig = secp256k1.Signature.fromBytes(
    secp256k1.sign(signingHash(base), sk, { prehash: false, format: 'recovered' }),
    'recovered',
  );
  const y = BigInt(sig.recovery!);
  return { ...base, v: base.type === 0 ? base.v + y : y, r: sig.r, s: sig.s } as Transaction;
}

test('signed transactions round-trip and recover their signer', () => {
  fc.assert(
    fc.property(unsigned, fc.uint8Array({ minLength: 32, maxLength: 32 }), (utx, seed) => {
      const sk = keccak256(seed);
      const tx = sign(utx, sk);
      const enc = encodeTransaction(tx);
      const dec = decodeTransaction(enc);
      assert.deepEqual(dec, tx);
      assert.deepEqual(txHash(dec), keccak256(enc));
      const pub = secp256k1.getPublicKey(sk, false);
      assert.deepEqual(recoverSender(dec), keccak256(pub.subarray(1)).subarray(12));
    }),
    { numRuns: 150 },
  );
});

test('decoding mutated transactions returns or throws EvmError, never anything else', () => {
  fc.assert(
    fc.property(unsigned, fc.nat(), fc.integer({ min: 0, max: 255 }), (utx, at, byte) => {
      const enc = encodeTransaction({ ...utx, r: 1n, s: 1n });
      enc[at % enc.length] = byte;
      try {
        recoverSender(decodeTransaction(enc));
      } catch (e) {
        if (!(e instanceof EvmError)) throw e;
      }
    }),
    { numRuns: 300 },
  );
});
