// Properties of every precompile: random input never throws (only ok/false), gas used never
// exceeds the limit, and the answer equals @ethereumjs/evm's (an independent implementation,
// dev-only oracle) — output, gas, and success — on random and structured inputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createEVM, getActivePrecompiles } from '@ethereumjs/evm';
import { sha256 } from '@keel/crypto/hashes';
import { loadKzgBackend } from '@keel/crypto/kzg';
import { bigIntToBytes, bytesToHex, concatBytes } from '@keel/util';
import { bn254 } from '@noble/curves/bn254.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import fc from 'fast-check';
import { getPrecompile } from '../../src/precompiles/index.ts';
import type { PrecompileContext } from '../../src/precompiles/types.ts';

const common = new Common({ chain: Mainnet, hardfork: Hardfork.Cancun });
const evmPromise = createEVM({ common });
const theirs = getActivePrecompiles(common);

function address(index: number): Uint8Array {
  const a = new Uint8Array(20);
  a[19] = index;
  return a;
}

function ours(index: number, data: Uint8Array, gas: bigint, ctx: PrecompileContext) {
  const pc = getPrecompile(address(index));
  assert.ok(pc);
  const r = pc(data, gas, ctx);
  if (r.ok) assert.ok(r.gasUsed <= gas, 'gas used within the limit');
  return r.ok ? { ok: true, gas: r.gasUsed, out: bytesToHex(r.output) } : { ok: false };
}

async function oracle(index: number, data: Uint8Array, gas: bigint) {
  const fn = theirs.get(bytesToHex(address(index)));
  assert.ok(fn);
  const _EVM = (await evmPromise) as never;
  const r = await fn({ data, gasLimit: gas, common, _EVM });
  return r.exceptionError === undefined
    ? { ok: true, gas: r.executionGasUsed, out: bytesToHex(r.returnValue) }
    : { ok: false };
}

async function same(index: number, data: Uint8Array, gas: bigint): Promise<void> {
  const a = ours(index, data, gas, { kzg: undefined });
  const b = await oracle(index, data, gas);
  assert.deepEqual(
    a,
    b,
    `0x0${index.toString(16)} on ${bytesToHex(data).slice(0, 200)} gas ${gas}`,
  );
}

const be = (v: bigint, n = 32) => bigIntToBytes(v, n);
const gas = fc.bigInt(0n, 300_000n);
const anyBytes = fc.uint8Array({ maxLength: 300 });

test('0x01–0x04 agree with ethereumjs on random input', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 4 }), anyBytes, gas, (i, data, g) =>
      same(i, data, g),
    ),
    { numRuns: 400 },
  );
});

test('ecrecover agrees on real and perturbed signatures', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.bigInt(1n, secp256k1.Point.CURVE().n - 1n),
      fc.integer({ min: 0, max: 3 }),
      async (msg, k, mode) => {
        const sig = secp256k1.sign(msg, be(k), { prehash: false, format: 'recovered' });
        const v = BigInt(27 + (sig[0] as number) + (mode === 1 ? 2 : 0));
        const rs = sig.slice(1);
        if (mode === 2) rs[0] = 0xff; // r or s likely out of range
        await same(1, concatBytes(msg, be(v), rs), 3000n);
      },
    ),
    { numRuns: 60 },
  );
});

test('modexp agrees on small lengths, truncated inputs and huge length words', async () => {
  const len = fc.oneof(
    fc.bigInt(0n, 70n),
    fc.constantFrom(0n, 32n, 33n, 1n << 32n, (1n << 256n) - 1n),
  );
  await fc.assert(
    fc.asyncProperty(
      len,
      len,
      len,
      fc.uint8Array({ maxLength: 220 }),
      gas,
      async (b, e, m, rest, g) => same(5, concatBytes(be(b), be(e), be(m), rest), g),
    ),
    { numRuns: 400 },
  );
});

const G1 = bn254.G1.Point;
const G2 = bn254.G2.Point;
const g1Bytes = (p: InstanceType<typeof G1>) => {
  if (p.is0()) return new Uint8Array(64);
  const a = p.toAffine();
  return concatBytes(be(a.x), be(a.y));
};
const g2Bytes = (p: InstanceType<typeof G2>) => {
  if (p.is0()) return new Uint8Array(128);
  const a = p.toAffine();
  return concatBytes(be(a.x.c1), be(a.x.c0), be(a.y.c1), be(a.y.c0));
};
const scalar = fc.oneof(fc.bigInt(0n, (1n << 256n) - 1n), fc.constantFrom(0n, 1n, 2n));
const g1 = scalar.map((k) => {
  const n = G1.CURVE().n;
  return g1Bytes(k % n === 0n ? G1.ZERO : G1.BASE.multiply(k % n));
});
/** A valid point, or one with a random bit flipped (usually off the curve). */
const maybeBroken = (arb: fc.Arbitrary<Uint8Array>) =>
  fc.tuple(arb, fc.nat(), fc.boolean()).map(([b, bit, flip]) => {
    const c = b.slice();
    if (flip) c[(bit >> 3) % c.length]! ^= 1 << (bit & 7);
    return c;
  });

test('bn254 add and mul agree on valid, broken and truncated points', async () => {
  await fc.assert(
    fc.asyncProperty(maybeBroken(g1), maybeBroken(g1), fc.nat(130), async (a, b, cut) => {
      const input = concatBytes(a, b);
      await same(6, input.subarray(0, Math.min(cut, 128)), 500n);
      await same(7, concatBytes(a, b.subarray(0, 32)).subarray(0, Math.min(cut, 96)), 6000n);
    }),
    { numRuns: 150 },
  );
});

test('bn254 pairing agrees on product-one, random and broken pairs', async () => {
  const n = G1.CURVE().n;
  const k = fc.bigInt(1n, n - 1n);
  await fc.assert(
    fc.asyncProperty(k, k, fc.nat(), fc.integer({ min: 0, max: 2 }), async (a, b, bit, mode) => {
      // e(aP, bQ) · e(-abP, Q) = 1
      const pairs = concatBytes(
        g1Bytes(G1.BASE.multiply(a)),
        g2Bytes(G2.BASE.multiply(b)),
        g1Bytes(G1.BASE.multiply((a * b) % n).negate()),
        g2Bytes(G2.BASE),
      );
      if (mode === 1) pairs[bit % pairs.length]! ^= 1 << (bit & 7);
      const input = mode === 2 ? pairs.subarray(0, bit % pairs.length) : pairs;
      await same(8, input, 200_000n);
    }),
    { numRuns: 12 },
  );
});

test('blake2f agrees on random 213-byte inputs (any flag byte) and other lengths', async () => {
  const input = fc
    .tuple(
      fc.integer({ min: 0, max: 2000 }),
      fc.uint8Array({ minLength: 208, maxLength: 208 }),
      fc.nat(3),
    )
    .map(([rounds, body, f]) => concatBytes(be(BigInt(rounds), 4), body, new Uint8Array([f])));
  await fc.assert(
    fc.asyncProperty(fc.oneof(input, anyBytes), fc.bigInt(0n, 3000n), (data, g) =>
      same(9, data, g),
    ),
    { numRuns: 200 },
  );
});

test('point evaluation never throws, with or without a backend', async (t) => {
  let kzg: PrecompileContext['kzg'];
  try {
    kzg = await loadKzgBackend('auto');
  } catch (e) {
    t.diagnostic(`no KZG backend (${(e as Error).message}): only the no-backend path runs`);
  }
  // Random z, y, commitment and proof under a matching versioned hash, so the KZG backend sees
  // them (non-canonical fields, off-curve points, flags) — every answer must be a clean failure.
  const parts = fc.tuple(
    fc.uint8Array({ minLength: 64, maxLength: 64 }),
    fc.uint8Array({ minLength: 96, maxLength: 96 }),
  );
  fc.assert(
    fc.property(parts, fc.boolean(), ([zy, cp], infinity) => {
      if (infinity) cp.set([0xc0, ...new Uint8Array(47)], 0);
      const commitment = cp.subarray(0, 48);
      const vh = sha256(commitment);
      vh[0] = 1;
      const input = concatBytes(vh, zy, cp);
      assert.deepEqual(ours(0x0a, input, 60_000n, { kzg }), { ok: false });
      assert.deepEqual(ours(0x0a, input, 60_000n, { kzg: undefined }), { ok: false });
    }),
    { numRuns: 200 },
  );
});
