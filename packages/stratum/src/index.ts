// @keel/stratum: Stratum V2, pure — codec, Noise_NX framing, share validation, vardiff, AuxPoW,
// revenue split, and the TemplateProvider interface that template sources implement.

export {
  type AuxChainBlock,
  type AuxMerkleTree,
  type AuxPow,
  type AuxPowVerdict,
  type BuildAuxTreeOptions,
  buildAuxMerkleTree,
  checkMerkleBranch,
  createAuxPow,
  decodeAuxPow,
  encodeAuxPow,
  expectedIndex,
  MAX_CHAIN_MERKLE_HEIGHT,
  MERGED_MINING_COMMITMENT_SIZE,
  MERGED_MINING_MAGIC,
  mergedMiningCommitment,
  type VerifyAuxPowParameters,
  verifyAuxPow,
} from './auxpow/auxpow.ts';
export {
  defaultRevenuePolicy,
  type RevenueBucket,
  type RevenueEntry,
  type RevenueEntryInput,
  RevenueLedger,
  type RevenueLedgerExport,
  type RevenuePolicy,
  splitReward,
  validatePolicy,
  verifyLedgerExport,
} from './auxpow/ledger.ts';
export {
  jobShareStream,
  measureShareValidation,
  type ShareThroughput,
  type StreamEvent,
  type StreamOptions,
  type Sv2WireOptions,
  sv1WireBytes,
  sv2WireBytes,
  type WireBytes,
} from './bench/wire.ts';
export {
  B0_16M,
  B0_32,
  B0_64K,
  B0_255,
  BOOL,
  BYTES,
  F32,
  maxSize,
  minSize,
  OPTION,
  PUBKEY,
  readValue,
  SEQ0_64K,
  SEQ0_255,
  SHORT_TX_ID,
  SIGNATURE,
  STR0_255,
  type Sv2Type,
  type Sv2Value,
  U8,
  U16,
  U24,
  U32,
  U64,
  U256,
  writeValue,
} from './codec/dataTypes.ts';
export {
  CHANNEL_MSG_BIT,
  decodeFrame,
  decodeFrameHeader,
  defaultFrameLimits,
  encodeFrame,
  encodeFrameHeader,
  FRAME_HEADER_SIZE,
  type FrameHeader,
  type FrameLimits,
  FrameReader,
  MAX_FRAME_PAYLOAD,
  type Sv2Frame,
} from './codec/frame.ts';
export { decodeMessage, encodeMessage } from './codec/index.ts';
export {
  decodeMessageFrame,
  decodePayload,
  encodeMessageFrame,
  encodePayload,
  maxPayloadSize,
} from './codec/message.ts';
export {
  CORE_EXTENSION_TYPE,
  JobDeclarationSetupFlags,
  MESSAGES,
  type MessageName,
  type MessageSchema,
  MessageType,
  MiningSetupFlags,
  MiningSetupSuccessFlags,
  messageNameOf,
  type Sv2Message,
  type Sv2Payload,
  Sv2Protocol,
} from './codec/messages.ts';
export { bigIntToU256, u256ToBigInt } from './codec/u256.ts';
export { StratumError, StratumErrorCode } from './errors.ts';
export { assembleBlock, blockCoinbase, solutionFromShare } from './mining/block.ts';
export {
  type BuildCoinbaseParameters,
  buildCoinbaseParts,
  type CoinbaseOutput,
  type CoinbaseParts,
  coinbaseWithWitness,
  encodeCoinbaseOutput,
  joinCoinbase,
  MAX_COINBASE_SCRIPT,
  MIN_COINBASE_SCRIPT,
  outputValue,
  splitOutputs,
} from './mining/coinbase.ts';
export {
  type CreateJobParameters,
  createMiningJob,
  extendedJobMessage,
  jobMerkleRoot,
  type MiningJob,
  miningJobFromExtended,
  standardJobMessage,
} from './mining/job.ts';
export { coinbaseMerklePath, merkleRootFromPath } from './mining/merkle.ts';
export {
  BIP320_VERSION_MASK,
  encodeHeader,
  MAX_FUTURE_BLOCK_TIME,
  type PrevHashState,
  type ShareChannel,
  type ShareClass,
  ShareError,
  type ShareSubmission,
  type ShareVerdict,
  type ValidateShareParameters,
  validateShare,
} from './mining/share.ts';
export {
  DIFF1_TARGET,
  difficultyToTarget,
  estimateHashrate,
  hashToBigInt,
  MAX_TARGET,
  nbitsToTarget,
  targetForHashrate,
  targetToDifficulty,
  targetToU256,
  targetToWork,
  u256ToTarget,
  workToTarget,
} from './mining/target.ts';
export {
  prevHashFromMessage,
  prevHashToMessage,
  solutionFromMessage,
  solutionToMessage,
  templateFromMessage,
  templateToMessage,
} from './mining/tdp.ts';
export {
  ShareTracker,
  type ShareTrackerOptions,
  type SubmitContext,
} from './mining/tracker.ts';
export { Vardiff, type VardiffOptions } from './mining/vardiff.ts';
export { decodeAuthorityKey, encodeAuthorityKey } from './noise/authorityKey.ts';
export {
  type CertificateValidity,
  certificateMessageHash,
  decodeSignatureNoiseMessage,
  encodeSignatureNoiseMessage,
  SIGNATURE_NOISE_MESSAGE_SIZE,
  type SignatureNoiseMessage,
  type SignCertificateParameters,
  serverKeyXOnly,
  signCertificate,
  type VerifyCertificateParameters,
  verifyCertificate,
} from './noise/certificate.ts';
export {
  ACT_ONE_SIZE,
  ACT_TWO_SIZE,
  generateStaticKey,
  type Sv2InitiatorOptions,
  Sv2NoiseInitiator,
  Sv2NoiseResponder,
  type Sv2ResponderOptions,
  type Sv2ResponderResult,
  staticKeyFromPrivate,
} from './noise/handshake.ts';
export {
  ciphertextLength,
  ENCRYPTED_HEADER_SIZE,
  encryptedFrameLength,
  MAC_SIZE,
  MAX_CT_CHUNK,
  MAX_PT_CHUNK,
  NoiseFrameReader,
  Sv2NoiseSession,
} from './noise/session.ts';
export type {
  NewTemplate,
  SetNewPrevHash,
  SubmitResult,
  SubmitSolution,
  TemplateListener,
  TemplateProvider,
} from './templateProvider.ts';
