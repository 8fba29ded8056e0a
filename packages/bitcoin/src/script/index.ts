export { parseScriptAsm, scriptToAsm } from './asm.ts';
export {
  type CreateTxSignatureCheckerParameters,
  createMemorySignatureCache,
  createTxSignatureChecker,
  nullSignatureChecker,
  type SignatureCache,
  type SignatureCacheEntry,
  type SignatureChecker,
} from './checker.ts';
export { SCRIPT_ERROR_NAMES, ScriptError, type ScriptErrorName } from './errors.ts';
export { findAndDelete } from './findAndDelete.ts';
export {
  ALL_SCRIPT_FLAGS,
  formatScriptFlags,
  parseScriptFlags,
  type ScriptFlagName,
  ScriptFlags,
} from './flags.ts';
export {
  createExecutionData,
  evalScript,
  VALIDATION_WEIGHT_PER_SIGOP_PASSED,
} from './interpreter.ts';
export {
  castToBool,
  DEFAULT_MAX_NUM_SIZE,
  decodeScriptNum,
  encodeScriptNum,
  isMinimalScriptNum,
} from './num.ts';
export {
  decodeSmallInt,
  encodeSmallInt,
  isOpSuccess,
  MAX_OPCODE,
  Opcode,
  type OpcodeName,
  opcodeFromName,
  opcodeName,
} from './opcodes.ts';
export {
  decodeScript,
  encodePush,
  encodeScript,
  isMinimalPush,
  isP2PKH,
  isP2SH,
  isP2TR,
  isP2WPKH,
  isP2WSH,
  isPushOnly,
  isUnspendable,
  isWitnessProgram,
  MAX_OPS_PER_SCRIPT,
  MAX_PUBKEYS_PER_MULTISIG,
  MAX_SCRIPT_ELEMENT_SIZE,
  MAX_STACK_SIZE,
  minimalPushOpcode,
  parseScript,
  readScriptOp,
  type ScriptChunk,
  type ScriptOp,
  type WitnessProgram,
  witnessProgram,
} from './script.ts';
export {
  checkPubKeyEncoding,
  checkSignatureEncoding,
  isValidSignatureEncoding,
} from './sigencoding.ts';
export {
  legacySighash,
  type PrecomputedTxData,
  precomputeTxData,
  SighashType,
  segwitV0Sighash,
  type TaprootSighashOptions,
  taprootSighash,
  taprootSigMsg,
} from './sighash.ts';
export {
  countP2SHSigOps,
  countScriptSigOps,
  countWitnessSigOps,
  legacySigOpCount,
  p2shSigOpCount,
  transactionSigOpCost,
} from './sigops.ts';
export { type ExecutionData, SigVersion } from './sigversion.ts';
export {
  ANNEX_TAG,
  TAPROOT_LEAF_MASK,
  TAPSCRIPT_LEAF_VERSION,
  tapBranchHash,
  tapleafHash,
  taprootMerkleRootFromControl,
  taprootOutputKey,
  tapTweakHash,
} from './taproot.ts';
export { type ScriptVerdict, verifyScript } from './verify.ts';
