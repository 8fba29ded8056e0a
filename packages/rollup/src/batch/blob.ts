import { RollupError, RollupErrorCode } from '../errors.ts';

export const BLOB_BYTES = 131_072;
export const FIELD_ELEMENTS = 4096;
/** Payload bytes per field element: the top byte stays 0, so every element is < BLS_MODULUS. */
export const BYTES_PER_ELEMENT = 31;
export const BLOB_PAYLOAD_BYTES = FIELD_ELEMENTS * BYTES_PER_ELEMENT;
const LENGTH_PREFIX = 4;

/** Largest batch that fits `maxBlobs` blobs. */
export function maxBlobData(maxBlobs: number): number {
  return maxBlobs * BLOB_PAYLOAD_BYTES - LENGTH_PREFIX;
}

/** Number of blobs `dataLength` bytes need. */
export function blobsNeeded(dataLength: number): number {
  return Math.max(1, Math.ceil((dataLength + LENGTH_PREFIX) / BLOB_PAYLOAD_BYTES));
}

/**
 * Packs `u32be(length) ‖ data` 31 bytes per field element (element = 0x00 ‖ 31 bytes) into as
 * few blobs as it needs; the rest is zero.
 */
export function packBlobs(data: Uint8Array, maxBlobs = 6): Uint8Array[] {
  if (data.length > maxBlobData(maxBlobs)) {
    throw new RollupError(
      RollupErrorCode.LIMIT_EXCEEDED,
      `${data.length} bytes do not fit ${maxBlobs} blobs (max ${maxBlobData(maxBlobs)})`,
    );
  }
  const payload = new Uint8Array(LENGTH_PREFIX + data.length);
  new DataView(payload.buffer).setUint32(0, data.length);
  payload.set(data, LENGTH_PREFIX);
  const n = blobsNeeded(data.length);
  const blobs: Uint8Array[] = [];
  for (let b = 0; b < n; b++) {
    const blob = new Uint8Array(BLOB_BYTES);
    for (let e = 0; e < FIELD_ELEMENTS; e++) {
      const from = (b * FIELD_ELEMENTS + e) * BYTES_PER_ELEMENT;
      if (from >= payload.length) break;
      blob.set(payload.subarray(from, from + BYTES_PER_ELEMENT), e * 32 + 1);
    }
    blobs.push(blob);
  }
  return blobs;
}

function fail(message: string, meta: Record<string, unknown> = {}): never {
  throw new RollupError(RollupErrorCode.INVALID_BLOB, message, meta);
}

/**
 * The inverse of `packBlobs`: every element's top byte must be 0, the length must fit the blobs
 * given (and `maxBytes`), and every byte after the data must be 0 (one encoding per batch).
 */
export function unpackBlobs(blobs: readonly Uint8Array[], maxBytes: number): Uint8Array {
  if (blobs.length === 0) fail('no blobs');
  for (const [i, b] of blobs.entries()) {
    if (b.length !== BLOB_BYTES) fail(`blob ${i} is ${b.length} bytes`);
    for (let e = 0; e < FIELD_ELEMENTS; e++) {
      if (b[e * 32] !== 0) fail(`blob ${i} element ${e} has a non-zero top byte`);
    }
  }
  const at = (k: number): number => {
    const e = Math.floor(k / BYTES_PER_ELEMENT);
    const blob = blobs[Math.floor(e / FIELD_ELEMENTS)]!;
    return blob[(e % FIELD_ELEMENTS) * 32 + 1 + (k % BYTES_PER_ELEMENT)]!;
  };
  const length = ((at(0) << 24) | (at(1) << 16) | (at(2) << 8) | at(3)) >>> 0;
  const capacity = blobs.length * BLOB_PAYLOAD_BYTES - LENGTH_PREFIX;
  if (length > capacity) fail(`declared length ${length} exceeds the blobs' ${capacity} bytes`);
  if (length > maxBytes) {
    throw new RollupError(RollupErrorCode.LIMIT_EXCEEDED, `blob data ${length} > ${maxBytes}`);
  }
  if (blobsNeeded(length) !== blobs.length) fail(`${blobs.length} blobs for ${length} bytes`);
  const out = new Uint8Array(length);
  for (let k = 0; k < length; k++) out[k] = at(k + LENGTH_PREFIX);
  for (let k = length + LENGTH_PREFIX; k < blobs.length * BLOB_PAYLOAD_BYTES; k++) {
    if (at(k) !== 0) fail(`non-zero byte after the data at payload offset ${k}`);
  }
  return out;
}
