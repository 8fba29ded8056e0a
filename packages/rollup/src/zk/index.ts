export {
  type G1Point,
  type G2Point,
  parseG1,
  parseG2,
  parsePublicSignals,
} from './bn254.ts';
export { ZkError, ZkErrorCode } from './errors.ts';
export {
  type FflonkProof,
  type FflonkVerificationKey,
  parseFflonkProof,
  parseFflonkVerificationKey,
  verifyFflonk,
  verifyFflonkParsed,
} from './fflonk.ts';
export {
  type Groth16Proof,
  type Groth16VerificationKey,
  parseGroth16Proof,
  parseGroth16VerificationKey,
  verifyGroth16,
  verifyGroth16Parsed,
} from './groth16.ts';
export {
  type PlonkProof,
  type PlonkVerificationKey,
  parsePlonkProof,
  parsePlonkVerificationKey,
  verifyPlonk,
  verifyPlonkParsed,
} from './plonk.ts';
export {
  groth16ProofWords,
  groth16VerifierDeployData,
  groth16VerifierKeyWords,
} from './solidity.ts';
export { groth16VerifierAbi, groth16VerifierBytecode } from './verifierArtifact.ts';
