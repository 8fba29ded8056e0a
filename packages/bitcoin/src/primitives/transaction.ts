import {
  BufferReader,
  type BufferWriter,
  bytesToHex,
  DecodeError,
  DecodeErrorCode,
  reverseBytes,
} from '@keel/util';
import { sha256d } from './_hash.ts';
import { serializeTransaction, txBaseSize, txWitnessSize } from './_serialize.ts';
import { type DecodeLimits, defaultDecodeLimits } from './limits.ts';

export interface OutPoint {
  /** Txid in internal byte order (as serialized; display order is reversed). */
  txid: Uint8Array;
  vout: number;
}

export interface TxIn {
  prevout: OutPoint;
  scriptSig: Uint8Array;
  sequence: number;
  /** Witness stack; empty when the input has no witness. */
  witness: Uint8Array[];
}

export interface TxOut {
  /** Satoshis (int64 on the wire; negative values are decodable and rejected by CheckTransaction). */
  value: bigint;
  scriptPubKey: Uint8Array;
}

export interface Transaction {
  /** int32 on the wire. */
  version: number;
  inputs: TxIn[];
  outputs: TxOut[];
  locktime: number;
}

const MIN_TXIN_SIZE = 41; // 32 + 4 + 1 (empty script) + 4
const MIN_TXOUT_SIZE = 9; // 8 + 1

export function hasWitness(tx: Transaction): boolean {
  return tx.inputs.some((i) => i.witness.length > 0);
}

/**
 * Decodes one transaction from `r` the way Bitcoin Core's UnserializeTransaction does
 * (BIP144 marker/flag, "superfluous witness record", "unknown optional data"). Counts and
 * lengths are checked against the bytes that remain before anything is allocated.
 */
export function readTransaction(
  r: BufferReader,
  limits: DecodeLimits = defaultDecodeLimits,
): Transaction {
  const version = r.i32le();
  let inputs = readInputs(r);
  let outputs: TxOut[] = [];
  let flags = 0;
  if (inputs.length === 0) {
    // BIP144: an empty vin followed by a non-zero flag byte marks extended serialization.
    flags = r.u8();
    if (flags !== 0) {
      inputs = readInputs(r);
      outputs = readOutputs(r);
    }
  } else {
    outputs = readOutputs(r);
  }
  if (flags & 1) {
    flags ^= 1;
    let any = false;
    for (const input of inputs) {
      input.witness = readWitness(r, limits);
      if (input.witness.length > 0) any = true;
    }
    if (!any) {
      throw new DecodeError(DecodeErrorCode.NON_CANONICAL, 'superfluous witness record', {
        offset: r.offset,
      });
    }
  }
  if (flags) {
    throw new DecodeError(DecodeErrorCode.INVALID_VALUE, 'unknown transaction optional data', {
      flags,
    });
  }
  const locktime = r.u32le();
  return { version, inputs, outputs, locktime };
}

function readInputs(r: BufferReader): TxIn[] {
  const n = r.compactSize(Math.floor(r.remaining / MIN_TXIN_SIZE), 'input count');
  const inputs: TxIn[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const txid = r.copyBytes(32, 'prevout txid');
    const vout = r.u32le();
    const scriptSig = r.varBytes(r.remaining, 'scriptSig').slice();
    const sequence = r.u32le();
    inputs[i] = { prevout: { txid, vout }, scriptSig, sequence, witness: [] };
  }
  return inputs;
}

function readOutputs(r: BufferReader): TxOut[] {
  const n = r.compactSize(Math.floor(r.remaining / MIN_TXOUT_SIZE), 'output count');
  const outputs: TxOut[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const value = r.i64le();
    const scriptPubKey = r.varBytes(r.remaining, 'scriptPubKey').slice();
    outputs[i] = { value, scriptPubKey };
  }
  return outputs;
}

function readWitness(r: BufferReader, limits: DecodeLimits): Uint8Array[] {
  const n = r.compactSize(r.remaining, 'witness item count');
  const items: Uint8Array[] = new Array(n);
  for (let i = 0; i < n; i++) {
    items[i] = r.varBytes(Math.min(r.remaining, limits.maxItemSize), 'witness item').slice();
  }
  return items;
}

/** Decodes exactly one transaction; trailing bytes are an error. */
export function decodeTransaction(
  bytes: Uint8Array,
  limits: DecodeLimits = defaultDecodeLimits,
): Transaction {
  if (bytes.length > limits.maxSize) {
    throw new DecodeError(
      DecodeErrorCode.LIMIT_EXCEEDED,
      `transaction of ${bytes.length} bytes exceeds ${limits.maxSize}`,
    );
  }
  const r = new BufferReader(bytes);
  const tx = readTransaction(r, limits);
  r.assertEnd('transaction');
  return tx;
}

/** Serializes a transaction; with `witness` (default) the BIP144 form when any input has one. */
export function writeTransaction(w: BufferWriter, tx: Transaction, witness = true): void {
  const ext = witness && hasWitness(tx);
  w.i32le(tx.version);
  if (ext) w.u8(0).u8(1);
  w.compactSize(tx.inputs.length);
  for (const i of tx.inputs) {
    w.bytes(i.prevout.txid).u32le(i.prevout.vout).varBytes(i.scriptSig).u32le(i.sequence);
  }
  w.compactSize(tx.outputs.length);
  for (const o of tx.outputs) w.i64le(o.value).varBytes(o.scriptPubKey);
  if (ext) {
    for (const i of tx.inputs) {
      w.compactSize(i.witness.length);
      for (const item of i.witness) w.varBytes(item);
    }
  }
  w.u32le(tx.locktime);
}

export function encodeTransaction(tx: Transaction, witness = true): Uint8Array {
  return serializeTransaction(tx, witness);
}

/** Txid in internal byte order: SHA256d of the serialization without witness. */
export function txid(tx: Transaction): Uint8Array {
  return sha256d(serializeTransaction(tx, false));
}

/** Wtxid in internal byte order: SHA256d of the full serialization. */
export function wtxid(tx: Transaction): Uint8Array {
  return sha256d(serializeTransaction(tx, true));
}

/** A hash in display (RPC) order: reversed hex. */
export function hashToHex(hash: Uint8Array): string {
  return bytesToHex(reverseBytes(hash));
}

export function isCoinbase(tx: Transaction): boolean {
  const first = tx.inputs[0];
  return (
    tx.inputs.length === 1 &&
    first !== undefined &&
    first.prevout.vout === 0xffffffff &&
    first.prevout.txid.every((b) => b === 0)
  );
}

/** Serialized sizes: `base` without witness, `total` with it; weight = base*3 + total (BIP141). */
export function transactionSizes(tx: Transaction): { base: number; total: number; weight: number } {
  // computed from the lengths; no serialization
  const base = txBaseSize(tx);
  const total = base + txWitnessSize(tx);
  return { base, total, weight: base * 3 + total };
}
