// Differential: the two KZG backends on the same random valid and invalid inputs must give the
// same answers — equal bytes and booleans, and the same CryptoError (code and message) where the
// spec raises. Bounded: each blob operation is an MSM of ~50 ms per backend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bigIntToBytes, bytesToHex, SeededRng } from '@keel/util';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { CryptoError } from '../../src/errors.ts';
import {
  BLS_MODULUS,
  BYTES_PER_BLOB,
  KZG_BACKEND_NAMES,
  type KzgBackend,
  loadKzgBackend,
} from '../../src/kzg/index.ts';

type Outcome = { ok: string } | { err: string };

function outcome(fn: () => unknown): Outcome {
  try {
    const v = fn();
    return { ok: JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? bytesToHex(x) : x)) };
  } catch (e) {
    assert.ok(e instanceof CryptoError, `expected a CryptoError, got ${String(e)}`);
    return { err: `${e.code}: ${e.message}` };
  }
}

/** A blob of canonical field elements (the top byte kept below BLS_MODULUS's 0x73). */
function randomBlob(rng: SeededRng, density: number): Uint8Array {
  const blob = new Uint8Array(BYTES_PER_BLOB);
  for (let at = 0; at < BYTES_PER_BLOB; at += 32) {
    if (!rng.chance(density)) continue;
    blob.set(rng.bytes(32), at);
    blob[at] = (blob[at] as number) % 0x73;
  }
  return blob;
}

const fe = (v: bigint): Uint8Array => bigIntToBytes(v, 32);

/** Compressed encodings of G1 points that `validate_kzg_g1` must reject. */
function badPoints(rng: SeededRng): Uint8Array[] {
  const Fp = bls12_381.fields.Fp;
  const out: Uint8Array[] = [];
  // On the curve, outside the r-order subgroup: x with x³ + 4 a square, flags 0x80 (compressed).
  for (let x = BigInt(rng.range(1, 1000)); out.length < 2; x++) {
    const rhs = Fp.add(Fp.mul(Fp.sqr(x), x), 4n);
    let y: bigint;
    try {
      y = Fp.sqrt(rhs);
    } catch {
      continue;
    }
    const p = bls12_381.G1.Point.fromAffine({ x, y });
    if (p.isTorsionFree()) continue;
    const b = bigIntToBytes(x, 48);
    b[0] = (b[0] as number) | 0x80;
    out.push(b);
  }
  const inf = new Uint8Array(48);
  inf[0] = 0xc0;
  inf[47] = 1; // infinity flag with a non-zero body
  out.push(inf);
  const noCompressFlag = bls12_381.G1.Point.BASE.toBytes(true).slice();
  noCompressFlag[0] = (noCompressFlag[0] as number) & 0x7f;
  out.push(noCompressFlag);
  const xTooBig = new Uint8Array(48).fill(0xff);
  xTooBig[0] = 0x9f; // compressed flag, x >= p
  out.push(xTooBig);
  out.push(rng.bytes(48));
  return out;
}

async function backends(): Promise<KzgBackend[] | string> {
  const loaded: KzgBackend[] = [];
  for (const name of KZG_BACKEND_NAMES) {
    try {
      loaded.push(await loadKzgBackend(name));
    } catch (e) {
      return `backend ${name} unavailable: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  return loaded;
}

function agree(kzgs: KzgBackend[], label: string, fn: (k: KzgBackend) => unknown): Outcome {
  const [first, ...rest] = kzgs.map((k) => outcome(() => fn(k)));
  for (const o of rest) assert.deepEqual(o, first, `${label}: backends disagree`);
  return first as Outcome;
}

test('c-kzg and node-eth-kzg agree on random valid and invalid inputs', async (t) => {
  const kzgs = await backends();
  if (typeof kzgs === 'string') {
    t.skip(kzgs);
    return;
  }
  const rng = new SeededRng('kzg differential');
  const blobs = [new Uint8Array(BYTES_PER_BLOB), randomBlob(rng, 0.01), randomBlob(rng, 1)];
  const commitments: Uint8Array[] = [];
  const proofs: Uint8Array[] = [];
  const [k0] = kzgs as [KzgBackend];
  for (const [i, blob] of blobs.entries()) {
    const c = agree(kzgs, `commitment ${i}`, (k) => k.blobToKzgCommitment(blob));
    assert.ok('ok' in c);
    const commitment = k0.blobToKzgCommitment(blob);
    commitments.push(commitment);
    assert.ok(
      'ok' in agree(kzgs, `blob proof ${i}`, (k) => k.computeBlobKzgProof(blob, commitment)),
    );
    const proof = k0.computeBlobKzgProof(blob, commitment);
    proofs.push(proof);
    const z = fe(BigInt(rng.nextU32()) * BigInt(rng.nextU32()));
    const r = agree(kzgs, `proof at z ${i}`, (k) => k.computeKzgProof(blob, z));
    assert.ok('ok' in r);
    const { proof: zProof, y } = k0.computeKzgProof(blob, z);
    assert.deepEqual(
      agree(kzgs, 'verify', (k) => k.verifyKzgProof(commitment, z, y, zProof)),
      {
        ok: 'true',
      },
    );
    const y1 = fe((BigInt(`0x${bytesToHex(y)}`) + 1n) % BLS_MODULUS);
    assert.deepEqual(
      agree(kzgs, 'wrong y', (k) => k.verifyKzgProof(commitment, z, y1, zProof)),
      {
        ok: 'false',
      },
    );
    assert.deepEqual(
      agree(kzgs, 'verify blob', (k) => k.verifyBlobKzgProof(blob, commitment, proof)),
      {
        ok: 'true',
      },
    );
    // Non-canonical field elements: in the blob, as z, as y.
    const badBlob = blob.slice();
    badBlob.set(fe(BLS_MODULUS + BigInt(rng.int(1000))), 32 * rng.int(4096));
    for (const [label, fn] of [
      ['bad blob commit', (k: KzgBackend) => k.blobToKzgCommitment(badBlob)],
      ['bad blob verify', (k: KzgBackend) => k.verifyBlobKzgProof(badBlob, commitment, proof)],
      ['z = modulus', (k: KzgBackend) => k.computeKzgProof(blob, fe(BLS_MODULUS))],
      [
        'y >= modulus',
        (k: KzgBackend) => k.verifyKzgProof(commitment, z, fe(BLS_MODULUS + 5n), zProof),
      ],
      ['short blob', (k: KzgBackend) => k.blobToKzgCommitment(blob.subarray(1))],
      ['short z', (k: KzgBackend) => k.verifyKzgProof(commitment, z.subarray(1), y, zProof)],
      ['long proof', (k: KzgBackend) => k.verifyBlobKzgProof(blob, commitment, new Uint8Array(49))],
    ] as const) {
      assert.ok('err' in agree(kzgs, label, fn), `${label} must raise`);
    }
    for (const bad of badPoints(rng)) {
      const h = bytesToHex(bad);
      assert.ok(
        'err' in agree(kzgs, `commitment ${h}`, (k) => k.verifyKzgProof(bad, z, y, zProof)),
      );
      assert.ok('err' in agree(kzgs, `proof ${h}`, (k) => k.verifyKzgProof(commitment, z, y, bad)));
      assert.ok(
        'err' in agree(kzgs, `blob proof of ${h}`, (k) => k.computeBlobKzgProof(blob, bad)),
      );
    }
  }
  assert.deepEqual(
    agree(kzgs, 'batch', (k) => k.verifyBlobKzgProofBatch(blobs, commitments, proofs)),
    {
      ok: 'true',
    },
  );
  const swapped = [proofs[1], proofs[0], proofs[2]] as Uint8Array[];
  assert.deepEqual(
    agree(kzgs, 'batch swapped', (k) => k.verifyBlobKzgProofBatch(blobs, commitments, swapped)),
    {
      ok: 'false',
    },
  );
  assert.ok(
    'err' in
      agree(kzgs, 'batch lengths', (k) =>
        k.verifyBlobKzgProofBatch(blobs, commitments, proofs.slice(1)),
      ),
  );
  assert.deepEqual(
    agree(kzgs, 'empty batch', (k) => k.verifyBlobKzgProofBatch([], [], [])),
    { ok: 'true' },
  );
});
