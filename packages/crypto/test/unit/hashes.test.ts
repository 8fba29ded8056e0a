import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex, concatBytes, utf8ToBytes } from '@keel/util';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { createSha256, hash160, sha256, sha256d, taggedHash } from '../../src/index.ts';

// FIPS 180-2 Appendix B examples.
test('sha256: FIPS 180-2 examples (short, two-block, one million a)', () => {
  assert.equal(
    bytesToHex(sha256(utf8ToBytes('abc'))),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
  assert.equal(
    bytesToHex(sha256(utf8ToBytes('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  );
  assert.equal(
    bytesToHex(sha256(new Uint8Array(1_000_000).fill(0x61))),
    'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
  );
});

test('sha256 agrees with noble on every size around the native threshold; outputs are plain Uint8Arrays', () => {
  for (let n = 0; n <= 200; n++) {
    const d = new Uint8Array(n).map((_, i) => (i * 31 + n) & 0xff);
    const h = sha256(d);
    assert.equal(Object.getPrototypeOf(h), Uint8Array.prototype);
    assert.deepEqual(h, nobleSha256(d));
    assert.deepEqual(sha256d(d), nobleSha256(nobleSha256(d)));
    const inc = createSha256();
    inc.update(d.subarray(0, n >> 1));
    inc.update(d.subarray(n >> 1));
    assert.deepEqual(inc.digest(), h);
  }
});

test('taggedHash is SHA256(SHA256(tag)||SHA256(tag)||msg) for short and long messages', () => {
  for (const len of [0, 10, 32, 64, 300]) {
    const msg = new Uint8Array(len).fill(5);
    const t = nobleSha256(utf8ToBytes('TapLeaf'));
    assert.deepEqual(taggedHash('TapLeaf', msg), nobleSha256(concatBytes(t, t, msg)));
  }
});

test('hash160 of the generator point (a well-known Bitcoin value)', () => {
  const g = Uint8Array.from(
    Buffer.from('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798', 'hex'),
  );
  assert.equal(bytesToHex(hash160(g)), '751e76e8199196d454941c45d1b3a323f1433bd6');
});
