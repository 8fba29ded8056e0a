import { keccak256 } from '@keel/crypto';
import { bigIntToBytes, bytesToBigInt, concatBytes, utf8ToBytes } from '@keel/util';
import { RollupError, RollupErrorCode } from '../errors.ts';

/** A 32-byte big-endian ABI word. */
export function word(n: bigint): Uint8Array {
  return bigIntToBytes(n, 32);
}

export function addressWord(a: Uint8Array): Uint8Array {
  const w = new Uint8Array(32);
  w.set(a, 12);
  return w;
}

/** ABI tail of a dynamic `bytes`: length word ‖ data zero-padded to 32. */
export function bytesTail(data: Uint8Array): Uint8Array {
  const padded = new Uint8Array(Math.ceil(data.length / 32) * 32);
  padded.set(data);
  return concatBytes(word(BigInt(data.length)), padded);
}

export function eventTopic(signature: string): Uint8Array {
  return keccak256(utf8ToBytes(signature));
}

function fail(message: string): never {
  throw new RollupError(RollupErrorCode.INVALID_LOG, message);
}

/** Reads word `i` of ABI data. */
export function readWord(data: Uint8Array, i: number): Uint8Array {
  if (data.length < (i + 1) * 32) fail(`log data has ${data.length} bytes, word ${i} missing`);
  return data.subarray(i * 32, i * 32 + 32);
}

export function readAddress(w: Uint8Array): Uint8Array {
  for (let i = 0; i < 12; i++) if (w[i] !== 0) fail('address word has non-zero high bytes');
  return w.slice(12);
}

/** A dynamic `bytes` whose offset is in word `i`; at most `max` bytes, canonical padding. */
export function readBytes(data: Uint8Array, i: number, max: number): Uint8Array {
  const off = bytesToBigInt(readWord(data, i));
  if (off % 32n !== 0n || off + 32n > BigInt(data.length)) fail(`bytes offset ${off} out of range`);
  const o = Number(off);
  const len = bytesToBigInt(data.subarray(o, o + 32));
  if (len > BigInt(max)) fail(`bytes length ${len} exceeds ${max}`);
  const n = Number(len);
  const end = o + 32 + Math.ceil(n / 32) * 32;
  if (end > data.length) fail(`bytes of length ${n} run past the log data`);
  for (let k = o + 32 + n; k < end; k++) if (data[k] !== 0) fail('non-zero padding in bytes');
  return data.slice(o + 32, o + 32 + n);
}
