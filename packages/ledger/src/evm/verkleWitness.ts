import {
  checkExecutionWitnessPreState,
  decodeExecutionWitnessJSON,
  type ExecutionWitness,
  encodeExecutionWitnessJSON,
  executionWitnessSize,
  VerkleError,
  type WitnessLimits,
} from '@keel/verkle';

/** A verdict on a witness checked without state. */
export interface VerkleWitnessVerdict {
  readonly valid: boolean;
  readonly reason?: string;
  readonly stems: number;
  readonly keys: number;
  readonly proofBytes: number;
  readonly witnessBytes: number;
}

/** Sizes and counts of a witness (no verification). */
export function verkleWitnessSummary(w: ExecutionWitness): {
  readonly stems: number;
  readonly keys: number;
  readonly proofBytes: number;
  readonly witnessBytes: number;
} {
  const size = executionWitnessSize(w);
  return {
    stems: w.stateDiff.length,
    keys: w.stateDiff.reduce((n, d) => n + d.suffixDiffs.length, 0),
    proofBytes: size.proof,
    witnessBytes: size.total,
  };
}

/** The go-verkle JSON form (`{stateDiff, verkleProof}`) of a witness, for RPC and files. */
export function verkleWitnessToJSON(w: ExecutionWitness): unknown {
  return encodeExecutionWitnessJSON(w);
}

/**
 * Statelessly checks a witness in JSON form against a 32-byte compressed pre-state root
 * (the parent block view's `stateRoot`). Malformed or oversized JSON is a `false` verdict
 * with the decoder's reason (limits checked before anything is built), never a throw.
 */
export function checkVerkleWitnessJSON(
  preStateRoot: Uint8Array,
  json: unknown,
  limits?: WitnessLimits,
): VerkleWitnessVerdict {
  let w: ExecutionWitness;
  try {
    w = decodeExecutionWitnessJSON(json, limits);
  } catch (e) {
    if (!(e instanceof VerkleError)) throw e;
    return { valid: false, reason: e.message, stems: 0, keys: 0, proofBytes: 0, witnessBytes: 0 };
  }
  const v = checkExecutionWitnessPreState(preStateRoot, w);
  const size = executionWitnessSize(w);
  return {
    valid: v.valid,
    ...(v.reason === undefined ? {} : { reason: v.reason }),
    stems: w.stateDiff.length,
    keys: w.stateDiff.reduce((n, d) => n + d.suffixDiffs.length, 0),
    proofBytes: size.proof,
    witnessBytes: size.total,
  };
}
