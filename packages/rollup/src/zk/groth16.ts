import {
  expectTag,
  G1,
  type G1Point,
  type G2Point,
  pairingIsOne,
  parseArray,
  parseG1,
  parseG2,
  parseInteger,
  parseObject,
  parsePublicSignals,
} from './bn254.ts';
import { ZkError, ZkErrorCode } from './errors.ts';

export interface Groth16VerificationKey {
  readonly nPublic: number;
  readonly alpha: G1Point;
  readonly beta: G2Point;
  readonly gamma: G2Point;
  readonly delta: G2Point;
  readonly ic: readonly G1Point[];
}

export interface Groth16Proof {
  readonly a: G1Point;
  readonly b: G2Point;
  readonly c: G1Point;
}

const MAX_PUBLIC = 1 << 16;

/** snarkjs `verification_key.json` (protocol "groth16", curve "bn128") → typed key. */
export function parseGroth16VerificationKey(json: unknown): Groth16VerificationKey {
  const o = parseObject(json, 'vkey');
  expectTag(o, 'protocol', 'groth16', 'vkey');
  expectTag(o, 'curve', 'bn128', 'vkey');
  const nPublic = Number(parseInteger(String(o.nPublic), 'vkey.nPublic', BigInt(MAX_PUBLIC)));
  const ic = parseArray(o.IC, 'vkey.IC', nPublic + 1).map((p, i) => parseG1(p, `vkey.IC[${i}]`));
  return {
    nPublic,
    alpha: parseG1(o.vk_alpha_1, 'vkey.vk_alpha_1'),
    beta: parseG2(o.vk_beta_2, 'vkey.vk_beta_2'),
    gamma: parseG2(o.vk_gamma_2, 'vkey.vk_gamma_2'),
    delta: parseG2(o.vk_delta_2, 'vkey.vk_delta_2'),
    ic,
  };
}

/** snarkjs `proof.json` (pi_a, pi_b, pi_c) → typed proof. */
export function parseGroth16Proof(json: unknown): Groth16Proof {
  const o = parseObject(json, 'proof');
  if (o.protocol !== undefined) expectTag(o, 'protocol', 'groth16', 'proof');
  if (o.curve !== undefined) expectTag(o, 'curve', 'bn128', 'proof');
  return {
    a: parseG1(o.pi_a, 'proof.pi_a'),
    b: parseG2(o.pi_b, 'proof.pi_b'),
    c: parseG1(o.pi_c, 'proof.pi_c'),
  };
}

/**
 * Groth16 (EUROCRYPT 2016, §3.2): accept iff e(A, B) = e(α, β) · e(L, γ) · e(C, δ) with
 * L = IC₀ + Σ sᵢ·ICᵢ₊₁, checked as one product of four pairings equal to 1.
 * Malformed input throws `ZkError`; a well-formed proof that does not verify returns false.
 */
export function verifyGroth16(vkey: unknown, proof: unknown, publicSignals: unknown): boolean {
  const vk = parseGroth16VerificationKey(vkey);
  const pi = parseGroth16Proof(proof);
  const s = parsePublicSignals(publicSignals, vk.nPublic);
  return verifyGroth16Parsed(vk, pi, s);
}

export function verifyGroth16Parsed(
  vk: Groth16VerificationKey,
  pi: Groth16Proof,
  s: readonly bigint[],
): boolean {
  if (s.length !== vk.nPublic)
    throw new ZkError(ZkErrorCode.WRONG_LENGTH, `publicSignals: expected ${vk.nPublic}`);
  let l = vk.ic[0] ?? G1.ZERO;
  for (let i = 0; i < s.length; i++) l = l.add(vk.ic[i + 1]!.multiplyUnsafe(s[i]!));
  return pairingIsOne([
    { g1: pi.a.negate(), g2: pi.b },
    { g1: vk.alpha, g2: vk.beta },
    { g1: l, g2: vk.gamma },
    { g1: pi.c, g2: vk.delta },
  ]);
}
