import { EvmError, EvmErrorCode } from '../errors.ts';

/** What `encodeRLP` accepts: a byte string, or a (nested) list of them. */
export type RLPInput = Uint8Array | readonly RLPInput[];

/** Bytes needed for `n` as a big-endian length (n > 0). */
function lengthOfLength(n: number): number {
  let k = 0;
  while (n > 0) {
    k++;
    n = Math.floor(n / 256);
  }
  return k;
}

function headerLength(payload: number): number {
  return payload < 56 ? 1 : 1 + lengthOfLength(payload);
}

/**
 * First pass: the encoded size of `x`. The payload length of every list is pushed onto
 * `listPayloads` in pre-order, so the write pass does not have to measure again.
 */
function measure(x: RLPInput, listPayloads: number[], depth: number): number {
  if (x instanceof Uint8Array) {
    if (x.length === 1 && x[0]! < 0x80) return 1;
    return headerLength(x.length) + x.length;
  }
  if (!Array.isArray(x)) {
    throw new EvmError(EvmErrorCode.INVALID_ARGUMENT, 'RLP input must be Uint8Array or an array');
  }
  if (depth > 1024) {
    throw new EvmError(EvmErrorCode.INVALID_ARGUMENT, 'RLP input nests deeper than 1024 lists');
  }
  const slot = listPayloads.length;
  listPayloads.push(0);
  let payload = 0;
  for (const item of x as readonly RLPInput[]) payload += measure(item, listPayloads, depth + 1);
  listPayloads[slot] = payload;
  return headerLength(payload) + payload;
}

function writeHeader(out: Uint8Array, pos: number, payload: number, base: number): number {
  if (payload < 56) {
    out[pos] = base + payload;
    return pos + 1;
  }
  const k = lengthOfLength(payload);
  out[pos] = base + 55 + k;
  for (let i = k; i >= 1; i--) {
    out[pos + i] = payload & 0xff;
    payload = Math.floor(payload / 256);
  }
  return pos + 1 + k;
}

interface WriteState {
  readonly out: Uint8Array;
  readonly listPayloads: number[];
  pos: number;
  list: number;
}

function write(x: RLPInput, st: WriteState): void {
  if (x instanceof Uint8Array) {
    if (x.length === 1 && x[0]! < 0x80) {
      st.out[st.pos++] = x[0]!;
      return;
    }
    st.pos = writeHeader(st.out, st.pos, x.length, 0x80);
    st.out.set(x, st.pos);
    st.pos += x.length;
    return;
  }
  st.pos = writeHeader(st.out, st.pos, st.listPayloads[st.list++]!, 0xc0);
  for (const item of x as readonly RLPInput[]) write(item, st);
}

/** The RLP encoding of `x` (Yellow Paper appendix B), written in one allocation. */
export function encodeRLP(x: RLPInput): Uint8Array {
  const listPayloads: number[] = [];
  const size = measure(x, listPayloads, 0);
  const st: WriteState = { out: new Uint8Array(size), listPayloads, pos: 0, list: 0 };
  write(x, st);
  return st.out;
}
