/** Which rules a script runs under (Core's SigVersion). */
export const SigVersion = {
  /** Bare scripts and P2SH redeem scripts. */
  BASE: 0,
  /** BIP141 segwit v0 (P2WPKH, P2WSH). */
  WITNESS_V0: 1,
  /** BIP341 key path spending (no script runs). */
  TAPROOT: 2,
  /** BIP342 tapscript (leaf version 0xc0). */
  TAPSCRIPT: 3,
} as const;
export type SigVersion = (typeof SigVersion)[keyof typeof SigVersion];

/** Per-input state BIP341/BIP342 signature checks need (Core's ScriptExecutionData). */
export interface ExecutionData {
  /** Opcode position of the last executed OP_CODESEPARATOR (0xffffffff: none). */
  codeSeparatorPos: number;
  /** SHA256(compactSize(len) ‖ annex), when the witness has an annex. */
  annexHash: Uint8Array | undefined;
  /** Leaf hash of the tapscript being executed. */
  tapleafHash: Uint8Array | undefined;
  /** BIP342 remaining validation weight budget. */
  validationWeightLeft: number;
}
