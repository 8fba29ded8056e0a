import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BLOB_BYTES,
  BLOB_PAYLOAD_BYTES,
  blobsNeeded,
  maxBlobData,
  packBlobs,
  RollupErrorCode,
  unpackBlobs,
} from '../../src/index.ts';

const MAX = 10 * 1024 * 1024;

describe('blob packing (31 bytes per field element)', () => {
  it('lays out u32be(length) ‖ data with a zero top byte per 32-byte element', () => {
    const data = new Uint8Array(40).map((_, i) => i + 1);
    const [blob] = packBlobs(data);
    assert.equal(blob!.length, BLOB_BYTES);
    // element 0: 0x00, length 00 00 00 28, then data bytes 1..27
    assert.deepEqual([...blob!.subarray(0, 8)], [0, 0, 0, 0, 40, 1, 2, 3]);
    assert.equal(blob![31], 27);
    // element 1: 0x00, then data bytes 28..40
    assert.equal(blob![32], 0);
    assert.deepEqual(
      [...blob!.subarray(33, 46)],
      [28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40],
    );
    assert.ok(blob!.subarray(46).every((b) => b === 0));
  });

  it('round-trips at the blob boundaries', () => {
    for (const n of [
      0,
      1,
      30,
      31,
      BLOB_PAYLOAD_BYTES - 4,
      BLOB_PAYLOAD_BYTES - 3,
      2 * BLOB_PAYLOAD_BYTES,
    ]) {
      const data = new Uint8Array(n).map((_, i) => (i * 131 + 7) & 0xff);
      const blobs = packBlobs(data);
      assert.equal(blobs.length, blobsNeeded(n), `n=${n}`);
      assert.deepEqual(unpackBlobs(blobs, MAX), data);
    }
    assert.equal(packBlobs(new Uint8Array(BLOB_PAYLOAD_BYTES - 4)).length, 1);
    assert.equal(packBlobs(new Uint8Array(BLOB_PAYLOAD_BYTES - 3)).length, 2);
  });

  it('refuses data beyond 6 blobs', () => {
    assert.throws(() => packBlobs(new Uint8Array(maxBlobData(6) + 1)), {
      code: RollupErrorCode.LIMIT_EXCEEDED,
    });
  });

  it('unpacking refuses non-canonical blobs with typed errors', () => {
    const [blob] = packBlobs(new Uint8Array([1, 2, 3]));
    const topByte = blob!.slice();
    topByte[32 * 100] = 1;
    assert.throws(() => unpackBlobs([topByte], MAX), /non-zero top byte/);
    const trailing = blob!.slice();
    trailing[32 * 5 + 3] = 9;
    assert.throws(() => unpackBlobs([trailing], MAX), /non-zero byte after the data/);
    const long = blob!.slice();
    long[1] = 0xff; // length 0xff000003
    assert.throws(() => unpackBlobs([long], MAX), /exceeds the blobs/);
    assert.throws(() => unpackBlobs([blob!, blob!], MAX), /2 blobs for 3 bytes/);
    assert.throws(() => unpackBlobs([blob!.subarray(1)], MAX), /131071 bytes/);
    assert.throws(() => unpackBlobs([], MAX), /no blobs/);
    assert.throws(() => unpackBlobs([blob!], 2), { code: RollupErrorCode.LIMIT_EXCEEDED });
  });
});
