// 0x05 MODEXP on the EIP-198 examples, with EIP-2565 gas worked out by hand from its formula
// (max(200, ceil(max(Bsize, Msize)/8)² · max(iterations, 1) / 3)).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, expectFail, expectOk, word } from './precompileHelpers.ts';

const P = 'fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f';
const P_MINUS_1 = 'fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e';
const len3 = (b: bigint, e: bigint, m: bigint) => word(b) + word(e) + word(m);

test('EIP-198 example 1: 3^(p-1) mod p = 1 (Fermat); 4² · 255 / 3 = 1360 gas', () => {
  const input = `${len3(1n, 32n, 32n)}03${P_MINUS_1}${P}`;
  expectOk(call(5, input, 1360n), 1360n, word(1n));
  expectFail(call(5, input, 1359n));
});

test('EIP-198 example 2: an empty base is 0', () => {
  expectOk(call(5, `${len3(0n, 32n, 32n)}${P_MINUS_1}${P}`, 10_000n), 1360n, word(0n));
});

test('EIP-198 example 3: Msize 2^256-1 cannot be paid for', () => {
  const input = `${len3(0n, 32n, (1n << 256n) - 1n)}${'ff'.repeat(31)}fe${'ff'.repeat(31)}fd`;
  expectFail(call(5, input, (1n << 64n) - 1n));
});

test('EIP-198 examples 4 and 5: extra input ignored, missing input zero-padded', () => {
  // 3^65535 mod 2^255 (Python: pow(3, 65535, 2**255)); iterations 15, 4² · 15 / 3 = 80 → 200.
  const out = '3b01b01ac41f2d6e917c6d6a221ce793802469026d9ab7578fa2e79e4da6aaab';
  expectOk(call(5, `${len3(1n, 2n, 32n)}03ffff80${'00'.repeat(31)}07`, 200n), 200n, out);
  expectOk(call(5, `${len3(1n, 2n, 32n)}03ffff80`, 200n), 200n, out);
  expectFail(call(5, `${len3(1n, 2n, 32n)}03ffff80`, 199n));
});

test('zero-length modulus: empty output at 200 gas, whatever Esize (never read)', () => {
  expectOk(call(5, len3(0n, (1n << 256n) - 1n, 0n), 200n), 200n, '');
  expectOk(call(5, '', 200n), 200n, '');
  expectFail(call(5, '', 199n));
});

test('modulus 0 or 1 gives zeros of Msize bytes; exponent 0 gives 1 mod m', () => {
  expectOk(call(5, `${len3(1n, 1n, 2n)}0705${'0000'}`, 200n), 200n, '0000');
  expectOk(call(5, `${len3(1n, 1n, 2n)}0705${'0001'}`, 200n), 200n, '0000');
  expectOk(call(5, `${len3(1n, 1n, 2n)}0700${'0009'}`, 200n), 200n, '0001');
  // 3^5 mod 7 = 5; a truncated modulus 0x01 → 0x0100 = 256: 3^2 mod 256 = 9.
  expectOk(call(5, `${len3(1n, 1n, 1n)}030507`, 200n), 200n, '05');
  expectOk(call(5, `${len3(1n, 1n, 2n)}030201`, 200n), 200n, '0009');
});

test('Esize > 32: 8·(Esize-32) + log2(head) iterations, head zero-padded past the input', () => {
  // Bsize 0, Msize 64 → 8² = 64; Esize 40 with only "01" present: head = 1 << 248 → 248,
  // iterations 8·8 + 248 = 312 → 64 · 312 / 3 = 6656.
  expectFail(call(5, `${len3(0n, 40n, 64n)}01`, 6655n));
  expectOk(call(5, `${len3(0n, 40n, 64n)}01`, 6656n), 6656n, '00'.repeat(64));
  // Head all zeros: exactly 8·(Esize-32) = 64 iterations → 64 · 64 / 3 = 1365.
  expectOk(call(5, `${len3(0n, 40n, 64n)}`, 1365n), 1365n, '00'.repeat(64));
});

test('a 30000-byte exponent (cheap in gas) is exact and runs in linear time', () => {
  // E = 2^240000 - 1 ≡ 3 (mod 6), so 3^E ≡ 3^3 = 27 ≡ 6 (mod 7) by Fermat. Gas: 1² ·
  // (8 · (30000 - 32) + 255) / 3 = 79999. Shifting one huge BigInt per bit took 1.5 s here.
  const input = `${len3(1n, 30000n, 1n)}03${'ff'.repeat(30000)}07`;
  const t0 = performance.now();
  expectOk(call(5, input, 79999n), 79999n, '06');
  const ms = performance.now() - t0;
  assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
});
