// secp256k1 pieces for the reference Noise implementation, written from BIP340 and BIP324 with
// plain BigInt arithmetic (slow, test-only): point multiplication in Jacobian coordinates,
// lift_x, ElligatorSwift decoding (BIP324 XSwiftEC), x-only ECDH, BIP340 sign/verify.
// Hashes come from node:crypto, so nothing here shares code with @keel/crypto.
import { createHash } from 'node:crypto';

const P = 2n ** 256n - 2n ** 32n - 977n;
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const G = {
  x: 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n,
  y: 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n,
};

const mod = (a: bigint, m = P) => ((a % m) + m) % m;
function pow(b: bigint, e: bigint, m = P): bigint {
  let r = 1n;
  b = mod(b, m);
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}
const inv = (a: bigint, m = P) => pow(a, m - 2n, m);
const sqrt = (a: bigint): bigint | undefined => {
  const r = pow(a, (P + 1n) / 4n);
  return (r * r) % P === mod(a) ? r : undefined;
};

type Jac = [bigint, bigint, bigint];
const INF: Jac = [0n, 1n, 0n];
function dbl([x, y, z]: Jac): Jac {
  if (z === 0n || y === 0n) return INF;
  const s = mod(4n * x * y * y);
  const m = mod(3n * x * x);
  const x3 = mod(m * m - 2n * s);
  return [x3, mod(m * (s - x3) - 8n * y ** 4n), mod(2n * y * z)];
}
function add(a: Jac, b: Jac): Jac {
  if (a[2] === 0n) return b;
  if (b[2] === 0n) return a;
  const z1z1 = mod(a[2] * a[2]);
  const z2z2 = mod(b[2] * b[2]);
  const u1 = mod(a[0] * z2z2);
  const u2 = mod(b[0] * z1z1);
  const s1 = mod(a[1] * b[2] * z2z2);
  const s2 = mod(b[1] * a[2] * z1z1);
  if (u1 === u2) return s1 === s2 ? dbl(a) : INF;
  const h = mod(u2 - u1);
  const r = mod(s2 - s1);
  const h2 = mod(h * h);
  const h3 = mod(h2 * h);
  const x3 = mod(r * r - h3 - 2n * u1 * h2);
  return [x3, mod(r * (u1 * h2 - x3) - s1 * h3), mod(h * a[2] * b[2])];
}
function mul(k: bigint, p: { x: bigint; y: bigint }): { x: bigint; y: bigint } | undefined {
  let r = INF;
  let q: Jac = [p.x, p.y, 1n];
  for (let e = mod(k, N); e > 0n; e >>= 1n) {
    if (e & 1n) r = add(r, q);
    q = dbl(q);
  }
  if (r[2] === 0n) return undefined;
  const zi = inv(r[2]);
  return { x: mod(r[0] * zi * zi), y: mod(r[1] * zi * zi * zi) };
}
function liftX(x: bigint): { x: bigint; y: bigint } | undefined {
  const y = sqrt(mod(x ** 3n + 7n));
  if (y === undefined) return undefined;
  return { x, y: y % 2n === 0n ? y : P - y };
}

const be = (b: Uint8Array) => BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`);
const bytes32 = (v: bigint) =>
  Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));
const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const tagged = (tag: string, ...parts: Uint8Array[]) => {
  const t = sha(new TextEncoder().encode(tag));
  return sha(t, t, ...parts);
};

/** BIP324 XSwiftEC: the x coordinate a 64-byte ElligatorSwift encoding u‖t stands for. */
export function refEllswiftDecode(ell: Uint8Array): Uint8Array {
  let u = mod(be(ell.subarray(0, 32)));
  let t = mod(be(ell.subarray(32, 64)));
  if (u === 0n) u = 1n;
  if (t === 0n) t = 1n;
  if (mod(u ** 3n + t * t + 7n) === 0n) t = mod(2n * t);
  const c = pow(P - 3n, (P + 1n) / 4n); // sqrt(-3)
  const X = mod((u ** 3n + 7n - t * t) * inv(mod(2n * t)));
  const Y = mod((X + t) * inv(mod(c * u)));
  for (const x of [
    mod(u + 4n * Y * Y),
    mod((-X * inv(Y) - u) * inv(2n)),
    mod((X * inv(Y) - u) * inv(2n)),
  ]) {
    if (liftX(x) !== undefined) return bytes32(x);
  }
  throw new Error('ref: xswiftec found no x');
}

/** BIP324 ellswift_ecdh_xonly: x(d · lift_x(decode(ell))). */
export function refEcdhXonly(ellTheirs: Uint8Array, sk: Uint8Array): Uint8Array {
  const pt = liftX(be(refEllswiftDecode(ellTheirs)))!;
  return bytes32(mul(be(sk), pt)!.x);
}

export function refXOnly(sk: Uint8Array): Uint8Array {
  return bytes32(mul(be(sk), G)!.x);
}

/** BIP340 signing with 32 bytes of aux randomness. */
export function refSchnorrSign(msg: Uint8Array, sk: Uint8Array, aux: Uint8Array): Uint8Array {
  const P0 = mul(be(sk), G)!;
  const d = P0.y % 2n === 0n ? be(sk) : N - be(sk);
  const pk = bytes32(P0.x);
  const t = bytes32(d ^ be(tagged('BIP0340/aux', aux)));
  const k0 = mod(be(tagged('BIP0340/nonce', t, pk, msg)), N);
  const R = mul(k0, G)!;
  const k = R.y % 2n === 0n ? k0 : N - k0;
  const e = mod(be(tagged('BIP0340/challenge', bytes32(R.x), pk, msg)), N);
  return Uint8Array.from([...bytes32(R.x), ...bytes32(mod(k + e * d, N))]);
}

/** BIP340 verification. */
export function refSchnorrVerify(sig: Uint8Array, msg: Uint8Array, pk: Uint8Array): boolean {
  const Pt = liftX(be(pk));
  const r = be(sig.subarray(0, 32));
  const s = be(sig.subarray(32, 64));
  if (!Pt || r >= P || s >= N) return false;
  const e = mod(be(tagged('BIP0340/challenge', sig.subarray(0, 32), pk, msg)), N);
  const sG = mul(s, G);
  const eP = mul(N - e, Pt);
  const sum =
    sG && eP ? add([sG.x, sG.y, 1n], [eP.x, eP.y, 1n]) : sG ? ([sG.x, sG.y, 1n] as Jac) : undefined;
  if (!sum || sum[2] === 0n) return false;
  const zi = inv(sum[2]);
  const x = mod(sum[0] * zi * zi);
  const y = mod(sum[1] * zi * zi * zi);
  return y % 2n === 0n && x === r;
}
