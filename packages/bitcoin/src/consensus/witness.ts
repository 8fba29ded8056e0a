import { concatBytes, equalBytes } from '@keel/util';
import { sha256d } from '../primitives/_hash.ts';
import type { Block } from '../primitives/block.ts';
import { computeMerkleRoot } from '../primitives/merkle.ts';
import { hasWitness, type Transaction, wtxid } from '../primitives/transaction.ts';
import { fail, OK, type Verdict } from './verdict.ts';

const COMMITMENT_HEADER = Uint8Array.of(0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed);
/** Smallest scriptPubKey that can hold a witness commitment (BIP141). */
export const MIN_WITNESS_COMMITMENT_SIZE = 38;

/** BIP141: index of the coinbase output holding the witness commitment (the last match), or -1. */
export function witnessCommitmentIndex(coinbase: Transaction): number {
  let found = -1;
  coinbase.outputs.forEach((o, i) => {
    const s = o.scriptPubKey;
    if (
      s.length >= MIN_WITNESS_COMMITMENT_SIZE &&
      equalBytes(s.subarray(0, COMMITMENT_HEADER.length), COMMITMENT_HEADER)
    ) {
      found = i;
    }
  });
  return found;
}

/** BIP141 witness merkle root: wtxids with the coinbase's replaced by 32 zero bytes. */
export function witnessMerkleRoot(block: Block, wtxids?: readonly Uint8Array[]): Uint8Array {
  const hashes = block.txs.map((tx, i) =>
    i === 0 ? new Uint8Array(32) : (wtxids?.[i] ?? wtxid(tx)),
  );
  return computeMerkleRoot(hashes).root;
}

/**
 * Core's CheckWitnessMalleation. With segwit active and a commitment present, the coinbase
 * witness must be one 32-byte nonce and SHA256d(witness root ‖ nonce) must equal the
 * commitment. Without a commitment (or before segwit), no transaction may carry a witness.
 */
export function checkWitnessCommitment(
  block: Block,
  segwitActive: boolean,
  wtxids?: readonly Uint8Array[],
): Verdict {
  const coinbase = block.txs[0];
  if (segwitActive && coinbase) {
    const idx = witnessCommitmentIndex(coinbase);
    if (idx >= 0) {
      const wit = coinbase.inputs[0]?.witness ?? [];
      if (wit.length !== 1 || wit[0]!.length !== 32) {
        return fail('bad-witness-nonce-size', { txIndex: 0, inputIndex: 0 });
      }
      const commitment = sha256d(concatBytes(witnessMerkleRoot(block, wtxids), wit[0]!));
      const stated = coinbase.outputs[idx]!.scriptPubKey.subarray(6, 38);
      if (!equalBytes(commitment, stated)) return fail('bad-witness-merkle-match', { txIndex: 0 });
      return OK;
    }
  }
  for (let i = 0; i < block.txs.length; i++) {
    if (hasWitness(block.txs[i]!)) return fail('unexpected-witness', { txIndex: i });
  }
  return OK;
}
