import { sha256, sha256d, taggedHash } from '@keel/crypto';
import { BufferWriter } from '@keel/util';
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

function lazy<T>(f: () => T): () => T {
  let done = false;
  let v: T;
  return () => {
    if (!done) {
      v = f();
      done = true;
    }
    return v;
  };
}

function hashWith(fill: (w: BufferWriter) => void): Uint8Array {
  const w = new BufferWriter(256);
  fill(w);
  return sha256(w.finish());
}

/** Caches the BIP143/BIP341 midstate hashes of `tx` (Core's PrecomputedTransactionData). */
export function precomputeTxData(
  tx: Transaction,
  spentOutputs: readonly TxOut[] | undefined,
): PrecomputedTxData {
  const complete = spentOutputs !== undefined && spentOutputs.length === tx.inputs.length;
  const prevouts = lazy(() =>
    hashWith((w) => {
      for (const i of tx.inputs) w.bytes(i.prevout.txid).u32le(i.prevout.vout);
    }),
  );
  const sequences = lazy(() =>
    hashWith((w) => {
      for (const i of tx.inputs) w.u32le(i.sequence);
    }),
  );
  const outputs = lazy(() =>
    hashWith((w) => {
      for (const o of tx.outputs) w.i64le(o.value).varBytes(o.scriptPubKey);
    }),
  );
  const amounts = lazy(() =>
    complete
      ? hashWith((w) => {
          for (const o of spentOutputs) w.i64le(o.value);
        })
      : undefined,
  );
  const spks = lazy(() =>
    complete
      ? hashWith((w) => {
          for (const o of spentOutputs) w.varBytes(o.scriptPubKey);
        })
      : undefined,
  );
  const hp = lazy(() => sha256(prevouts()));
  const hs = lazy(() => sha256(sequences()));
  const ho = lazy(() => sha256(outputs()));
  return {
    tx,
    spentOutputs: complete ? spentOutputs : undefined,
    get prevoutsSingle() {
      return prevouts();
    },
    get sequencesSingle() {
      return sequences();
    },
    get outputsSingle() {
      return outputs();
    },
    get hashPrevouts() {
      return hp();
    },
    get hashSequence() {
      return hs();
    },
    get hashOutputs() {
      return ho();
    },
    get amountsSingle() {
      return amounts();
    },
    get scriptPubKeysSingle() {
      return spks();
    },
  };
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
 * The original (pre-segwit) signature hash. `scriptCode` is the script from the last
 * executed OP_CODESEPARATOR, with the signature already removed by the interpreter
 * (FindAndDelete); separators are dropped here. An input index out of range, or
 * SIGHASH_SINGLE without a matching output, gives the "1" hash, as in Core.
 */
export function legacySighash(
  tx: Transaction,
  inputIndex: number,
  scriptCode: Uint8Array,
  hashType: number,
): Uint8Array {
  if (inputIndex >= tx.inputs.length) return oneHash();
  const base = hashType & 0x1f;
  const anyoneCanPay = (hashType & SighashType.ANYONECANPAY) !== 0;
  if (base === SighashType.SINGLE && inputIndex >= tx.outputs.length) return oneHash();
  const code = stripCodeSeparators(scriptCode);
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
  const zero: Uint8Array = new Uint8Array(32);
  const single = base === SighashType.SINGLE;
  const none = base === SighashType.NONE;
  const input = tx.inputs[inputIndex]!;
  let hashOutputs: Uint8Array = zero;
  if (!single && !none) hashOutputs = txData.hashOutputs;
  else if (single && inputIndex < tx.outputs.length) {
    const o = tx.outputs[inputIndex]!;
    hashOutputs = sha256d(new BufferWriter(64).i64le(o.value).varBytes(o.scriptPubKey).finish());
  }
  const w = new BufferWriter(160 + scriptCode.length);
  w.i32le(tx.version)
    .bytes(anyoneCanPay ? zero : txData.hashPrevouts)
    .bytes(anyoneCanPay || single || none ? zero : txData.hashSequence)
    .bytes(input.prevout.txid)
    .u32le(input.prevout.vout)
    .varBytes(scriptCode)
    .i64le(amount)
    .u32le(input.sequence)
    .bytes(hashOutputs)
    .u32le(tx.locktime)
    .u32le(hashType >>> 0);
  return sha256d(w.finish());
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
