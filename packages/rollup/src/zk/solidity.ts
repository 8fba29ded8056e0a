import { bigIntToBytes, concatBytes, hexToBytes } from '@keel/util';
import type { G1Point, G2Point } from './bn254.ts';
import { ZkError, ZkErrorCode } from './errors.ts';
import {
  type Groth16Proof,
  type Groth16VerificationKey,
  parseGroth16Proof,
  parseGroth16VerificationKey,
} from './groth16.ts';
import { groth16VerifierBytecode } from './verifierArtifact.ts';

function g1Words(p: G1Point): bigint[] {
  if (p.is0()) return [0n, 0n];
  const a = p.toAffine();
  return [a.x, a.y];
}

/** EIP-197 order: x.c1, x.c0, y.c1, y.c0 (imaginary part first). */
function g2Words(p: G2Point): bigint[] {
  if (p.is0()) return [0n, 0n, 0n, 0n];
  const a = p.toAffine();
  return [a.x.c1, a.x.c0, a.y.c1, a.y.c0];
}

/** The 18 constructor words of contracts/zk/Groth16Verifier.sol for a one-input key. */
export function groth16VerifierKeyWords(vkey: unknown | Groth16VerificationKey): bigint[] {
  const vk = isParsedKey(vkey) ? vkey : parseGroth16VerificationKey(vkey);
  if (vk.nPublic !== 1)
    throw new ZkError(
      ZkErrorCode.UNSUPPORTED,
      `vkey.nPublic: the Solidity verifier takes 1, got ${vk.nPublic}`,
    );
  return [
    ...g1Words(vk.alpha),
    ...g2Words(vk.beta),
    ...g2Words(vk.gamma),
    ...g2Words(vk.delta),
    ...g1Words(vk.ic[0]!),
    ...g1Words(vk.ic[1]!),
  ];
}

/** Creation code + ABI-encoded key: the data of the transaction that deploys the verifier. */
export function groth16VerifierDeployData(vkey: unknown): Uint8Array {
  const code = hexToBytes(groth16VerifierBytecode);
  const words = groth16VerifierKeyWords(vkey).map((w) => bigIntToBytes(w, 32));
  return concatBytes(code, ...words);
}

/** snarkjs proof → the `uint256[8]` of `Rollup.proveBatch` (a, b in EIP-197 order, c). */
export function groth16ProofWords(proof: unknown | Groth16Proof): bigint[] {
  const pi = isParsedProof(proof) ? proof : parseGroth16Proof(proof);
  return [...g1Words(pi.a), ...g2Words(pi.b), ...g1Words(pi.c)];
}

function isParsedKey(v: unknown): v is Groth16VerificationKey {
  return typeof v === 'object' && v !== null && 'ic' in v && 'alpha' in v;
}

function isParsedProof(v: unknown): v is Groth16Proof {
  return typeof v === 'object' && v !== null && 'a' in v && 'b' in v && 'c' in v && !('pi_a' in v);
}
