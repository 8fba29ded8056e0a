export {
  batchMapToScalarField,
  deserializeElement,
  type Element,
  elementEquals,
  GENERATOR,
  IDENTITY,
  mapToScalarField,
  serializeElement,
  serializeElements,
  serializeElementUncompressedLE,
  tryDeserializeElement,
} from './crypto/banderwagon.ts';
export { CRS_SEED, getCRS, VECTOR_WIDTH } from './crypto/crs.ts';
export {
  FP_MODULUS,
  FR_MODULUS,
  scalarFromBytesLE,
  scalarToBytesLE,
} from './crypto/field.ts';
export { checkIPAProof, createIPAProof, IPA_ROUNDS, type IPAProof } from './crypto/ipa.ts';
export { commitSparse, commitToPoly, msm, precomputeCRSTables } from './crypto/msm.ts';
export {
  createMultiProof,
  deserializeMultiProof,
  MULTIPROOF_SIZE,
  type MultiProof,
  type ProverQuery,
  serializeMultiProof,
  type VerifierQuery,
  verifyMultiProof,
} from './crypto/multiproof.ts';
export {
  BANDERSNATCH_A,
  BANDERSNATCH_D,
  ExtPoint,
} from './crypto/point.ts';
export { Transcript } from './crypto/transcript.ts';
export { assertLength, VerkleError, VerkleErrorCode } from './errors.ts';
export { ExtStatus } from './tree/proofItems.ts';
export { type TreeStats, VerkleTree } from './tree/tree.ts';
export {
  BASIC_DATA_LEAF_KEY,
  CODE_HASH_LEAF_KEY,
  CODE_OFFSET,
  codeChunkPosition,
  getStem,
  getStems,
  getTreeKey,
  getTreeKeyForBasicData,
  getTreeKeyForCodeChunk,
  getTreeKeyForCodeHash,
  getTreeKeyForStorageSlot,
  HEADER_STORAGE_OFFSET,
  KEY_SIZE,
  leafValueScalars,
  MAIN_STORAGE_OFFSET,
  pedersenHash,
  STEM_SIZE,
  storageSlotPosition,
  VERKLE_NODE_WIDTH,
} from './tree/treeKey.ts';
export {
  checkExecutionWitnessPreState,
  createExecutionWitness,
  decodeExecutionWitnessJSON,
  defaultWitnessLimits,
  type ExecutionWitness,
  encodeExecutionWitnessJSON,
  executionWitnessSize,
  type StemStateDiff,
  type SuffixStateDiff,
  type VerkleProof,
  verifyExecutionWitnessPreState,
  WITNESS_TRANSCRIPT_LABEL,
  type WitnessLimits,
  type WitnessSize,
  type WitnessVerdict,
} from './tree/witness.ts';
