// BIP325 signet block solutions. A signet block carries, inside its coinbase's witness
// commitment output, a push of `ecc7daa2 ‖ scriptSig ‖ witness` that must satisfy the
// network's challenge script as a spend of a virtual transaction committing to the block
// (minus the solution itself and the nonce).
import type { Secp256k1Backend } from '@keel/crypto';
import { sha256d } from '@keel/crypto';
import { BufferReader, BufferWriter, concatBytes, equalBytes, isKeelError } from '@keel/util';
import { type Block, blockHash } from '../primitives/block.ts';
import { computeMerkleRoot } from '../primitives/merkle.ts';
import { type Transaction, txid } from '../primitives/transaction.ts';
import { createTxSignatureChecker } from '../script/checker.ts';
import { ScriptFlags } from '../script/flags.ts';
import { Opcode } from '../script/opcodes.ts';
import { readScriptOp } from '../script/script.ts';
import { verifyScript } from '../script/verify.ts';
import type { ConsensusParams } from './params.ts';
import { fail, OK, type Verdict } from './verdict.ts';
import { witnessCommitmentIndex } from './witness.ts';

/** The four bytes that open the solution push in the witness commitment output. */
export const SIGNET_HEADER = Uint8Array.of(0xec, 0xc7, 0xda, 0xa2);

/** Script flags the solution is checked with (BIP325 / Core's signet block flags). */
export const SIGNET_SCRIPT_FLAGS =
  ScriptFlags.P2SH | ScriptFlags.WITNESS | ScriptFlags.DERSIG | ScriptFlags.NULLDUMMY;

/** BIP325: the network magic of a signet is the first four bytes of sha256d(push(challenge)). */
export function signetMessageStart(challenge: Uint8Array): Uint8Array {
  const w = new BufferWriter();
  w.varBytes(challenge);
  return sha256d(w.finish()).subarray(0, 4);
}

/** A push of `data` with the push opcode its size calls for (no OP_N substitution). */
function pushOf(data: Uint8Array): Uint8Array {
  const n = data.length;
  if (n < Opcode.OP_PUSHDATA1) return concatBytes(Uint8Array.of(n), data);
  if (n <= 0xff) return concatBytes(Uint8Array.of(Opcode.OP_PUSHDATA1, n), data);
  if (n <= 0xffff) return concatBytes(Uint8Array.of(Opcode.OP_PUSHDATA2, n & 0xff, n >> 8), data);
  const len = Uint8Array.of(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24);
  return concatBytes(Uint8Array.of(Opcode.OP_PUSHDATA4), len, data);
}

/**
 * Finds the first push in `script` that starts with the signet header and carries more than
 * the header; returns the bytes after the header and the script with that push cut back to
 * the bare header (every push re-encoded by size, other opcodes kept), or null if none.
 */
function extractSolution(script: Uint8Array): { solution: Uint8Array; cleared: Uint8Array } | null {
  const parts: Uint8Array[] = [];
  let solution: Uint8Array | null = null;
  let pc = 0;
  for (let op = readScriptOp(script, pc); op; op = readScriptOp(script, pc)) {
    pc = op.next;
    const data = op.data;
    if (data && data.length > 0) {
      if (
        solution === null &&
        data.length > SIGNET_HEADER.length &&
        equalBytes(data.subarray(0, SIGNET_HEADER.length), SIGNET_HEADER)
      ) {
        solution = data.subarray(SIGNET_HEADER.length);
        parts.push(pushOf(SIGNET_HEADER));
      } else {
        parts.push(pushOf(data));
      }
    } else {
      parts.push(Uint8Array.of(op.opcode));
    }
  }
  return solution === null ? null : { solution, cleared: concatBytes(...parts) };
}

export interface SignetTransactions {
  toSpend: Transaction;
  toSign: Transaction;
}

/**
 * BIP325's two virtual transactions for `block` under `challenge`, or a reason string when the
 * block cannot carry a solution (no coinbase, no witness commitment, an undecodable solution).
 */
export function signetTransactions(
  block: Block,
  challenge: Uint8Array,
): SignetTransactions | string {
  const coinbase = block.txs[0];
  if (!coinbase) return 'block has no coinbase';
  const idx = witnessCommitmentIndex(coinbase);
  if (idx < 0) return 'coinbase has no witness commitment';
  const commitment = coinbase.outputs[idx]!.scriptPubKey;
  const found = extractSolution(commitment);
  let scriptSig: Uint8Array = new Uint8Array(0);
  let witness: Uint8Array[] = [];
  let modifiedCoinbase = coinbase;
  if (found) {
    try {
      const r = new BufferReader(found.solution);
      scriptSig = r.varBytes(found.solution.length, 'signet scriptSig');
      const items = r.compactSize(found.solution.length, 'signet witness item count');
      witness = [];
      for (let i = 0; i < items; i++)
        witness.push(r.varBytes(found.solution.length, 'witness item'));
      if (r.remaining !== 0) return 'signet solution has trailing bytes';
    } catch (e) {
      if (isKeelError(e)) return `signet solution does not decode: ${e.message}`;
      throw e;
    }
    const outputs = coinbase.outputs.map((o, i) =>
      i === idx ? { value: o.value, scriptPubKey: found.cleared } : o,
    );
    modifiedCoinbase = { ...coinbase, outputs };
  }
  const leaves = [txid(modifiedCoinbase), ...block.txs.slice(1).map(txid)];
  const signetRoot = computeMerkleRoot(leaves).root;
  const w = new BufferWriter();
  w.i32le(block.header.version);
  w.bytes(block.header.prevBlock);
  w.bytes(signetRoot);
  w.u32le(block.header.time);
  const blockData = w.finish();
  const toSpend: Transaction = {
    version: 0,
    inputs: [
      {
        prevout: { txid: new Uint8Array(32), vout: 0xffffffff },
        scriptSig: concatBytes(Uint8Array.of(Opcode.OP_0), pushOf(blockData)),
        sequence: 0,
        witness: [],
      },
    ],
    outputs: [{ value: 0n, scriptPubKey: challenge }],
    locktime: 0,
  };
  const toSign: Transaction = {
    version: 0,
    inputs: [{ prevout: { txid: txid(toSpend), vout: 0 }, scriptSig, sequence: 0, witness }],
    outputs: [{ value: 0n, scriptPubKey: Uint8Array.of(Opcode.OP_RETURN) }],
    locktime: 0,
  };
  return { toSpend, toSign };
}

/**
 * Core's CheckSignetBlockSolution: on a network with a signet challenge, every block but the
 * genesis must carry a solution that satisfies it. Other networks pass trivially.
 */
export function checkSignetBlockSolution(
  block: Block,
  params: ConsensusParams,
  backend: Secp256k1Backend,
  hash: Uint8Array = blockHash(block.header),
): Verdict {
  const challenge = params.signetChallenge;
  if (!challenge) return OK;
  if (equalBytes(hash, params.genesisHash)) return OK;
  const txs = signetTransactions(block, challenge);
  if (typeof txs === 'string') return fail('bad-signet-blksig', { txIndex: 0, detail: txs });
  const input = txs.toSign.inputs[0]!;
  const spent = txs.toSpend.outputs[0]!;
  const checker = createTxSignatureChecker({
    tx: txs.toSign,
    inputIndex: 0,
    amount: spent.value,
    spentOutputs: [spent],
    backend,
  });
  const r = verifyScript(input.scriptSig, challenge, input.witness, SIGNET_SCRIPT_FLAGS, checker);
  if (!r.ok) {
    return fail('bad-signet-blksig', { txIndex: 0, detail: `solution fails: ${r.error}` });
  }
  return OK;
}
