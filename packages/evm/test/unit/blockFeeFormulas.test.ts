import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calcBaseFee, isValidGasLimit } from '../../src/block/eip1559.ts';
import { calcExcessBlobGas } from '../../src/block/eip4844.ts';
import { EvmError } from '../../src/errors.ts';
import { blobBaseFee, CANCUN, fakeExponential } from '../../src/params.ts';

// EIP-1559 with a 20M gas limit (target 10M) and a 1 gwei parent base fee: at target the fee
// stays; 1M under target it drops by 1e9 * 1M / 10M / 8 = 12_500_000; 1M over it rises as much.
// (Same numbers as go-ethereum's consensus/misc/eip1559 TestCalcBaseFee.)
test('EIP-1559 base fee: at, below and above the gas target', () => {
  const parent = (gasUsed: bigint) => ({
    gasLimit: 20_000_000n,
    gasUsed,
    baseFeePerGas: 1_000_000_000n,
  });
  assert.equal(calcBaseFee(parent(10_000_000n)), 1_000_000_000n);
  assert.equal(calcBaseFee(parent(9_000_000n)), 987_500_000n);
  assert.equal(calcBaseFee(parent(11_000_000n)), 1_012_500_000n);
  // Empty parent: the maximum 1/8 drop.
  assert.equal(calcBaseFee(parent(0n)), 875_000_000n);
  // Full parent: the maximum 1/8 rise.
  assert.equal(calcBaseFee(parent(20_000_000n)), 1_125_000_000n);
});

test('EIP-1559 base fee: over target it rises by at least 1 wei', () => {
  // 7 * 1 / 50 / 8 rounds to 0; the EIP's max(…, 1) makes it 1.
  assert.equal(calcBaseFee({ gasLimit: 100n, gasUsed: 51n, baseFeePerGas: 7n }), 8n);
  // Below target the drop may round to 0.
  assert.equal(calcBaseFee({ gasLimit: 100n, gasUsed: 49n, baseFeePerGas: 7n }), 7n);
});

test('EIP-1559 base fee needs a London parent', () => {
  assert.throws(
    () => calcBaseFee({ gasLimit: 1n, gasUsed: 0n, baseFeePerGas: undefined }),
    EvmError,
  );
});

test('gas limit moves by less than parent/1024 and stays >= 5000', () => {
  const p = 30_000_000n; // p / 1024 = 29296
  assert.equal(isValidGasLimit(p, p), true);
  assert.equal(isValidGasLimit(p + 29_295n, p), true);
  assert.equal(isValidGasLimit(p + 29_296n, p), false);
  assert.equal(isValidGasLimit(p - 29_295n, p), true);
  assert.equal(isValidGasLimit(p - 29_296n, p), false);
  assert.equal(isValidGasLimit(4999n, 5000n), false);
  assert.equal(isValidGasLimit(5000n, 5000n), true);
});

// EIP-4844 `calc_excess_blob_gas`: target 393216 (3 blobs of 131072).
test('EIP-4844 excess blob gas', () => {
  const c = (excessBlobGas: bigint | undefined, blobGasUsed: bigint | undefined) =>
    calcExcessBlobGas({ excessBlobGas, blobGasUsed });
  assert.equal(c(0n, 0n), 0n);
  assert.equal(c(0n, 393_216n), 0n); // at target
  assert.equal(c(0n, 524_288n), 131_072n); // one blob over
  assert.equal(c(0n, 786_432n), 393_216n); // full block
  assert.equal(c(393_216n, 0n), 0n);
  assert.equal(c(393_217n, 0n), 1n);
  assert.equal(c(1_000_000n, 786_432n), 1_393_216n);
  // A pre-Cancun parent (fork block) counts as zero.
  assert.equal(c(undefined, undefined), 0n);
});

// EIP-4844 `fake_exponential(factor, numerator, denominator)`: the values below are the
// go-ethereum TestFakeExponential table (integer Taylor series, rounding included).
test('EIP-4844 fake_exponential', () => {
  const table: [bigint, bigint, bigint, bigint][] = [
    [1n, 0n, 1n, 1n],
    [38493n, 0n, 1000n, 38493n],
    [0n, 1234n, 2345n, 0n],
    [1n, 2n, 1n, 6n],
    [1n, 4n, 2n, 6n],
    [1n, 3n, 1n, 16n],
    [1n, 6n, 2n, 18n],
    [1n, 4n, 1n, 49n],
    [1n, 8n, 2n, 50n],
    [10n, 8n, 2n, 542n],
    [11n, 8n, 2n, 596n],
    [1n, 5n, 1n, 136n],
    [1n, 5n, 2n, 11n],
    [2n, 5n, 2n, 23n],
    [1n, 50_000_000n, 2_225_652n, 5_709_098_764n],
    [1n, 380_928n, 3_338_477n, 1n],
  ];
  for (const [f, n, d, want] of table) {
    assert.equal(fakeExponential(f, n, d), want, `fakeExponential(${f}, ${n}, ${d})`);
  }
});

test('EIP-4844 blob base fee steps from 1 to 2 at excess 2314058', () => {
  assert.equal(blobBaseFee(CANCUN, 0n), 1n);
  assert.equal(blobBaseFee(CANCUN, 2_314_057n), 1n);
  assert.equal(blobBaseFee(CANCUN, 2_314_058n), 2n);
  assert.equal(blobBaseFee(CANCUN, 10n * 1024n * 1024n), 23n);
});

test('fake_exponential refuses a ratio past e^4096 at once instead of looping for days', () => {
  const t0 = performance.now();
  assert.throws(
    () => fakeExponential(1n, 2n ** 63n, 3_338_477n),
    (e: unknown) => (e as { code?: string }).code === 'ERR_EVM_BLOCK_INVALID',
  );
  assert.throws(() => blobBaseFee(CANCUN, 2n ** 63n), /fake_exponential out of range/);
  assert.ok(performance.now() - t0 < 1000);
  // The largest accepted ratio still computes (a huge but finite fee).
  assert.ok(fakeExponential(1n, 4096n, 1n) > 2n ** 5900n);
});
