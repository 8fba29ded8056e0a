/**
 * Output script classification, as Core's Solver (src/script/solver.cpp): the templates
 * IsStandard accepts, with the data policy needs (multisig m/n).
 */
import { isP2SH, isPushOnly, Opcode, readScriptOp, witnessProgram } from '@keel/bitcoin/script';

export type TxoutType =
  | 'nonstandard'
  | 'anchor'
  | 'pubkey'
  | 'pubkeyhash'
  | 'scripthash'
  | 'multisig'
  | 'nulldata'
  | 'witness_v0_keyhash'
  | 'witness_v0_scripthash'
  | 'witness_v1_taproot'
  | 'witness_unknown';

export interface Solution {
  type: TxoutType;
  /** multisig: required signatures and key count. */
  m?: number;
  n?: number;
}

/** CPubKey::ValidSize: 33 bytes with a 02/03 header, or 65 with 04/06/07. */
function validPubKeySize(data: Uint8Array | undefined): boolean {
  if (!data || data.length === 0) return false;
  const h = data[0]!;
  if (h === 2 || h === 3) return data.length === 33;
  if (h === 4 || h === 6 || h === 7) return data.length === 65;
  return false;
}

const isSmallInt = (op: number) => op >= Opcode.OP_1 && op <= Opcode.OP_16;

/** BIP433 pay-to-anchor: `OP_1 <0x4e73>`. */
export function isPayToAnchor(script: Uint8Array): boolean {
  return (
    script.length === 4 &&
    script[0] === Opcode.OP_1 &&
    script[1] === 2 &&
    script[2] === 0x4e &&
    script[3] === 0x73
  );
}

function matchPayToPubkey(s: Uint8Array): boolean {
  if (s.length !== 35 && s.length !== 67) return false;
  if (s[0] !== s.length - 2 || s[s.length - 1] !== Opcode.OP_CHECKSIG) return false;
  return validPubKeySize(s.subarray(1, s.length - 1));
}

function matchPayToPubkeyHash(s: Uint8Array): boolean {
  return (
    s.length === 25 &&
    s[0] === Opcode.OP_DUP &&
    s[1] === Opcode.OP_HASH160 &&
    s[2] === 20 &&
    s[23] === Opcode.OP_EQUALVERIFY &&
    s[24] === Opcode.OP_CHECKSIG
  );
}

function matchMultisig(s: Uint8Array): { m: number; n: number } | undefined {
  if (s.length < 1 || s[s.length - 1] !== Opcode.OP_CHECKMULTISIG) return undefined;
  let op = readScriptOp(s, 0);
  if (!op || !isSmallInt(op.opcode)) return undefined;
  const m = op.opcode - Opcode.OP_1 + 1;
  let keys = 0;
  for (
    op = readScriptOp(s, op.next);
    op && validPubKeySize(op.data);
    op = readScriptOp(s, op.next)
  ) {
    keys++;
  }
  if (!op || !isSmallInt(op.opcode)) return undefined;
  const n = op.opcode - Opcode.OP_1 + 1;
  if (keys !== n || n < m) return undefined;
  // The key count must be followed by OP_CHECKMULTISIG and nothing else.
  return op.next + 1 === s.length ? { m, n } : undefined;
}

export function solve(s: Uint8Array): Solution {
  if (isP2SH(s)) return { type: 'scripthash' };
  const wp = witnessProgram(s);
  if (wp) {
    if (wp.version === 0 && wp.program.length === 20) return { type: 'witness_v0_keyhash' };
    if (wp.version === 0 && wp.program.length === 32) return { type: 'witness_v0_scripthash' };
    if (wp.version === 1 && wp.program.length === 32) return { type: 'witness_v1_taproot' };
    if (isPayToAnchor(s)) return { type: 'anchor' };
    if (wp.version !== 0) return { type: 'witness_unknown' };
    return { type: 'nonstandard' };
  }
  // Provably unspendable data carrier: OP_RETURN followed only by pushes.
  if (s.length >= 1 && s[0] === Opcode.OP_RETURN && isPushOnly(s.subarray(1))) {
    return { type: 'nulldata' };
  }
  if (matchPayToPubkey(s)) return { type: 'pubkey' };
  if (matchPayToPubkeyHash(s)) return { type: 'pubkeyhash' };
  const ms = matchMultisig(s);
  if (ms) return { type: 'multisig', ...ms };
  return { type: 'nonstandard' };
}
