import { mulAddUnsafe } from '@noble/curves/abstract/curve.js';
import {
  expectTag,
  G1,
  type G1Point,
  G2,
  type G2Point,
  pairingIsOne,
  parseCount,
  parseFr,
  parseG1,
  parseG2,
  parseObject,
  parsePublicSignals,
} from './bn254.ts';
import { ZkError, ZkErrorCode } from './errors.ts';
import { add, batchInverse, mul, neg, pow, rootOfUnity, sub, TWO_ADICITY } from './field.ts';
import { KeccakTranscript } from './transcript.ts';

/** snarkjs fflonk `verification_key.json`, parsed; the roots of unity are checked on parse. */
export interface FflonkVerificationKey {
  readonly nPublic: number;
  readonly power: number;
  readonly k1: bigint;
  readonly k2: bigint;
  /** Generator of the order-2^power domain. */
  readonly w: bigint;
  /** Primitive 3rd, 4th and 8th roots of unity; wr is a cube root of w. */
  readonly w3: bigint;
  readonly w4: bigint;
  readonly w8: bigint;
  readonly wr: bigint;
  readonly C0: G1Point;
  readonly X2: G2Point;
}

/** The 15 opened evaluations (`inv`, the prover's batch-inverse hint, is kept apart). */
const EVALS = [
  'ql',
  'qr',
  'qm',
  'qo',
  'qc',
  's1',
  's2',
  's3',
  'a',
  'b',
  'c',
  'z',
  'zw',
  't1w',
  't2w',
] as const;
type Evaluations = Record<(typeof EVALS)[number], bigint>;

export interface FflonkProof {
  readonly C1: G1Point;
  readonly C2: G1Point;
  readonly W1: G1Point;
  readonly W2: G1Point;
  readonly evals: Evaluations;
  /** 1 / (product of every denominator the verifier needs), checked, never trusted. */
  readonly inv: bigint;
}

const MAX_PUBLIC = 1 << 16;

function refuse(field: string, message: string): never {
  throw new ZkError(ZkErrorCode.NOT_CANONICAL, `${field}: ${message}`, { field });
}

/** snarkjs `verification_key.json` (protocol "fflonk", curve "bn128") → typed key. */
export function parseFflonkVerificationKey(json: unknown): FflonkVerificationKey {
  const o = parseObject(json, 'vkey');
  expectTag(o, 'protocol', 'fflonk', 'vkey');
  expectTag(o, 'curve', 'bn128', 'vkey');
  const power = parseCount(o.power, 'vkey.power', 1, TWO_ADICITY);
  const nPublic = parseCount(o.nPublic, 'vkey.nPublic', 0, Math.min(MAX_PUBLIC, 2 ** power));
  const [w, w3, w4, w8, wr] = (['w', 'w3', 'w4', 'w8', 'wr'] as const).map((k) =>
    parseFr(o[k], `vkey.${k}`),
  ) as [bigint, bigint, bigint, bigint, bigint];
  // snarkjs's verifier trusts these (its own "TODO: check wr^3 = w"); keel checks each one.
  if (w !== rootOfUnity(power)) refuse('vkey.w', 'not the 2^power-th root of unity snarkjs uses');
  if (w4 !== rootOfUnity(2)) refuse('vkey.w4', 'not the 4th root of unity snarkjs uses');
  if (w8 !== rootOfUnity(3)) refuse('vkey.w8', 'not the 8th root of unity snarkjs uses');
  if (w3 === 1n || pow(w3, 3n) !== 1n) refuse('vkey.w3', 'not a primitive cube root of unity');
  if (pow(wr, 3n) !== w) refuse('vkey.wr', 'not a cube root of w');
  return {
    nPublic,
    power,
    k1: parseFr(o.k1, 'vkey.k1'),
    k2: parseFr(o.k2, 'vkey.k2'),
    w,
    w3,
    w4,
    w8,
    wr,
    C0: parseG1(o.C0, 'vkey.C0'),
    X2: parseG2(o.X_2, 'vkey.X_2'),
  };
}

/** snarkjs fflonk `proof.json` ({polynomials: C1 C2 W1 W2, evaluations: … inv}) → typed proof. */
export function parseFflonkProof(json: unknown): FflonkProof {
  const o = parseObject(json, 'proof');
  if (o.protocol !== undefined) expectTag(o, 'protocol', 'fflonk', 'proof');
  if (o.curve !== undefined) expectTag(o, 'curve', 'bn128', 'proof');
  const p = parseObject(o.polynomials, 'proof.polynomials');
  const e = parseObject(o.evaluations, 'proof.evaluations');
  const evals = Object.fromEntries(
    EVALS.map((k) => [k, parseFr(e[k], `proof.evaluations.${k}`)]),
  ) as Evaluations;
  return {
    C1: parseG1(p.C1, 'proof.polynomials.C1'),
    C2: parseG1(p.C2, 'proof.polynomials.C2'),
    W1: parseG1(p.W1, 'proof.polynomials.W1'),
    W2: parseG1(p.W2, 'proof.polynomials.W2'),
    evals,
    inv: parseFr(e.inv, 'proof.evaluations.inv'),
  };
}

/**
 * fflonk (Gabizon–Williamson, eprint 2021/1167) as snarkjs 0.7 proves it: PLONK's polynomials
 * combined into C0 (preprocessed), C1 and C2, opened at the 8th, 4th and 3rd roots of ξ (and of
 * ξω) with the Shplonk two-pairing check. Malformed input throws `ZkError`; a well-formed proof
 * that fails returns false. Unlike snarkjs's JS verifier (and like its Solidity one) the
 * prover's `inv` hint must be the inverse of the denominators' product, so a tampered `inv` fails.
 */
export function verifyFflonk(vkey: unknown, publicSignals: unknown, proof: unknown): boolean {
  const vk = parseFflonkVerificationKey(vkey);
  const pi = parseFflonkProof(proof);
  return verifyFflonkParsed(vk, parsePublicSignals(publicSignals, vk.nPublic), pi);
}

interface Opening {
  beta: bigint;
  gamma: bigint;
  alpha: bigint;
  y: bigint;
  xi: bigint;
  /** h0·ω8ⁱ (8), h1·ω4ⁱ (4), h2·ω3ⁱ (3), h3·ω3ⁱ (3): the points each C is opened at. */
  h0: bigint[];
  h1: bigint[];
  h2: bigint[];
  h3: bigint[];
}

function powers(h: bigint, w: bigint, n: number): bigint[] {
  const out = [h];
  for (let i = 1; i < n; i++) out.push(mul(out[i - 1]!, w));
  return out;
}

/** snarkjs's transcript rounds, and the opening points derived from the ξ seed. */
function opening(vk: FflonkVerificationKey, s: readonly bigint[], pi: FflonkProof): Opening {
  const t = new KeccakTranscript().point(vk.C0);
  for (const x of s) t.scalar(x);
  const beta = t.point(pi.C1).challenge();
  const gamma = t.scalar(beta).challenge();
  const seed = t.scalar(gamma).point(pi.C2).challenge();
  t.scalar(seed);
  for (const k of EVALS) t.scalar(pi.evals[k]);
  const alpha = t.challenge();
  const y = t.scalar(alpha).point(pi.W1).challenge();
  const seed2 = mul(seed, seed);
  const h0 = mul(seed2, seed); // seed³, h0⁸ = ξ
  const h1 = mul(h0, h0); // seed⁶, h1⁴ = ξ
  const h2 = mul(h1, seed2); // seed⁸, h2³ = ξ
  const xi = mul(mul(h2, h2), h2); // seed²⁴
  return {
    beta,
    gamma,
    alpha,
    y,
    xi,
    h0: powers(h0, vk.w8, 8),
    h1: powers(h1, vk.w4, 4),
    h2: powers(h2, vk.w3, 3),
    h3: powers(mul(h2, vk.wr), vk.w3, 3), // h3³ = ξω
  };
}

/** Lagrange denominators over a coset h·⟨ω_k⟩: k·h^(k−1)·ωᵢ^(−1)… written as snarkjs does. */
function cosetDenominators(roots: bigint[], y: bigint, den1: bigint): bigint[] {
  const k = roots.length;
  return roots.map((r, i) => mul(mul(den1, roots[((k - 1) * i) % k]!), sub(y, r)));
}

export function verifyFflonkParsed(
  vk: FflonkVerificationKey,
  s: readonly bigint[],
  pi: FflonkProof,
): boolean {
  if (s.length !== vk.nPublic)
    throw new ZkError(ZkErrorCode.WRONG_LENGTH, `publicSignals: expected ${vk.nPublic}`);
  const o = opening(vk, s, pi);
  const { y, xi, h0, h1, h2, h3, alpha, beta, gamma } = o;
  const e = pi.evals;
  const xiw = mul(xi, vk.w);
  let xin = xi;
  for (let i = 0; i < vk.power; i++) xin = mul(xin, xin);
  const zh = sub(xin, 1n);
  const y3 = mul(mul(y, y), y);
  const y4 = mul(y3, y);
  const mulH0 = sub(mul(y4, y4), xi); // ∏(y − h0ω8ⁱ)
  const mulH1 = sub(y4, xi); // ∏(y − h1ω4ⁱ)
  const mulH2 = mul(sub(y3, xi), sub(y3, xiw)); // ∏(y − h2ω3ⁱ)·∏(y − h3ω3ⁱ)

  // Every denominator, in one list, inverted with the prover's hint `inv` (no inversion here).
  const rows = Math.max(1, vk.nPublic);
  const n = 1n << BigInt(vk.power);
  const omegas = powers(1n, vk.w, rows);
  const d3 = mul(3n, sub(xi, xiw));
  const dens = [
    zh,
    mulH1,
    mulH2,
    ...cosetDenominators(h0, y, mul(8n, pow(h0[0]!, 6n))),
    ...cosetDenominators(h1, y, mul(4n, mul(h1[0]!, h1[0]!))),
    ...cosetDenominators(h2, y, mul(d3, h2[0]!)),
    ...cosetDenominators(h3, y, neg(mul(d3, h3[0]!))),
    ...omegas.map((w) => mul(n, sub(xi, w))),
  ];
  const inverses = batchInverse(dens, pi.inv);
  if (inverses === undefined) return false; // `inv` is not the product's inverse
  const [zhInv, invH1, invH2] = inverses as [bigint, bigint, bigint];
  const lS0 = inverses.slice(3, 11).map((d) => mul(mulH0, d));
  const lS1 = inverses.slice(11, 15).map((d) => mul(mulH1, d));
  const lS2 = inverses.slice(15, 21).map((d) => mul(mulH2, d));
  const L = omegas.map((w, i) => mul(mul(w, zh), inverses[21 + i]!));

  let piXi = 0n;
  for (let i = 0; i < s.length; i++) piXi = sub(piXi, mul(s[i]!, L[i]!));

  // r0: C0(X) = ql + qr·X + qo·X² + qm·X³ + qc·X⁴ + s1·X⁵ + s2·X⁶ + s3·X⁷ interpolated at y.
  const c0 = [e.s3, e.s2, e.s1, e.qc, e.qm, e.qo, e.qr, e.ql];
  let r0 = 0n;
  for (let i = 0; i < 8; i++) {
    let v = 0n;
    for (const coef of c0) v = add(mul(v, h0[i]!), coef);
    r0 = add(r0, mul(v, lS0[i]!));
  }
  // r1: C1(X) = a + b·X + c·X² + T0·X³, T0(ξ) from the gate identity.
  const gate = add(
    add(add(add(mul(e.ql, e.a), mul(e.qr, e.b)), mul(e.qm, mul(e.a, e.b))), mul(e.qo, e.c)),
    add(e.qc, piXi),
  );
  const t0 = mul(gate, zhInv);
  let r1 = 0n;
  for (let i = 0; i < 4; i++) {
    const h = h1[i]!;
    const v = add(add(add(e.a, mul(h, e.b)), mul(mul(h, h), e.c)), mul(mul(mul(h, h), h), t0));
    r1 = add(r1, mul(v, lS1[i]!));
  }
  // r2: C2(X) = z + T1·X + T2·X² at h2-coset, zω + T1ω·X + T2ω·X² at the h3-coset.
  const t1 = mul(mul(sub(e.z, 1n), L[0]!), zhInv);
  const bxi = mul(beta, xi);
  const lhs = mul(
    mul(add(add(e.a, bxi), gamma), add(add(e.b, mul(bxi, vk.k1)), gamma)),
    mul(add(add(e.c, mul(bxi, vk.k2)), gamma), e.z),
  );
  const rhs = mul(
    mul(add(add(e.a, mul(beta, e.s1)), gamma), add(add(e.b, mul(beta, e.s2)), gamma)),
    mul(add(add(e.c, mul(beta, e.s3)), gamma), e.zw),
  );
  const t2 = mul(sub(lhs, rhs), zhInv);
  let r2 = 0n;
  for (let i = 0; i < 3; i++) {
    const h = h2[i]!;
    r2 = add(r2, mul(add(add(e.z, mul(h, t1)), mul(mul(h, h), t2)), lS2[i]!));
    const g = h3[i]!;
    r2 = add(r2, mul(add(add(e.zw, mul(g, e.t1w)), mul(mul(g, g), e.t2w)), lS2[i + 3]!));
  }

  const q1 = mul(mul(alpha, mulH0), invH1);
  const q2 = mul(mul(mul(alpha, alpha), mulH0), invH2);
  const eScalar = add(r0, add(mul(q1, r1), mul(q2, r2)));
  // A₁ = F − E − J + y·W2 with F = C0 + q1·C1 + q2·C2, E = e·G, J = ∏(y − h0ω8ⁱ)·W1.
  const A1 = mulAddUnsafe(
    G1,
    [vk.C0, pi.C1, pi.C2, G1.BASE, pi.W1, pi.W2],
    [1n, q1, q2, neg(eScalar), neg(mulH0), y],
  );
  // e(−A₁, [1]₂) · e(W2, [x]₂) = 1.
  return pairingIsOne([
    { g1: A1.negate(), g2: G2.BASE },
    { g1: pi.W2, g2: vk.X2 },
  ]);
}
