/**
 * Job Declaration (sv2-spec 06 §6.4) coinbase handling, pure. DeclareMiningJob carries the
 * coinbase split around the extranonce *with* its BIP141 fields (marker/flag in the prefix,
 * the witness reserved value in the suffix), unlike NewExtendedMiningJob; these helpers turn a
 * `MiningJob` into that form and read the outputs back out of a declared suffix.
 */
import { BufferReader, BufferWriter, concatBytes } from '@keel/util';
import { StratumError, StratumErrorCode } from '../errors.ts';
import { encodeCoinbaseOutput } from '../mining/coinbase.ts';
import type { MiningJob } from '../mining/job.ts';

/** DeclareMiningJob's coinbase_tx_prefix / coinbase_tx_suffix for a job (BIP141 fields kept). */
export function declaredCoinbaseParts(job: MiningJob): { prefix: Uint8Array; suffix: Uint8Array } {
  if (!job.witness) return { prefix: job.coinbaseTxPrefix, suffix: job.coinbaseTxSuffix };
  const p = job.coinbaseTxPrefix;
  const s = job.coinbaseTxSuffix;
  return {
    // version ‖ marker 0x00 ‖ flag 0x01 ‖ inputs…
    prefix: concatBytes(p.subarray(0, 4), Uint8Array.of(0x00, 0x01), p.subarray(4)),
    // …outputs ‖ witness: one item of 32 zero bytes (the reserved value) ‖ locktime
    suffix: concatBytes(
      s.subarray(0, s.length - 4),
      Uint8Array.of(0x01, 0x20),
      new Uint8Array(32),
      s.subarray(s.length - 4),
    ),
  };
}

export interface DeclaredCoinbase {
  /** Serialized outputs in order (value ‖ script). */
  readonly outputs: readonly Uint8Array[];
  /** CompactSize(count) ‖ outputs: SetCustomMiningJob.coinbase_tx_outputs of the same job. */
  readonly outputsField: Uint8Array;
  readonly witness: boolean;
}

/**
 * Reads the outputs of a declared coinbase. The extranonce must end the scriptSig (keel's and
 * SRI's layout), so the suffix starts with the input's nSequence.
 */
export function parseDeclaredCoinbase(prefix: Uint8Array, suffix: Uint8Array): DeclaredCoinbase {
  if (prefix.length < 6) {
    throw new StratumError(StratumErrorCode.MINING, 'coinbase prefix too short');
  }
  const witness = prefix[4] === 0x00 && prefix[5] === 0x01;
  const r = new BufferReader(suffix);
  r.u32le(); // nSequence
  const n = r.compactSize(10_000, 'coinbase output count');
  const outputs: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const start = r.offset;
    r.u64le();
    r.varBytes(10_000);
    outputs.push(suffix.subarray(start, r.offset));
  }
  const outputsEnd = r.offset;
  if (witness) {
    const items = r.compactSize(1000, 'coinbase witness items');
    for (let i = 0; i < items; i++) r.varBytes(10_000);
  }
  r.u32le(); // locktime
  if (r.remaining !== 0) {
    throw new StratumError(
      StratumErrorCode.MALFORMED,
      `${r.remaining} bytes after the coinbase locktime`,
    );
  }
  const w = new BufferWriter(outputsEnd).compactSize(n);
  for (const o of outputs) w.bytes(o);
  return { outputs, outputsField: w.finish(), witness };
}

/** AllocateMiningJobToken.Success.coinbase_tx_outputs: the pool payout output at 0 sat first. */
export function poolCoinbaseOutputs(payoutScript: Uint8Array): Uint8Array {
  const o = encodeCoinbaseOutput({ value: 0n, scriptPubKey: payoutScript });
  return new BufferWriter(o.length + 1).compactSize(1).bytes(o).finish();
}

/** Value paid to `script` across serialized outputs (the pool payout, 06 §6.4.3). */
export function valuePaidTo(outputs: readonly Uint8Array[], script: Uint8Array): bigint {
  let total = 0n;
  for (const o of outputs) {
    const r = new BufferReader(o);
    const v = r.u64le();
    const s = r.varBytes(10_000);
    if (s.length === script.length && s.every((b, i) => b === script[i])) total += v;
  }
  return total;
}
