// 0x06–0x08 bn254 (EIP-196/197, EIP-1108 gas). Expected values come from the curve's published
// constants (G1 = (1, 2), the EIP-197 G2 generator, 2·G1 as listed in py_ecc/EIP-196 test
// suites), the group law (P + (-P) = O, n·P = O) and bilinearity — not from this code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bn254 } from '@noble/curves/bn254.js';
import { call, expectFail, expectOk, word } from './precompileHelpers.ts';

const p = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const n = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const G1 = word(1n) + word(2n);
const NEG_G1 = word(1n) + word(p - 2n);
const TWO_G1 =
  '030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3' +
  '15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4';
const INF1 = word(0n) + word(0n);
/** EIP-197 G2 generator, imaginary part first. */
const G2 =
  word(11559732032986387107991004021392285783925812861821192530917403151452391805634n) +
  word(10857046999023057135944570762232829481370756359578518086990519993285655852781n) +
  word(4082367875863433681332203403145435568316851327593401208105741076214120093531n) +
  word(8495653923123431417604973247489272438418190587263600148770280649306958101930n);
const INF2 = INF1 + INF1;
const ONE = word(1n);
const ZERO = word(0n);

test('ECADD: group law on G1; 150 gas', () => {
  expectOk(call(6, G1 + G1, 150n), 150n, TWO_G1);
  expectOk(call(6, G1 + NEG_G1, 150n), 150n, INF1);
  expectOk(call(6, G1 + INF1, 150n), 150n, G1);
  expectOk(call(6, INF1 + INF1, 150n), 150n, INF1);
  expectOk(call(6, '', 150n), 150n, INF1); // zero-padded: O + O
  expectOk(call(6, `${G1}${G1}ff`, 150n), 150n, TWO_G1); // extra input ignored
  expectFail(call(6, G1 + G1, 149n));
});

test('ECADD: off-curve points and coordinates >= p fail', () => {
  expectFail(call(6, word(1n) + word(3n) + G1, 150n));
  expectFail(call(6, G1 + word(0n) + word(1n), 150n)); // (0, 1) is not the infinity encoding
  expectFail(call(6, word(1n + p) + word(2n) + G1, 150n));
  expectFail(call(6, word(1n) + word(2n + p) + INF1, 150n));
  expectFail(call(6, `${G1}${word(1n)}03`, 150n)); // zero padding makes (1, 0x03 << 248)
});

test('ECMUL: scalars of any size (mod n); 6000 gas', () => {
  expectOk(call(7, G1 + word(2n), 6000n), 6000n, TWO_G1);
  expectOk(call(7, G1 + word(n), 6000n), 6000n, INF1);
  expectOk(call(7, G1 + word(n + 1n), 6000n), 6000n, G1);
  expectOk(call(7, G1 + word(n - 1n), 6000n), 6000n, NEG_G1);
  expectOk(call(7, G1 + word((1n << 256n) - 1n), 6000n), 6000n, mulOfMax());
  expectOk(call(7, G1 + ZERO, 6000n), 6000n, INF1);
  expectOk(call(7, INF1 + word(5n), 6000n), 6000n, INF1);
  expectOk(call(7, G1, 6000n), 6000n, INF1); // scalar zero-padded to 0
  expectFail(call(7, word(1n) + word(3n) + word(1n), 6000n));
  expectFail(call(7, G1 + word(2n), 5999n));
});

/** (2^256-1)·G1 = ((2^256-1) mod n)·G1, and (2^256 - 1) mod n = 2^256 - 1 - 5n. */
function mulOfMax(): string {
  const k = (1n << 256n) - 1n - 5n * n;
  assert.ok(k > 0n && k < n);
  const r = call(7, G1 + word(k), 6000n);
  assert.ok(r.ok);
  return Buffer.from(r.output).toString('hex');
}

test('pairing: empty input is true; 45000 + 34000 per pair', () => {
  expectOk(call(8, '', 45000n), 45000n, ONE);
  expectFail(call(8, '', 44999n));
  expectOk(call(8, G1 + G2 + NEG_G1 + G2, 113000n), 113000n, ONE);
  expectFail(call(8, G1 + G2 + NEG_G1 + G2, 112999n));
});

test('pairing: bilinearity — e(G1, G2) alone is not 1, e(2G1, G2)·e(-G1, G2)² is', () => {
  expectOk(call(8, G1 + G2, 79000n), 79000n, ZERO);
  expectOk(call(8, TWO_G1 + G2 + NEG_G1 + G2 + NEG_G1 + G2, 147000n), 147000n, ONE);
  expectOk(call(8, TWO_G1 + G2 + NEG_G1 + G2, 113000n), 113000n, ZERO);
});

test('pairing: pairs with the point at infinity contribute 1', () => {
  expectOk(call(8, INF1 + G2, 79000n), 79000n, ONE);
  expectOk(call(8, G1 + INF2, 79000n), 79000n, ONE);
  expectOk(call(8, INF1 + INF2 + G1 + G2 + NEG_G1 + G2, 147000n), 147000n, ONE);
});

test('pairing: bad lengths and invalid points fail, even beside infinity', () => {
  expectFail(call(8, `${G1}${G2}00`, 1_000_000n));
  expectFail(call(8, G1, 1_000_000n));
  // G2 with its real and imaginary parts swapped is not on the twist.
  const swapped = G2.slice(64, 128) + G2.slice(0, 64) + G2.slice(192, 256) + G2.slice(128, 192);
  expectFail(call(8, G1 + swapped, 1_000_000n));
  expectFail(call(8, INF1 + swapped, 1_000_000n));
  expectFail(call(8, word(1n) + word(3n) + INF2, 1_000_000n));
  expectFail(call(8, G1 + word(p) + G2.slice(64), 1_000_000n));
  // y = 0 with x ≠ 0 (ethereum/tests ecpairing_inputs d42): no such twist point; noble's
  // constructor throws on it, which must become a failure, not an exception.
  expectFail(call(8, G1 + G2.slice(0, 128) + word(0n) + word(0n), 1_000_000n));
});

test('pairing: a G2 point on the twist but outside the order-n subgroup fails', () => {
  // x = 1 + 0·i... search a small x on the twist whose point has order ≠ n (the cofactor of the
  // twist is 2p - n; almost every twist point is outside the subgroup).
  const twist = nonSubgroupTwistPoint();
  const [xi, xr, yi, yr] = [0, 1, 2, 3].map((k) => BigInt(`0x${twist.slice(64 * k, 64 * k + 64)}`));
  const q = bn254.G2.Point.fromAffine({ x: { c0: xr!, c1: xi! }, y: { c0: yr!, c1: yi! } });
  assert.equal(q.isTorsionFree(), false, 'fixture: outside the subgroup');
  expectFail(call(8, G1 + twist, 1_000_000n));
  expectFail(call(8, INF1 + twist, 1_000_000n));
});

/** A point of E'(Fp²): y² = x³ + 3/(9+i), found by search; generic points are not in G2. */
function nonSubgroupTwistPoint(): string {
  for (let x = 1n; x < 100n; x++) {
    const enc = encodeTwistPointWithX(x);
    if (enc) return enc;
  }
  assert.fail('no twist point found');
}

function encodeTwistPointWithX(x0: bigint): string | undefined {
  // Fp² arithmetic with i² = -1.
  const mod = (a: bigint) => ((a % p) + p) % p;
  const mul = (a: [bigint, bigint], b: [bigint, bigint]): [bigint, bigint] => [
    mod(a[0] * b[0] - a[1] * b[1]),
    mod(a[0] * b[1] + a[1] * b[0]),
  ];
  const pow = (a: bigint, e: bigint): bigint => {
    let r = 1n;
    let b = mod(a);
    let k = e;
    while (k > 0n) {
      if (k & 1n) r = (r * b) % p;
      b = (b * b) % p;
      k >>= 1n;
    }
    return r;
  };
  const inv = (a: bigint) => pow(a, p - 2n);
  // b' = 3 / (9 + i) = 3 (9 - i) / 82
  const d = inv(82n);
  const bTwist: [bigint, bigint] = [mod(27n * d), mod(-3n * d)];
  const x: [bigint, bigint] = [x0, 0n];
  const x3 = mul(mul(x, x), x);
  const rhs: [bigint, bigint] = [mod(x3[0] + bTwist[0]), mod(x3[1] + bTwist[1])];
  const y = sqrtFp2(rhs, mod, mul, pow, inv);
  if (!y) return undefined;
  return word(x[1]) + word(x[0]) + word(y[1]) + word(y[0]);
}

/** sqrt in Fp² (p ≡ 3 mod 4), by the complex method: a + bi = (c + di)². */
function sqrtFp2(
  [a, b]: [bigint, bigint],
  mod: (a: bigint) => bigint,
  mul: (a: [bigint, bigint], b: [bigint, bigint]) => [bigint, bigint],
  pow: (a: bigint, e: bigint) => bigint,
  inv: (a: bigint) => bigint,
): [bigint, bigint] | undefined {
  const sqrtFp = (v: bigint): bigint | undefined => {
    const r = pow(v, (p + 1n) / 4n);
    return (r * r) % p === mod(v) ? r : undefined;
  };
  const norm = sqrtFp(mod(a * a + b * b));
  if (norm === undefined) return undefined;
  for (const s of [norm, mod(-norm)]) {
    const c2 = mod((a + s) * inv(2n));
    const c = sqrtFp(c2);
    if (c === undefined || c === 0n) continue;
    const dd = mod(b * inv(2n * c));
    const sq = mul([c, dd], [c, dd]);
    if (sq[0] === mod(a) && sq[1] === mod(b)) return [c, dd];
  }
  return undefined;
}
