// 0x01–0x04 on published values: the ethereum/tests ecrecover vector (stPreCompiledContracts2
// CALLCODEEcrecover0: its sender is the recovered address), FIPS 180-2 / RIPEMD-160 paper
// digests of "" and "abc", and the Yellow Paper's gas formulas.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex } from '@keel/util';
import { call, expectFail, expectOk } from './precompileHelpers.ts';

const HASH = '18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c';
const R = '73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75f';
const S = 'eeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549';
const V = (v: number) => v.toString(16).padStart(64, '0');
const SIGNER = `${'00'.repeat(12)}a94f5374fce5edbc8e2a8697c15331677e6ebf0b`;
const N = 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141';

test('ecrecover: recovers the ethereum/tests sender; 3000 gas', () => {
  expectOk(call(1, HASH + V(28) + R + S, 3000n), 3000n, SIGNER);
  expectFail(call(1, HASH + V(28) + R + S, 2999n));
  // Extra input is ignored; missing input is zero (a zero s fails recovery: empty output).
  expectOk(call(1, `${HASH + V(28) + R + S}ff`, 3000n), 3000n, SIGNER);
  expectOk(call(1, HASH + V(28) + R, 3000n), 3000n, '');
  expectOk(call(1, '', 3000n), 3000n, '');
});

test('ecrecover: bad v, r or s give an empty output, not a failure', () => {
  // v = 27 recovers a different key (the other y parity): an address, but not the signer's.
  const other = call(1, HASH + V(27) + R + S, 3000n);
  assert.ok(other.ok && other.output.length === 32);
  assert.notEqual(bytesToHex(other.output), SIGNER);
  for (const v of [0, 1, 26, 29]) expectOk(call(1, HASH + V(v) + R + S, 3000n), 3000n, '');
  // v with a high byte set (the full 32-byte word must be 27 or 28).
  expectOk(call(1, `${HASH}01${V(28).slice(2)}${R}${S}`, 3000n), 3000n, '');
  expectOk(call(1, HASH + V(28) + N + S, 3000n), 3000n, '');
  expectOk(call(1, HASH + V(28) + R + N, 3000n), 3000n, '');
  expectOk(call(1, HASH + V(28) + '00'.repeat(32) + S, 3000n), 3000n, '');
});

test('sha256: FIPS 180-2 digests; 60 + 12 per word', () => {
  expectOk(
    call(2, '', 60n),
    60n,
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  );
  expectOk(
    call(2, '616263', 72n),
    72n,
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
  expectFail(call(2, '616263', 71n));
  const r = call(2, '00'.repeat(33), 1000n); // two words
  assert.ok(r.ok && r.gasUsed === 84n && r.output.length === 32);
});

test('ripemd160: digests left-padded to 32 bytes; 600 + 120 per word', () => {
  const pad = '00'.repeat(12);
  expectOk(call(3, '', 600n), 600n, `${pad}9c1185a5c5e9fc54612808977ee8f548b2258d31`);
  expectOk(call(3, '616263', 720n), 720n, `${pad}8eb208f7e05d987a9b044a8e98c6b087f15a0bfc`);
  expectFail(call(3, '616263', 719n));
});

test('identity: a copy; 15 + 3 per word', () => {
  expectOk(call(4, '', 15n), 15n, '');
  expectOk(call(4, 'deadbeef', 18n), 18n, 'deadbeef');
  expectOk(call(4, '11'.repeat(33), 21n), 21n, '11'.repeat(33));
  expectFail(call(4, '11'.repeat(33), 20n));
});
