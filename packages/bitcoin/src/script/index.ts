export { parseScriptAsm, scriptToAsm } from './asm.ts';
export { SCRIPT_ERROR_NAMES, ScriptError, type ScriptErrorName } from './errors.ts';
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
