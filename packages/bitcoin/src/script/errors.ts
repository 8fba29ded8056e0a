import { type ErrorMeta, KeelError } from '@keel/util';

/**
 * Bitcoin Core's ScriptError names, spelled as in script_tests.json (Core's
 * `SCRIPT_ERR_X` without the prefix). `verifyScript` returns one of these.
 */
export const SCRIPT_ERROR_NAMES = [
  'UNKNOWN_ERROR',
  'EVAL_FALSE',
  'OP_RETURN',
  'SCRIPT_SIZE',
  'PUSH_SIZE',
  'OP_COUNT',
  'STACK_SIZE',
  'SIG_COUNT',
  'PUBKEY_COUNT',
  'VERIFY',
  'EQUALVERIFY',
  'CHECKMULTISIGVERIFY',
  'CHECKSIGVERIFY',
  'NUMEQUALVERIFY',
  'BAD_OPCODE',
  'DISABLED_OPCODE',
  'INVALID_STACK_OPERATION',
  'INVALID_ALTSTACK_OPERATION',
  'UNBALANCED_CONDITIONAL',
  'NEGATIVE_LOCKTIME',
  'UNSATISFIED_LOCKTIME',
  'SIG_HASHTYPE',
  'SIG_DER',
  'MINIMALDATA',
  'SIG_PUSHONLY',
  'SIG_HIGH_S',
  'SIG_NULLDUMMY',
  'PUBKEYTYPE',
  'CLEANSTACK',
  'MINIMALIF',
  'NULLFAIL',
  'DISCOURAGE_UPGRADABLE_NOPS',
  'DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM',
  'DISCOURAGE_UPGRADABLE_TAPROOT_VERSION',
  'DISCOURAGE_OP_SUCCESS',
  'DISCOURAGE_UPGRADABLE_PUBKEYTYPE',
  'WITNESS_PROGRAM_WRONG_LENGTH',
  'WITNESS_PROGRAM_WITNESS_EMPTY',
  'WITNESS_PROGRAM_MISMATCH',
  'WITNESS_MALLEATED',
  'WITNESS_MALLEATED_P2SH',
  'WITNESS_UNEXPECTED',
  'WITNESS_PUBKEYTYPE',
  'SCHNORR_SIG_SIZE',
  'SCHNORR_SIG_HASHTYPE',
  'SCHNORR_SIG',
  'TAPROOT_WRONG_CONTROL_SIZE',
  'TAPSCRIPT_VALIDATION_WEIGHT',
  'TAPSCRIPT_CHECKMULTISIG',
  'TAPSCRIPT_MINIMALIF',
  'TAPSCRIPT_EMPTY_PUBKEY',
  'OP_CODESEPARATOR',
  'SIG_FINDANDDELETE',
  'SCRIPTNUM',
] as const;
export type ScriptErrorName = (typeof SCRIPT_ERROR_NAMES)[number];

/**
 * A script failed. Only thrown inside the interpreter and by helpers such as
 * `decodeScriptNum`; `verifyScript` catches it and returns `{ ok: false, error }`.
 * `code` is the Core name.
 */
export class ScriptError extends KeelError {
  readonly error: ScriptErrorName;

  constructor(error: ScriptErrorName, meta: ErrorMeta = {}) {
    super(error, `script error ${error}`, meta);
    this.name = 'ScriptError';
    this.error = error;
  }
}

/** Throws a ScriptError; `never` so it works in expressions. */
export function scriptFail(error: ScriptErrorName): never {
  throw new ScriptError(error);
}
