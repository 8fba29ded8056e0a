/**
 * The coinbase transaction split around the extranonce (sv2-spec 05 §5.1.2, §5.3.16):
 *   coinbase = coinbase_tx_prefix ‖ extranonce_prefix ‖ extranonce ‖ coinbase_tx_suffix
 * prefix and suffix are the non-witness serialization (BIP141 fields stripped), so sha256d of
 * the joined bytes is the txid. When the template carries a witness commitment the block's
 * coinbase needs the witness reserved value, added back by `coinbaseWithWitness`.
 */
import { BufferReader, BufferWriter, concatBytes } from '@keel/util';
import { StratumError, StratumErrorCode } from '../errors.ts';
import type { NewTemplate } from '../templateProvider.ts';

export interface CoinbaseOutput {
  readonly value: bigint;
  readonly scriptPubKey: Uint8Array;
}

export interface CoinbaseParts {
  readonly prefix: Uint8Array;
  readonly suffix: Uint8Array;
  /** Total extranonce bytes between prefix and suffix (prefix part + miner part). */
  readonly extranonceLength: number;
  /** The block needs the coinbase witness (the template has a BIP141 commitment). */
  readonly witness: boolean;
}

/** Consensus bounds on the coinbase scriptSig length (Core's CheckTransaction). */
export const MIN_COINBASE_SCRIPT = 2;
export const MAX_COINBASE_SCRIPT = 100;
const WITNESS_COMMITMENT_HEADER = Uint8Array.from([0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed]);

export function encodeCoinbaseOutput(o: CoinbaseOutput): Uint8Array {
  if (o.value < 0n || o.value > 21_000_000n * 100_000_000n) {
    throw new StratumError(StratumErrorCode.MINING, `output value ${o.value} out of range`);
  }
  return new BufferWriter(9 + o.scriptPubKey.length)
    .u64le(o.value)
    .varBytes(o.scriptPubKey)
    .finish();
}

/** Splits concatenated serialized outputs (TDP `coinbase_tx_outputs`) into single outputs. */
export function splitOutputs(bytes: Uint8Array, count: number): Uint8Array[] {
  const r = new BufferReader(bytes);
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const start = r.offset;
    r.u64le();
    r.varBytes(10_000, 'output script');
    out.push(bytes.slice(start, r.offset));
  }
  if (r.remaining !== 0) {
    throw new StratumError(
      StratumErrorCode.MALFORMED,
      `coinbase outputs: ${r.remaining} bytes after ${count} outputs`,
    );
  }
  return out;
}

export function outputValue(serializedOutput: Uint8Array): bigint {
  return new BufferReader(serializedOutput).u64le();
}

function isWitnessCommitment(serializedOutput: Uint8Array): boolean {
  const r = new BufferReader(serializedOutput);
  r.u64le();
  const script = r.varBytes(10_000);
  return script.length >= 38 && WITNESS_COMMITMENT_HEADER.every((b, i) => script[i] === b);
}

export interface BuildCoinbaseParameters {
  readonly template: NewTemplate;
  /** The pool's outputs, placed before the template's; their sum must not exceed the remaining value. */
  readonly poolOutputs: readonly CoinbaseOutput[];
  /** Bytes reserved for extranonce_prefix + extranonce. */
  readonly extranonceLength: number;
  /**
   * Bytes placed in the scriptSig after the template's coinbase prefix and before the
   * extranonce, e.g. the 44-byte merged-mining commitment (`buildAuxMerkleTree().commitment`).
   */
  readonly scriptSigExtra?: Uint8Array;
}

export function buildCoinbaseParts(p: BuildCoinbaseParameters): CoinbaseParts {
  const t = p.template;
  const extra = p.scriptSigExtra ?? new Uint8Array(0);
  const scriptLen = t.coinbasePrefix.length + extra.length + p.extranonceLength;
  if (scriptLen < MIN_COINBASE_SCRIPT || scriptLen > MAX_COINBASE_SCRIPT) {
    throw new StratumError(
      StratumErrorCode.MINING,
      `coinbase scriptSig would be ${scriptLen} bytes (allowed ${MIN_COINBASE_SCRIPT}..${MAX_COINBASE_SCRIPT})`,
    );
  }
  const paid = p.poolOutputs.reduce((s, o) => s + o.value, 0n);
  if (paid > t.coinbaseTxValueRemaining) {
    throw new StratumError(
      StratumErrorCode.MINING,
      `pool outputs pay ${paid} sat, template leaves ${t.coinbaseTxValueRemaining}`,
    );
  }
  const prefix = new BufferWriter(64)
    .i32le(t.coinbaseTxVersion)
    .compactSize(1)
    .bytes(new Uint8Array(32))
    .u32le(0xffffffff)
    .compactSize(scriptLen)
    .bytes(t.coinbasePrefix)
    .bytes(extra)
    .finish();
  const outputs = [...p.poolOutputs.map(encodeCoinbaseOutput), ...t.coinbaseTxOutputs];
  const w = new BufferWriter(128).u32le(t.coinbaseTxInputSequence).compactSize(outputs.length);
  for (const o of outputs) w.bytes(o);
  const suffix = w.u32le(t.coinbaseTxLocktime).finish();
  return {
    prefix,
    suffix,
    extranonceLength: p.extranonceLength,
    witness: t.coinbaseTxOutputs.some(isWitnessCommitment),
  };
}

/** The non-witness coinbase (its sha256d is the txid). */
export function joinCoinbase(
  prefix: Uint8Array,
  extranonce: Uint8Array,
  suffix: Uint8Array,
): Uint8Array {
  return concatBytes(prefix, extranonce, suffix);
}

/**
 * Adds BIP141 marker/flag and the 32-zero-byte witness reserved value to a non-witness
 * coinbase: version ‖ 00 01 ‖ inputs+outputs ‖ 01 20 <32 × 00> ‖ locktime.
 */
export function coinbaseWithWitness(nonWitness: Uint8Array): Uint8Array {
  const n = nonWitness.length;
  if (n < 8) throw new StratumError(StratumErrorCode.MINING, 'coinbase too short');
  const out = new Uint8Array(n + 2 + 34);
  out.set(nonWitness.subarray(0, 4), 0);
  out[4] = 0x00;
  out[5] = 0x01;
  out.set(nonWitness.subarray(4, n - 4), 6);
  out[n - 2] = 0x01; // one witness item
  out[n - 1] = 0x20; // of 32 bytes, all zero
  out.set(nonWitness.subarray(n - 4), n + 32);
  return out;
}
