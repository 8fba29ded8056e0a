import { taggedHash } from '@keel/crypto';
import { BufferWriter, compactSizeLength, InvalidArgumentError } from '@keel/util';
import { sha256, sha256d } from '../primitives/_hash.ts';
import { ByteSink } from '../primitives/_serialize.ts';
import type { Transaction, TxOut } from '../primitives/transaction.ts';
import { Opcode } from './opcodes.ts';
import { readScriptOp } from './script.ts';

export const SighashType = {
  /** BIP341 only: like ALL, but the signature has no hash-type byte. */
  DEFAULT: 0x00,
  ALL: 0x01,
  NONE: 0x02,
  SINGLE: 0x03,
  ANYONECANPAY: 0x80,
} as const;

/**
 * The per-transaction hashes BIP143 and BIP341 reuse across inputs. Each is computed on first
 * use, so a legacy-only transaction pays nothing. The `*Single` values are single SHA256
 * (BIP341); BIP143 uses their SHA256 again (= SHA256d of the serialization).
 */
export interface PrecomputedTxData {
  readonly tx: Transaction;
  /** The outputs the inputs spend, in input order; required for taproot signature hashes. */
  readonly spentOutputs: readonly TxOut[] | undefined;
  readonly prevoutsSingle: Uint8Array;
  readonly sequencesSingle: Uint8Array;
  readonly outputsSingle: Uint8Array;
  readonly hashPrevouts: Uint8Array;
  readonly hashSequence: Uint8Array;
  readonly hashOutputs: Uint8Array;
  /** BIP341 sha_amounts; undefined without spentOutputs. */
  readonly amountsSingle: Uint8Array | undefined;
  /** BIP341 sha_scriptpubkeys; undefined without spentOutputs. */
  readonly scriptPubKeysSingle: Uint8Array | undefined;
}

/** Hashes exactly `size` bytes written by `fill` (the size is computed, nothing grows). */
function hashSized(size: number, fill: (s: ByteSink) => void): Uint8Array {
  const sink = new ByteSink(scratch(size));
  fill(sink);
  return sha256(sink.buf.subarray(0, size));
}

let scratchBuf = new Uint8Array(4096);
/** A reusable preimage buffer of at least `n` bytes (hashing copies nothing out of it). */
function scratch(n: number): Uint8Array {
  if (scratchBuf.length < n) scratchBuf = new Uint8Array(Math.max(n, scratchBuf.length * 2));
  return scratchBuf;
}

function prevoutsSize(tx: Transaction): number {
  let n = 0;
  for (const i of tx.inputs) n += i.prevout.txid.length + 4;
  return n;
}

function outputsSize(outputs: readonly TxOut[]): number {
  let n = 0;
  for (const o of outputs)
    n += 8 + compactSizeLength(o.scriptPubKey.length) + o.scriptPubKey.length;
  return n;
}

/**
 * Core's PrecomputedTransactionData: every hash is computed on first use and kept. A class
 * with the lazy values on its prototype, so building one per transaction costs one object
 * (no closures or per-instance accessors).
 */
class TxData implements PrecomputedTxData {
  readonly spentOutputs: readonly TxOut[] | undefined;
  #prevouts: Uint8Array | undefined;
  #sequences: Uint8Array | undefined;
  #outputs: Uint8Array | undefined;
  #amounts: Uint8Array | undefined;
  #spks: Uint8Array | undefined;
  #hp: Uint8Array | undefined;
  #hs: Uint8Array | undefined;
  #ho: Uint8Array | undefined;
  /** The shared legacy SIGHASH_ALL parts (null: this transaction takes the general path). */
  legacy: LegacyParts | null | undefined;

  constructor(
    readonly tx: Transaction,
    spentOutputs: readonly TxOut[] | undefined,
  ) {
    const complete = spentOutputs !== undefined && spentOutputs.length === tx.inputs.length;
    this.spentOutputs = complete ? spentOutputs : undefined;
  }

  get prevoutsSingle(): Uint8Array {
    if (this.#prevouts) return this.#prevouts;
    const ins = this.tx.inputs;
    this.#prevouts = hashSized(prevoutsSize(this.tx), (w) => {
      for (const i of ins) {
        w.bytes(i.prevout.txid);
        w.u32(i.prevout.vout);
      }
    });
    return this.#prevouts;
  }
  get sequencesSingle(): Uint8Array {
    if (this.#sequences) return this.#sequences;
    const ins = this.tx.inputs;
    this.#sequences = hashSized(ins.length * 4, (w) => {
      for (const i of ins) w.u32(i.sequence);
    });
    return this.#sequences;
  }
  get outputsSingle(): Uint8Array {
    if (this.#outputs) return this.#outputs;
    const outs = this.tx.outputs;
    this.#outputs = hashSized(outputsSize(outs), (w) => {
      for (const o of outs) {
        w.i64(o.value);
        w.varBytes(o.scriptPubKey);
      }
    });
    return this.#outputs;
  }
  get hashPrevouts(): Uint8Array {
    this.#hp ??= sha256(this.prevoutsSingle);
    return this.#hp;
  }
  get hashSequence(): Uint8Array {
    this.#hs ??= sha256(this.sequencesSingle);
    return this.#hs;
  }
  get hashOutputs(): Uint8Array {
    this.#ho ??= sha256(this.outputsSingle);
    return this.#ho;
  }
  get amountsSingle(): Uint8Array | undefined {
    const spent = this.spentOutputs;
    if (!spent || this.#amounts) return this.#amounts;
    this.#amounts = hashSized(spent.length * 8, (w) => {
      for (const o of spent) w.i64(o.value);
    });
    return this.#amounts;
  }
  get scriptPubKeysSingle(): Uint8Array | undefined {
    const spent = this.spentOutputs;
    if (!spent || this.#spks) return this.#spks;
    this.#spks = hashSized(outputsSize(spent) - 8 * spent.length, (w) => {
      for (const o of spent) w.varBytes(o.scriptPubKey);
    });
    return this.#spks;
  }
}

/** Caches the BIP143/BIP341 midstate hashes of `tx` (Core's PrecomputedTransactionData). */
export function precomputeTxData(
  tx: Transaction,
  spentOutputs: readonly TxOut[] | undefined,
): PrecomputedTxData {
  return new TxData(tx, spentOutputs);
}

/** uint256 1 in little-endian: what Core signs for SIGHASH_SINGLE without a matching output. */
function oneHash(): Uint8Array {
  const h = new Uint8Array(32);
  h[0] = 1;
  return h;
}

/** `scriptCode` without its OP_CODESEPARATORs (the legacy serializer drops them). */
function stripCodeSeparators(script: Uint8Array): Uint8Array {
  if (!script.includes(Opcode.OP_CODESEPARATOR)) return script;
  const w = new BufferWriter(script.length);
  let pc = 0;
  let start = 0;
  while (pc < script.length) {
    const op = readScriptOp(script, pc);
    if (!op) break;
    if (op.opcode === Opcode.OP_CODESEPARATOR) {
      w.bytes(script.subarray(start, op.pos));
      start = op.next;
    }
    pc = op.next;
  }
  w.bytes(script.subarray(start));
  return w.finish();
}

/**
 * What every SIGHASH_ALL legacy signature hash of one transaction shares: each input as
 * `outpoint ‖ 0x00 ‖ sequence` (41 bytes; the signing input's empty script is replaced by
 * the scriptCode) and the serialized outputs. Built once per transaction and reused by all
 * its inputs, so a 100-input transaction is not re-serialized 100 times.
 */
interface LegacyParts {
  emptyInputs: Uint8Array;
  outputs: Uint8Array;
}

/** Parts of transactions whose PrecomputedTxData was built elsewhere (not by precomputeTxData). */
const legacyParts = new WeakMap<PrecomputedTxData, LegacyParts>();

function getLegacyParts(
  tx: Transaction,
  txData: PrecomputedTxData | undefined,
): LegacyParts | null {
  const own = txData instanceof TxData ? txData : undefined;
  if (own && own.legacy !== undefined) return own.legacy;
  const known = txData && !own ? legacyParts.get(txData) : undefined;
  if (known) return known;
  const parts = buildLegacyParts(tx);
  if (own) own.legacy = parts;
  else if (txData && parts) legacyParts.set(txData, parts);
  return parts;
}

function buildLegacyParts(tx: Transaction): LegacyParts | null {
  const n = tx.inputs.length;
  for (const i of tx.inputs) {
    // the 41-byte stride needs 32-byte txids; anything else takes the general path
    if (i.prevout.txid.length !== 32) return null;
    checkU32(i.prevout.vout);
    checkU32(i.sequence);
  }
  const ins = new ByteSink(new Uint8Array(41 * n));
  for (const i of tx.inputs) {
    ins.bytes(i.prevout.txid);
    ins.u32(i.prevout.vout);
    ins.u8(0);
    ins.u32(i.sequence);
  }
  const outs = new ByteSink(
    new Uint8Array(compactSizeLength(tx.outputs.length) + outputsSize(tx.outputs)),
  );
  outs.compactSize(tx.outputs.length);
  for (const o of tx.outputs) {
    outs.i64(o.value);
    outs.varBytes(o.scriptPubKey);
  }
  return { emptyInputs: ins.buf, outputs: outs.buf };
}

/** Legacy SIGHASH_ALL (no ANYONECANPAY) from the shared parts: four copies into scratch. */
function legacySighashAll(
  tx: Transaction,
  inputIndex: number,
  code: Uint8Array,
  hashType: number,
  parts: LegacyParts,
): Uint8Array {
  const n = tx.inputs.length;
  const size =
    4 +
    compactSizeLength(n) +
    41 * n -
    1 +
    compactSizeLength(code.length) +
    code.length +
    parts.outputs.length +
    8;
  const w = new ByteSink(scratch(size));
  const input = tx.inputs[inputIndex]!;
  w.u32(tx.version >>> 0);
  w.compactSize(n);
  w.bytes(parts.emptyInputs.subarray(0, 41 * inputIndex));
  w.bytes(input.prevout.txid);
  w.u32(input.prevout.vout);
  w.varBytes(code);
  w.u32(input.sequence);
  w.bytes(parts.emptyInputs.subarray(41 * (inputIndex + 1)));
  w.bytes(parts.outputs);
  w.u32(tx.locktime);
  w.u32(hashType >>> 0);
  return sha256d(w.buf.subarray(0, size));
}

/**
 * The original (pre-segwit) signature hash. `scriptCode` is the script from the last
 * executed OP_CODESEPARATOR, with the signature already removed by the interpreter
 * (FindAndDelete); separators are dropped here. An input index out of range, or
 * SIGHASH_SINGLE without a matching output, gives the "1" hash, as in Core. `txData`
 * (optional) lets a transaction's inputs share the serialized parts.
 */
export function legacySighash(
  tx: Transaction,
  inputIndex: number,
  scriptCode: Uint8Array,
  hashType: number,
  txData?: PrecomputedTxData,
): Uint8Array {
  if (inputIndex >= tx.inputs.length) return oneHash();
  const base = hashType & 0x1f;
  const anyoneCanPay = (hashType & SighashType.ANYONECANPAY) !== 0;
  if (base === SighashType.SINGLE && inputIndex >= tx.outputs.length) return oneHash();
  const code = stripCodeSeparators(scriptCode);
  if (!anyoneCanPay && base !== SighashType.NONE && base !== SighashType.SINGLE) {
    checkTxFields(tx);
    const parts = getLegacyParts(tx, txData);
    if (parts) return legacySighashAll(tx, inputIndex, code, hashType, parts);
  }
  const w = new BufferWriter(256 + code.length);
  w.i32le(tx.version);
  const inputs = anyoneCanPay ? [inputIndex] : tx.inputs.map((_, i) => i);
  w.compactSize(inputs.length);
  for (const i of inputs) {
    const input = tx.inputs[i]!;
    w.bytes(input.prevout.txid).u32le(input.prevout.vout);
    w.varBytes(i === inputIndex ? code : new Uint8Array(0));
    const zeroSeq = i !== inputIndex && (base === SighashType.NONE || base === SighashType.SINGLE);
    w.u32le(zeroSeq ? 0 : input.sequence);
  }
  if (base === SighashType.NONE) {
    w.compactSize(0);
  } else if (base === SighashType.SINGLE) {
    w.compactSize(inputIndex + 1);
    for (let i = 0; i < inputIndex; i++) w.i64le(-1n).compactSize(0);
    const o = tx.outputs[inputIndex]!;
    w.i64le(o.value).varBytes(o.scriptPubKey);
  } else {
    w.compactSize(tx.outputs.length);
    for (const o of tx.outputs) w.i64le(o.value).varBytes(o.scriptPubKey);
  }
  w.u32le(tx.locktime).u32le(hashType >>> 0);
  return sha256d(w.finish());
}

function checkU32(v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new InvalidArgumentError(`u32 out of range: ${v}`);
  }
}

/** The range checks BufferWriter applies, for the paths that write bytes directly. */
function checkTxFields(tx: Transaction): void {
  if (!Number.isInteger(tx.version) || tx.version < -0x80000000 || tx.version > 0x7fffffff) {
    throw new InvalidArgumentError(`i32 out of range: ${tx.version}`);
  }
  if (!Number.isInteger(tx.locktime) || tx.locktime < 0 || tx.locktime > 0xffffffff) {
    throw new InvalidArgumentError(`u32 out of range: ${tx.locktime}`);
  }
}

const ZERO32 = new Uint8Array(32);

/** BIP143 signature hash for segwit v0 inputs. */
export function segwitV0Sighash(
  tx: Transaction,
  inputIndex: number,
  scriptCode: Uint8Array,
  amount: bigint,
  hashType: number,
  txData: PrecomputedTxData = precomputeTxData(tx, undefined),
): Uint8Array {
  const base = hashType & 0x1f;
  const anyoneCanPay = (hashType & SighashType.ANYONECANPAY) !== 0;
  const single = base === SighashType.SINGLE;
  const none = base === SighashType.NONE;
  const input = tx.inputs[inputIndex]!;
  let hashOutputs: Uint8Array = ZERO32;
  if (!single && !none) hashOutputs = txData.hashOutputs;
  else if (single && inputIndex < tx.outputs.length) {
    const o = tx.outputs[inputIndex]!;
    hashOutputs = sha256d(new BufferWriter(64).i64le(o.value).varBytes(o.scriptPubKey).finish());
  }
  checkTxFields(tx);
  checkU32(input.prevout.vout);
  checkU32(input.sequence);
  const size =
    124 + input.prevout.txid.length + compactSizeLength(scriptCode.length) + scriptCode.length;
  // the lazy midstates hash in the scratch buffer too: take them before writing into it
  const prevouts = anyoneCanPay ? ZERO32 : txData.hashPrevouts;
  const sequences = anyoneCanPay || single || none ? ZERO32 : txData.hashSequence;
  const w = new ByteSink(scratch(size));
  w.u32(tx.version >>> 0);
  w.bytes(prevouts);
  w.bytes(sequences);
  w.bytes(input.prevout.txid);
  w.u32(input.prevout.vout);
  w.varBytes(scriptCode);
  w.i64(amount);
  w.u32(input.sequence);
  w.bytes(hashOutputs);
  w.u32(tx.locktime);
  w.u32(hashType >>> 0);
  return sha256d(w.buf.subarray(0, size));
}

/** What a BIP341/BIP342 signature hash needs beyond the transaction. */
export interface TaprootSighashOptions {
  /** SHA256 of the compact-size-prefixed annex, when the input has one. */
  annexHash?: Uint8Array | undefined;
  /** BIP342: the leaf hash of the executing tapscript (script path only). */
  tapleafHash?: Uint8Array | undefined;
  /** BIP342: opcode position of the last executed OP_CODESEPARATOR, 0xffffffff if none. */
  codeSeparatorPos?: number | undefined;
}

/**
 * BIP341 SigMsg (the preimage before the TapSighash tag, including the leading epoch 0x00).
 * Returns null when the hash type is undefined, when SIGHASH_SINGLE has no matching output,
 * or when the spent outputs are not known: all of which make the signature invalid.
 */
export function taprootSigMsg(
  txData: PrecomputedTxData,
  inputIndex: number,
  hashType: number,
  opts: TaprootSighashOptions = {},
): Uint8Array | null {
  const { tx, spentOutputs } = txData;
  if (!(hashType <= 0x03 || (hashType >= 0x81 && hashType <= 0x83))) return null;
  if (!spentOutputs) return null;
  const outputType = hashType === SighashType.DEFAULT ? SighashType.ALL : hashType & 3;
  const anyoneCanPay = (hashType & SighashType.ANYONECANPAY) !== 0;
  if (outputType === SighashType.SINGLE && inputIndex >= tx.outputs.length) return null;
  const ext = opts.tapleafHash !== undefined;
  const w = new BufferWriter(256);
  w.u8(0).u8(hashType).i32le(tx.version).u32le(tx.locktime);
  if (!anyoneCanPay) {
    w.bytes(txData.prevoutsSingle)
      .bytes(txData.amountsSingle!)
      .bytes(txData.scriptPubKeysSingle!)
      .bytes(txData.sequencesSingle);
  }
  if (outputType === SighashType.ALL) w.bytes(txData.outputsSingle);
  w.u8((ext ? 2 : 0) + (opts.annexHash ? 1 : 0));
  const input = tx.inputs[inputIndex]!;
  if (anyoneCanPay) {
    const spent = spentOutputs[inputIndex]!;
    w.bytes(input.prevout.txid).u32le(input.prevout.vout);
    w.i64le(spent.value).varBytes(spent.scriptPubKey).u32le(input.sequence);
  } else {
    w.u32le(inputIndex);
  }
  if (opts.annexHash) w.bytes(opts.annexHash);
  if (outputType === SighashType.SINGLE) {
    const o = tx.outputs[inputIndex]!;
    w.bytes(sha256(new BufferWriter(64).i64le(o.value).varBytes(o.scriptPubKey).finish()));
  }
  if (ext) {
    // BIP342: tapleaf_hash, key_version 0, codesep_pos
    w.bytes(opts.tapleafHash!)
      .u8(0)
      .u32le((opts.codeSeparatorPos ?? 0xffffffff) >>> 0);
  }
  return w.finish();
}

/** BIP341/BIP342 signature hash: TaggedHash("TapSighash", SigMsg); null as in `taprootSigMsg`. */
export function taprootSighash(
  txData: PrecomputedTxData,
  inputIndex: number,
  hashType: number,
  opts: TaprootSighashOptions = {},
): Uint8Array | null {
  const msg = taprootSigMsg(txData, inputIndex, hashType, opts);
  return msg && taggedHash('TapSighash', msg);
}
