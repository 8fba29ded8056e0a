// Exact-size transaction serialization for the hot paths (txid, wtxid, sizes, sighashes):
// the size is computed arithmetically first, then one Uint8Array is filled with direct byte
// stores — no growable writer, no intermediate copies. Range checks match BufferWriter's,
// so an out-of-range field fails the same way `encodeTransaction` always did.
import { compactSizeLength, InvalidArgumentError } from '@keel/util';
import type { Transaction } from './transaction.ts';

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** Whether any input carries a witness (the BIP144 extended form is then used). */
function anyWitness(tx: Transaction): boolean {
  for (const i of tx.inputs) if (i.witness.length > 0) return true;
  return false;
}

/** Serialized size without witness data (Core's GetSerializeSize with TX_NO_WITNESS). */
export function txBaseSize(tx: Transaction): number {
  let n = 8 + compactSizeLength(tx.inputs.length) + compactSizeLength(tx.outputs.length);
  for (const i of tx.inputs) n += 40 + compactSizeLength(i.scriptSig.length) + i.scriptSig.length;
  for (const o of tx.outputs) {
    n += 8 + compactSizeLength(o.scriptPubKey.length) + o.scriptPubKey.length;
  }
  return n;
}

/** Size of the witness part of the BIP144 form (marker, flag and every stack), 0 without. */
export function txWitnessSize(tx: Transaction): number {
  if (!anyWitness(tx)) return 0;
  let n = 2;
  for (const i of tx.inputs) {
    n += compactSizeLength(i.witness.length);
    for (const item of i.witness) n += compactSizeLength(item.length) + item.length;
  }
  return n;
}

/** A fixed-size output buffer with a cursor; every write is in bounds by construction. */
export class ByteSink {
  readonly buf: Uint8Array;
  pos: number;
  constructor(buf: Uint8Array, pos = 0) {
    this.buf = buf;
    this.pos = pos;
  }
  u8(v: number): void {
    this.buf[this.pos++] = v;
  }
  u32(v: number): void {
    const b = this.buf;
    let p = this.pos;
    b[p++] = v & 0xff;
    b[p++] = (v >>> 8) & 0xff;
    b[p++] = (v >>> 16) & 0xff;
    b[p++] = (v >>> 24) & 0xff;
    this.pos = p;
  }
  i64(v: bigint): void {
    if (v < I64_MIN || v > I64_MAX) throw new InvalidArgumentError(`i64 out of range: ${v}`);
    // two 32-bit halves: cheaper than a DataView per buffer for these small writes
    const lo = Number(BigInt.asUintN(32, v));
    const hi = Number(BigInt.asUintN(32, v >> 32n));
    this.u32(lo);
    this.u32(hi);
  }
  compactSize(n: number): void {
    const b = this.buf;
    if (n < 0xfd) b[this.pos++] = n;
    else if (n <= 0xffff) {
      b[this.pos++] = 0xfd;
      b[this.pos++] = n & 0xff;
      b[this.pos++] = n >>> 8;
    } else if (n <= 0xffffffff) {
      b[this.pos++] = 0xfe;
      this.u32(n);
    } else {
      b[this.pos++] = 0xff;
      this.u32(n >>> 0);
      this.u32(Math.floor(n / 0x100000000));
    }
  }
  bytes(src: Uint8Array): void {
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }
  varBytes(src: Uint8Array): void {
    this.compactSize(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }
}

function checkU32(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new InvalidArgumentError(`${what} out of range: ${v}`);
  }
}

function checkI32(v: number): void {
  if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
    throw new InvalidArgumentError(`i32 out of range: ${v}`);
  }
}

/** Writes the inputs and outputs (counts included): the part txid and wtxid share. */
function writeBody(s: ByteSink, tx: Transaction): void {
  s.compactSize(tx.inputs.length);
  for (const i of tx.inputs) {
    checkU32(i.prevout.vout, 'u32');
    checkU32(i.sequence, 'u32');
    s.bytes(i.prevout.txid);
    s.u32(i.prevout.vout);
    s.varBytes(i.scriptSig);
    s.u32(i.sequence);
  }
  s.compactSize(tx.outputs.length);
  for (const o of tx.outputs) {
    s.i64(o.value);
    s.varBytes(o.scriptPubKey);
  }
}

/**
 * The transaction's serialization in one exact-size buffer: with `witness` the BIP144 form
 * when any input has a witness, otherwise the legacy form.
 */
export function serializeTransaction(tx: Transaction, witness: boolean): Uint8Array {
  checkI32(tx.version);
  checkU32(tx.locktime, 'u32');
  const wsize = witness ? txWitnessSize(tx) : 0;
  const s = new ByteSink(new Uint8Array(txBaseSize(tx) + wsize));
  s.u32(tx.version >>> 0);
  if (wsize > 0) {
    s.u8(0);
    s.u8(1);
  }
  writeBody(s, tx);
  if (wsize > 0) {
    for (const i of tx.inputs) {
      s.compactSize(i.witness.length);
      for (const item of i.witness) s.varBytes(item);
    }
  }
  s.u32(tx.locktime);
  return s.buf;
}
