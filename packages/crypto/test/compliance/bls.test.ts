// One test body, run once per BLS backend; where both load, their answers must be identical.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bigIntToBytes, bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@keel/util';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import {
  BLS_CURVE_ORDER,
  type BlsBackend,
  ethAggregatePubkeys,
  ethFastAggregateVerify,
  infinityEncoding,
  loadBlsBackend,
  nobleBls,
} from '../../src/bls/index.ts';
import { CryptoError, CryptoErrorCode } from '../../src/errors.ts';

const r = BLS_CURVE_ORDER;
const sk = (n: bigint): Uint8Array => bigIntToBytes(n, 32);
const SK = [
  0x263dbd792f5b1be47ed85f8938c0f29586af0d3ac7b977f21c278fe1462040e3n,
  0x47b8192d77bf871b62e87859d653922725724a5c031afeabc60bcef5ff665138n,
  0x328388aff0d4a5b7dc9205abd374e7e98f3cd9f3418edb4eafda5fb16473d216n,
].map(sk);
const MSGS = [new Uint8Array(0), new Uint8Array(32), utf8ToBytes('keel'), new Uint8Array(200)];
const INF_G1 = infinityEncoding('G1');
const INF_G2 = infinityEncoding('G2');
/** The standard compressed G1 generator (ZCash serialization), i.e. SkToPk(1). */
const G1_GENERATOR =
  '97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb';

const flip = (b: Uint8Array, byte: number, mask = 1): Uint8Array => {
  const c = b.slice();
  c[byte]! ^= mask;
  return c;
};

/** A compressed G1 encoding of an on-curve point outside the prime-order subgroup. */
function nonSubgroupG1(): Uint8Array {
  const Fp = bls12_381.fields.Fp;
  for (let x = 1n; ; x++) {
    try {
      Fp.sqrt(Fp.add(Fp.pow(x, 3n), 4n)); // throws when x³+4 is not a square
    } catch {
      continue;
    }
    const out = bigIntToBytes(x, 48);
    out[0]! |= 0x80;
    return out;
  }
}

/** A compressed G2 encoding (c1 ‖ c0) of an on-curve point outside G2. */
function nonSubgroupG2(): Uint8Array {
  const Fp2 = bls12_381.fields.Fp2;
  const b = Fp2.create({ c0: 4n, c1: 4n });
  for (let c0 = 1n; ; c0++) {
    const x = Fp2.create({ c0, c1: 1n });
    try {
      Fp2.sqrt(Fp2.add(Fp2.mul(Fp2.sqr(x), x), b));
    } catch {
      continue;
    }
    const out = concatBytes(bigIntToBytes(1n, 48), bigIntToBytes(c0, 48));
    out[0]! |= 0x80;
    return out;
  }
}

function expectCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof CryptoError && e.code === code);
}

/** Answers to a fixed corpus of edge cases, compared across backends. */
function edgeAnswers(bls: BlsBackend): unknown[] {
  const pk = bls.secretKeyToPublicKey(SK[0]!);
  const sig = bls.sign(SK[0]!, MSGS[1]!);
  const inputs: Uint8Array[] = [
    pk,
    sig,
    INF_G1,
    INF_G2,
    nonSubgroupG1(),
    nonSubgroupG2(),
    flip(pk, 0, 0x80),
    flip(pk, 0, 0x40),
    flip(pk, 0, 0x20),
    flip(sig, 0, 0x20),
    flip(sig, 95),
    pk.subarray(0, 47),
    concatBytes(pk, new Uint8Array(1)),
    new Uint8Array(48),
    new Uint8Array(96),
  ];
  return inputs.flatMap((b) => [
    bls.isValidPublicKey(b),
    bls.isValidG1Point(b),
    bls.isValidSignature(b),
    bls.verify(b, MSGS[1]!, sig),
    bls.verify(pk, MSGS[1]!, b),
    bls.fastAggregateVerify([pk, b], MSGS[1]!, sig),
  ]);
}

const backends: { name: string; load: () => Promise<BlsBackend> }[] = [
  { name: 'noble', load: async () => nobleBls },
  { name: 'blst', load: () => loadBlsBackend('blst') },
];

for (const { name, load } of backends) {
  describe(`BlsBackend compliance [${name}]`, async () => {
    let bls: BlsBackend | undefined;
    let why = '';
    try {
      bls = await load();
    } catch (e) {
      why = `backend ${name} unavailable: ${(e as Error).message}`;
    }
    const it = (title: string, fn: (b: BlsBackend) => void) =>
      test(title, (t) => (bls ? fn(bls) : t.skip(why)));

    it('keys: SkToPk(1) is the generator; SkToPk(r-1) is its negation', (b) => {
      assert.equal(bytesToHex(b.secretKeyToPublicKey(sk(1n))), G1_GENERATOR);
      const neg = b.secretKeyToPublicKey(sk(r - 1n));
      assert.equal(bytesToHex(neg.subarray(1)), G1_GENERATOR.slice(2)); // same x
      assert.equal(neg[0]! ^ 0x20, 0x97); // opposite sign flag
    });

    it('keys: invalid secret keys throw CryptoError', (b) => {
      for (const bad of [0n, r, r + 1n, 2n ** 256n - 1n]) {
        expectCode(() => b.sign(sk(bad), MSGS[0]!), CryptoErrorCode.INVALID_PRIVATE_KEY);
        expectCode(() => b.secretKeyToPublicKey(sk(bad)), CryptoErrorCode.INVALID_PRIVATE_KEY);
        expectCode(() => b.popProve(sk(bad)), CryptoErrorCode.INVALID_PRIVATE_KEY);
      }
      expectCode(() => b.sign(new Uint8Array(31), MSGS[0]!), CryptoErrorCode.INVALID_LENGTH);
      expectCode(() => b.sign(new Uint8Array(33), MSGS[0]!), CryptoErrorCode.INVALID_LENGTH);
    });

    it('sign/verify round trips; tampering fails', (b) => {
      for (const [i, key] of SK.entries()) {
        const pk = b.secretKeyToPublicKey(key);
        const other = b.secretKeyToPublicKey(SK[(i + 1) % SK.length]!);
        for (const m of MSGS) {
          const s = b.sign(key, m);
          assert.equal(s.length, 96);
          assert.equal(b.verify(pk, m, s), true);
          assert.equal(b.verify(other, m, s), false, 'wrong key');
          assert.equal(b.verify(pk, concatBytes(m, new Uint8Array([0])), s), false, 'extended');
          if (m.length) assert.equal(b.verify(pk, flip(m, m.length - 1), s), false, 'bit flip');
          assert.equal(b.verify(pk, m, flip(s, 95)), false, 'tampered signature');
        }
      }
    });

    it('infinity: pubkey rejected, signature decodes but never verifies alone', (b) => {
      const pk = b.secretKeyToPublicKey(SK[0]!);
      assert.equal(b.isValidPublicKey(INF_G1), false);
      assert.equal(b.isValidG1Point(INF_G1), true);
      assert.equal(b.isValidSignature(INF_G2), true);
      assert.equal(b.verify(pk, MSGS[1]!, INF_G2), false);
      assert.equal(b.verify(INF_G1, MSGS[1]!, INF_G2), false);
      assert.equal(b.fastAggregateVerify([INF_G1], MSGS[1]!, INF_G2), false);
      assert.equal(b.aggregateVerify([INF_G1], [MSGS[1]!], INF_G2), false);
      assert.equal(bytesToHex(b.aggregateSignatures([INF_G2])), bytesToHex(INF_G2));
    });

    it('cancelling keys P, -P: FastAggregateVerify refuses the infinity aggregate key', (b) => {
      const p = b.secretKeyToPublicKey(SK[0]!);
      const minusP = b.secretKeyToPublicKey(sk(r - BigInt(`0x${bytesToHex(SK[0]!)}`)));
      assert.equal(bytesToHex(b.aggregatePublicKeys([p, minusP])), bytesToHex(INF_G1));
      const minusSk = sk(r - BigInt(`0x${bytesToHex(SK[0]!)}`));
      const pair = [b.sign(SK[0]!, MSGS[2]!), b.sign(minusSk, MSGS[2]!)];
      assert.equal(bytesToHex(b.aggregateSignatures(pair)), bytesToHex(INF_G2));
      assert.equal(b.fastAggregateVerify([p, minusP], MSGS[1]!, INF_G2), false);
      // CoreAggregateVerify has no such check: e(P,H)·e(-P,H) = 1 = e(G1, O).
      assert.equal(b.aggregateVerify([p, minusP], [MSGS[1]!, MSGS[1]!], INF_G2), true);
      assert.equal(b.aggregateVerify([p, minusP], [MSGS[1]!, MSGS[2]!], INF_G2), false);
    });

    it('subgroup, flag, x >= p and length checks', (b) => {
      const pk = b.secretKeyToPublicKey(SK[1]!);
      const sig = b.sign(SK[1]!, MSGS[2]!);
      assert.equal(b.isValidPublicKey(pk), true);
      assert.equal(b.isValidSignature(sig), true);
      assert.equal(b.isValidG1Point(nonSubgroupG1()), false);
      assert.equal(b.isValidSignature(nonSubgroupG2()), false);
      assert.equal(b.isValidPublicKey(flip(pk, 0, 0x80)), false, 'compression flag cleared');
      assert.equal(b.isValidPublicKey(flip(pk, 0, 0x40)), false, 'infinity flag set');
      const p = bls12_381.fields.Fp.ORDER;
      const xIsP = bigIntToBytes(p, 48);
      xIsP[0]! |= 0x80;
      assert.equal(b.isValidG1Point(xIsP), false, 'x = p');
      const uncompressed = bls12_381.G1.Point.BASE.toBytes(false);
      assert.equal(b.isValidPublicKey(uncompressed), false, '96-byte uncompressed G1');
      for (const n of [0, 47, 49, 96]) {
        const bad = n <= 48 ? pk.slice(0, n) : concatBytes(pk, new Uint8Array(n - 48));
        assert.equal(b.isValidPublicKey(bad), false, `${n}-byte public key`);
      }
      for (const n of [0, 95, 97, 192]) {
        const bad = n <= 96 ? sig.slice(0, n) : concatBytes(sig, sig);
        assert.equal(b.isValidSignature(bad), false);
        assert.equal(b.verify(pk, MSGS[2]!, bad), false);
      }
      assert.equal(b.verify(pk.slice(0, 47), MSGS[2]!, sig), false);
    });

    it('aggregation: order-independent, single = identity, empty/invalid throw', (b) => {
      const sigs = SK.map((k) => b.sign(k, MSGS[1]!));
      const pks = SK.map((k) => b.secretKeyToPublicKey(k));
      const agg = b.aggregateSignatures(sigs);
      assert.equal(bytesToHex(b.aggregateSignatures([...sigs].reverse())), bytesToHex(agg));
      assert.equal(bytesToHex(b.aggregateSignatures([sigs[0]!])), bytesToHex(sigs[0]!));
      assert.equal(bytesToHex(b.aggregatePublicKeys([pks[0]!])), bytesToHex(pks[0]!));
      assert.equal(b.fastAggregateVerify(pks, MSGS[1]!, agg), true);
      assert.equal(b.fastAggregateVerify(pks.slice(0, 2), MSGS[1]!, agg), false);
      assert.equal(b.fastAggregateVerify([], MSGS[1]!, agg), false);
      assert.equal(b.verify(b.aggregatePublicKeys(pks), MSGS[1]!, agg), true);
      expectCode(() => b.aggregateSignatures([]), CryptoErrorCode.INVALID_INPUT);
      expectCode(() => b.aggregatePublicKeys([]), CryptoErrorCode.INVALID_INPUT);
      expectCode(
        () => b.aggregatePublicKeys([pks[0]!, INF_G1]),
        CryptoErrorCode.INVALID_PUBLIC_KEY,
      );
      expectCode(
        () => b.aggregateSignatures([sigs[0]!, nonSubgroupG2()]),
        CryptoErrorCode.INVALID_SIGNATURE,
      );
      expectCode(
        () => b.aggregateSignatures([sigs[0]!.subarray(0, 95)]),
        CryptoErrorCode.INVALID_SIGNATURE,
      );
    });

    it('aggregateVerify: distinct messages, swapped or mismatched lists fail', (b) => {
      const pks = SK.map((k) => b.secretKeyToPublicKey(k));
      const msgs = MSGS.slice(0, 3);
      const agg = b.aggregateSignatures(SK.map((k, i) => b.sign(k, msgs[i]!)));
      assert.equal(b.aggregateVerify(pks, msgs, agg), true);
      assert.equal(b.aggregateVerify(pks, [msgs[1]!, msgs[0]!, msgs[2]!], agg), false);
      assert.equal(b.aggregateVerify(pks, msgs.slice(0, 2), agg), false);
      assert.equal(b.aggregateVerify([], [], agg), false);
      assert.equal(b.aggregateVerify([], [], INF_G2), false);
    });

    it('batch verification: valid, forged pair, one bad set, empty', (b) => {
      const sets = SK.map((k, i) => ({
        publicKey: b.secretKeyToPublicKey(k),
        message: MSGS[i]!,
        signature: b.sign(k, MSGS[i]!),
      }));
      assert.equal(b.verifyBatch(sets), true);
      assert.equal(b.verifyBatch(sets.slice(0, 1)), true);
      assert.equal(b.verifyBatch([]), false);
      assert.equal(b.verifyBatch([sets[0]!, { ...sets[1]!, message: MSGS[3]! }]), false);
      assert.equal(b.verifyBatch([{ ...sets[0]!, signature: INF_G2 }]), false);
      // S1 + S', S2 - S' aggregates like the honest pair but each set is invalid.
      const G2 = bls12_381.G2.Point;
      const sPrime = G2.BASE.multiply(12345n);
      const dec = (s: Uint8Array) => bls12_381.longSignatures.Signature.fromBytes(s);
      const enc = (p: InstanceType<typeof G2>) => bls12_381.longSignatures.Signature.toBytes(p);
      const forged = [
        { ...sets[0]!, signature: enc(dec(sets[0]!.signature).add(sPrime)) },
        { ...sets[1]!, signature: enc(dec(sets[1]!.signature).subtract(sPrime)) },
      ];
      const naive = b.aggregateSignatures(forged.map((s) => s.signature));
      assert.equal(
        b.aggregateVerify(
          forged.map((s) => s.publicKey),
          forged.map((s) => s.message),
          naive,
        ),
        true,
        'the forgery does pass naive aggregation',
      );
      assert.equal(b.verifyBatch(forged), false);
    });

    it('proof of possession: round trip, wrong key, domain-separated from sign', (b) => {
      const pk = b.secretKeyToPublicKey(SK[2]!);
      const proof = b.popProve(SK[2]!);
      assert.equal(b.popVerify(pk, proof), true);
      assert.equal(b.popVerify(b.secretKeyToPublicKey(SK[0]!), proof), false);
      assert.equal(b.popVerify(pk, b.sign(SK[2]!, pk)), false, 'signature DST is not POP DST');
      assert.equal(b.verify(pk, pk, proof), false);
      assert.equal(b.popVerify(INF_G1, INF_G2), false);
      assert.equal(b.popVerify(pk, proof.subarray(0, 95)), false);
    });

    it('eth wrappers: empty participation + infinity signature', (b) => {
      const pks = SK.map((k) => b.secretKeyToPublicKey(k));
      const agg = b.aggregateSignatures(SK.map((k) => b.sign(k, MSGS[1]!)));
      assert.equal(ethFastAggregateVerify(b, [], MSGS[1]!, INF_G2), true);
      assert.equal(b.fastAggregateVerify([], MSGS[1]!, INF_G2), false);
      assert.equal(ethFastAggregateVerify(b, [], MSGS[1]!, new Uint8Array(96)), false);
      assert.equal(ethFastAggregateVerify(b, pks, MSGS[1]!, agg), true);
      assert.equal(ethFastAggregateVerify(b, pks, MSGS[1]!, INF_G2), false);
      expectCode(() => ethAggregatePubkeys(b, []), CryptoErrorCode.INVALID_INPUT);
      assert.equal(
        bytesToHex(ethAggregatePubkeys(b, pks)),
        bytesToHex(b.aggregatePublicKeys([pks[2]!, pks[0]!, pks[1]!])),
      );
    });

    it('same answers as noble on the edge-case corpus; identical signatures', (b) => {
      assert.deepEqual(edgeAnswers(b), edgeAnswers(nobleBls));
      for (const m of MSGS) {
        assert.equal(bytesToHex(b.sign(SK[1]!, m)), bytesToHex(nobleBls.sign(SK[1]!, m)));
      }
      assert.equal(bytesToHex(b.popProve(SK[1]!)), bytesToHex(nobleBls.popProve(SK[1]!)));
    });
  });
}

test('loadBlsBackend: noble by name, unknown preference rejected', async () => {
  assert.equal((await loadBlsBackend('noble')).name, 'noble');
  const auto = await loadBlsBackend('auto');
  assert.ok(auto.name === 'blst' || auto.name === 'noble');
  await assert.rejects(
    loadBlsBackend('bogus' as 'auto'),
    (e: unknown) => e instanceof CryptoError && e.code === CryptoErrorCode.BACKEND_UNAVAILABLE,
  );
  assert.ok(hexToBytes(G1_GENERATOR).length === 48);
});
