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
import { add, batchInverse, mul, neg, rootOfUnity, sub, TWO_ADICITY } from './field.ts';
import { KeccakTranscript } from './transcript.ts';

/** snarkjs PLONK `verification_key.json`, parsed. `w` generates the order-2^power domain. */
export interface PlonkVerificationKey {
  readonly nPublic: number;
  readonly power: number;
  readonly k1: bigint;
  readonly k2: bigint;
  readonly w: bigint;
  readonly Qm: G1Point;
  readonly Ql: G1Point;
  readonly Qr: G1Point;
  readonly Qo: G1Point;
  readonly Qc: G1Point;
  readonly S1: G1Point;
  readonly S2: G1Point;
  readonly S3: G1Point;
  readonly X2: G2Point;
}

export interface PlonkProof {
  readonly A: G1Point;
  readonly B: G1Point;
  readonly C: G1Point;
  readonly Z: G1Point;
  readonly T1: G1Point;
  readonly T2: G1Point;
  readonly T3: G1Point;
  readonly Wxi: G1Point;
  readonly Wxiw: G1Point;
  readonly a: bigint;
  readonly b: bigint;
  readonly c: bigint;
  readonly s1: bigint;
  readonly s2: bigint;
  readonly zw: bigint;
}

const MAX_PUBLIC = 1 << 16;
const VK_POINTS = ['Qm', 'Ql', 'Qr', 'Qo', 'Qc', 'S1', 'S2', 'S3'] as const;
const PROOF_POINTS = ['A', 'B', 'C', 'Z', 'T1', 'T2', 'T3', 'Wxi', 'Wxiw'] as const;
const PROOF_EVALS = ['a', 'b', 'c', 's1', 's2', 'zw'] as const;

/** snarkjs `verification_key.json` (protocol "plonk", curve "bn128") → typed key. */
export function parsePlonkVerificationKey(json: unknown): PlonkVerificationKey {
  const o = parseObject(json, 'vkey');
  expectTag(o, 'protocol', 'plonk', 'vkey');
  expectTag(o, 'curve', 'bn128', 'vkey');
  const power = parseCount(o.power, 'vkey.power', 1, TWO_ADICITY);
  const nPublic = parseCount(o.nPublic, 'vkey.nPublic', 0, Math.min(MAX_PUBLIC, 2 ** power));
  const w = parseFr(o.w, 'vkey.w');
  // snarkjs's verifier ignores vkey.w and takes Fr.w[power]; a key whose w disagrees is refused.
  if (w !== rootOfUnity(power))
    throw new ZkError(
      ZkErrorCode.NOT_CANONICAL,
      'vkey.w: not the 2^power-th root of unity snarkjs uses',
      { field: 'vkey.w' },
    );
  const pts = Object.fromEntries(VK_POINTS.map((k) => [k, parseG1(o[k], `vkey.${k}`)])) as Record<
    (typeof VK_POINTS)[number],
    G1Point
  >;
  return {
    nPublic,
    power,
    w,
    k1: parseFr(o.k1, 'vkey.k1'),
    k2: parseFr(o.k2, 'vkey.k2'),
    ...pts,
    X2: parseG2(o.X_2, 'vkey.X_2'),
  };
}

/** snarkjs PLONK `proof.json` → typed proof (evaluations as `a`, `b`, `c`, `s1`, `s2`, `zw`). */
export function parsePlonkProof(json: unknown): PlonkProof {
  const o = parseObject(json, 'proof');
  if (o.protocol !== undefined) expectTag(o, 'protocol', 'plonk', 'proof');
  if (o.curve !== undefined) expectTag(o, 'curve', 'bn128', 'proof');
  const pts = PROOF_POINTS.map((k) => [k, parseG1(o[k], `proof.${k}`)]);
  const evals = PROOF_EVALS.map((k) => [k, parseFr(o[`eval_${k}`], `proof.eval_${k}`)]);
  return Object.fromEntries([...pts, ...evals]) as PlonkProof;
}

/**
 * PLONK (Gabizon–Williamson–Ciobotaru, eprint 2019/953, verifier steps 1–12) as snarkjs 0.7
 * proves it: t split in three (T1, T2, T3), the linearisation with r₀, one batched KZG opening
 * at ξ and ξω. Malformed input throws `ZkError`; a well-formed proof that fails returns false.
 */
export function verifyPlonk(vkey: unknown, publicSignals: unknown, proof: unknown): boolean {
  const vk = parsePlonkVerificationKey(vkey);
  const pi = parsePlonkProof(proof);
  return verifyPlonkParsed(vk, parsePublicSignals(publicSignals, vk.nPublic), pi);
}

interface Challenges {
  beta: bigint;
  gamma: bigint;
  alpha: bigint;
  xi: bigint;
  v: bigint;
  u: bigint;
}

/** The transcript rounds of snarkjs's plonk prover (keccak over the preprocessed key too). */
function challenges(vk: PlonkVerificationKey, s: readonly bigint[], pi: PlonkProof): Challenges {
  const t = new KeccakTranscript();
  for (const k of VK_POINTS) t.point(vk[k]);
  for (const x of s) t.scalar(x);
  const beta = t.point(pi.A).point(pi.B).point(pi.C).challenge();
  const gamma = t.scalar(beta).challenge();
  const alpha = t.scalar(beta).scalar(gamma).point(pi.Z).challenge();
  const xi = t.scalar(alpha).point(pi.T1).point(pi.T2).point(pi.T3).challenge();
  t.scalar(xi);
  for (const k of PROOF_EVALS) t.scalar(pi[k]);
  const v = t.challenge();
  const u = t.point(pi.Wxi).point(pi.Wxiw).challenge();
  return { beta, gamma, alpha, xi, v, u };
}

export function verifyPlonkParsed(
  vk: PlonkVerificationKey,
  s: readonly bigint[],
  pi: PlonkProof,
): boolean {
  if (s.length !== vk.nPublic)
    throw new ZkError(ZkErrorCode.WRONG_LENGTH, `publicSignals: expected ${vk.nPublic}`);
  const { beta, gamma, alpha, xi, v, u } = challenges(vk, s, pi);
  const n = 1n << BigInt(vk.power);
  let xin = xi;
  for (let i = 0; i < vk.power; i++) xin = mul(xin, xin);
  const zh = sub(xin, 1n);
  // Lagrange bases Lᵢ(ξ) = ωⁱ⁻¹·Z_H(ξ) / (n·(ξ − ωⁱ⁻¹)) for the public-input rows, one inversion.
  const rows = Math.max(1, vk.nPublic);
  const omegas: bigint[] = [];
  const dens: bigint[] = [];
  for (let i = 0, w = 1n; i < rows; i++, w = mul(w, vk.w)) {
    omegas.push(w);
    dens.push(mul(n, sub(xi, w)));
  }
  const invDens = batchInverse(dens);
  if (invDens === undefined) return false; // ξ landed on the domain: no sound check exists
  const L = omegas.map((w, i) => mul(mul(w, zh), invDens[i]!));
  const l1 = L[0]!;
  let piXi = 0n;
  for (let i = 0; i < s.length; i++) piXi = sub(piXi, mul(s[i]!, L[i]!));

  const { a, b, c, s1, s2, zw } = pi;
  const alpha2 = mul(alpha, alpha);
  const permA = add(add(a, mul(beta, s1)), gamma);
  const permB = add(add(b, mul(beta, s2)), gamma);
  const r0 = sub(
    sub(piXi, mul(l1, alpha2)),
    mul(mul(mul(permA, permB), add(c, gamma)), mul(zw, alpha)),
  );
  const bxi = mul(beta, xi);
  const zCoef = add(
    add(
      mul(
        mul(
          mul(add(add(a, bxi), gamma), add(add(b, mul(bxi, vk.k1)), gamma)),
          add(add(c, mul(bxi, vk.k2)), gamma),
        ),
        alpha,
      ),
      mul(l1, alpha2),
    ),
    u,
  );
  const s3Coef = mul(mul(permA, permB), mul(mul(alpha, beta), zw));
  const v2 = mul(v, v);
  const v3 = mul(v2, v);
  const v4 = mul(v3, v);
  const v5 = mul(v4, v);
  const e = add(
    add(add(add(add(add(neg(r0), mul(v, a)), mul(v2, b)), mul(v3, c)), mul(v4, s1)), mul(v5, s2)),
    mul(u, zw),
  );
  // B₁ = ξ·Wξ + uξω·Wξω + F − e·G with F = D + v·A + v²·B + v³·C + v⁴·S1 + v⁵·S2 and D the
  // linearised commitment: all of it one multi-scalar multiplication (Strauss–Shamir wNAF, one
  // shared doubling chain: 3× noble's Pippenger at 18 points).
  const B1 = mulAddUnsafe(
    G1,
    [
      pi.Wxi,
      pi.Wxiw,
      vk.Qm,
      vk.Ql,
      vk.Qr,
      vk.Qo,
      vk.Qc,
      pi.Z,
      vk.S3,
      pi.T1,
      pi.T2,
      pi.T3,
      pi.A,
      pi.B,
      pi.C,
      vk.S1,
      vk.S2,
      G1.BASE,
    ],
    [
      xi,
      mul(mul(u, xi), vk.w),
      mul(a, b),
      a,
      b,
      c,
      1n,
      zCoef,
      neg(s3Coef),
      neg(zh),
      neg(mul(zh, xin)),
      neg(mul(zh, mul(xin, xin))),
      v,
      v2,
      v3,
      v4,
      v5,
      neg(e),
    ],
  );
  const A1 = pi.Wxi.add(pi.Wxiw.multiplyUnsafe(u));
  // KZG batch opening: e(−A₁, [x]₂) · e(B₁, [1]₂) = 1.
  return pairingIsOne([
    { g1: A1.negate(), g2: vk.X2 },
    { g1: B1, g2: G2.BASE },
  ]);
}
