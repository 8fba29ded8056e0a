import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRng } from '@keel/test-utils';
import { CryptoErrorCode } from '../../src/errors.ts';
import { CipherState } from '../../src/noise/cipherState.ts';
import { createHandshake, type HandshakeState } from '../../src/noise/handshakeState.ts';
import {
  type HandshakePattern,
  PATTERN_IK,
  PATTERN_NK,
  PATTERN_NN,
  PATTERN_NX,
  PATTERN_XX,
} from '../../src/noise/patterns.ts';
import { cipherChaChaPoly, SUITE_25519_CHACHAPOLY_SHA256 } from '../../src/noise/primitives.ts';
import { SUITE_SECP256K1_ELLSWIFT_CHACHAPOLY_SHA256 } from '../../src/noise/sv2.ts';
import type { NoiseKeyPair, NoiseSuite } from '../../src/noise/types.ts';

const isCode =
  (...codes: string[]) =>
  (e: unknown) =>
    codes.includes((e as { code?: string }).code ?? '');
const HANDSHAKE = CryptoErrorCode.HANDSHAKE;
const DECRYPT = CryptoErrorCode.DECRYPT_FAILED;
const X25519 = SUITE_25519_CHACHAPOLY_SHA256;
const SV2 = SUITE_SECP256K1_ELLSWIFT_CHACHAPOLY_SHA256;

interface Keys {
  is: NoiseKeyPair;
  rs: NoiseKeyPair;
  ie: NoiseKeyPair;
  re: NoiseKeyPair;
}

function makeKeys(suite: NoiseSuite, seed: string): Keys {
  const rng = new SeededRng(seed);
  const random = (n: number) => rng.bytes(n);
  const g = () => suite.dh.generateKeyPair(random);
  return { is: g(), rs: g(), ie: g(), re: g() };
}

function pair(suite: NoiseSuite, pattern: HandshakePattern, k: Keys, prologue = 'p') {
  const pre = pattern.preResponder.includes('s');
  const prol = new TextEncoder().encode(prologue);
  const init = createHandshake({
    suite,
    pattern,
    initiator: true,
    prologue: prol,
    s: k.is,
    e: k.ie,
    ...(pre && { rs: k.rs.publicKey }),
  });
  const resp = createHandshake({
    suite,
    pattern,
    initiator: false,
    prologue: prol,
    s: k.rs,
    e: k.re,
  });
  return { init, resp };
}

/** Runs the handshake; `mutate(i, msg)` may alter message i on the wire. */
function run(
  init: HandshakeState,
  resp: HandshakeState,
  n: number,
  mutate: (i: number, m: Uint8Array) => Uint8Array = (_, m) => m,
) {
  for (let i = 0; i < n; i++) {
    const [w, r] = i % 2 === 0 ? [init, resp] : [resp, init];
    const payload = Uint8Array.of(i, 1, 2, 3);
    const sent = w.writeMessage(payload);
    const wire = mutate(i, sent);
    const got = r.readMessage(wire);
    // An unencrypted payload (before any DH) arrives altered; later messages must fail.
    if (wire === sent) assert.deepEqual(got, payload);
  }
  const ti = init.split();
  const tr = resp.split();
  const m1 = Uint8Array.of(9, 9);
  assert.deepEqual(tr.decrypt(ti.encrypt(m1)), m1);
  assert.deepEqual(ti.decrypt(tr.encrypt(m1)), m1);
  return { ti, tr };
}

for (const [suiteName, suite, pubLen] of [
  ['25519', X25519, 32],
  ['SV2 Secp256k1+EllSwift', SV2, 64],
] as const) {
  const patterns =
    suite === SV2 ? [PATTERN_NX] : [PATTERN_NN, PATTERN_NX, PATTERN_XX, PATTERN_NK, PATTERN_IK];
  for (const pattern of patterns) {
    test(`${suiteName} ${pattern.name}: random-key handshake between two engines`, () => {
      const k = makeKeys(suite, `${suiteName}-${pattern.name}`);
      const { init, resp } = pair(suite, pattern, k);
      assert.ok(init.isMyTurn && !resp.isMyTurn);
      const { ti, tr } = run(init, resp, pattern.messages.length);
      assert.ok(init.isComplete && resp.isComplete);
      assert.deepEqual(ti.handshakeHash, tr.handshakeHash);
      assert.equal(ti.handshakeHash.length, 32);
      if (pattern !== PATTERN_NN) assert.deepEqual(init.remoteStatic, k.rs.publicKey);
      if (pattern === PATTERN_XX || pattern === PATTERN_IK) {
        assert.deepEqual(resp.remoteStatic, k.is.publicKey);
      }
      assert.equal(init.localEphemeral?.length, pubLen);
      // many transport messages in both directions keep working
      for (let i = 0; i < 20; i++) {
        const m = Uint8Array.of(i);
        assert.deepEqual(tr.decrypt(ti.encrypt(m)), m);
      }
      assert.equal(ti.send.nonce, 21n);
    });
  }
}

test('SV2 NX with random ephemerals: act sizes 64 and 234', () => {
  const k = makeKeys(SV2, 'sv2-sizes');
  const rng = new SeededRng('sv2-eph');
  const random = (n: number) => rng.bytes(n);
  const init = createHandshake({ suite: SV2, pattern: PATTERN_NX, initiator: true, random });
  const resp = createHandshake({
    suite: SV2,
    pattern: PATTERN_NX,
    initiator: false,
    s: k.rs,
    random,
  });
  const act1 = init.writeMessage();
  assert.equal(act1.length, 64);
  resp.readMessage(act1);
  const act2 = resp.writeMessage(new Uint8Array(74));
  assert.equal(act2.length, 234);
  assert.equal(init.protocolName, 'Noise_NX_Secp256k1+EllSwift_ChaChaPoly_SHA256');
  init.readMessage(act2);
  assert.deepEqual(init.split().handshakeHash, resp.split().handshakeHash);
});

test('SV2 ECDH is role-ordered: swapping roles changes the secret', () => {
  const k = makeKeys(SV2, 'roles');
  const a = SV2.dh.dh(k.ie, k.re.publicKey, true);
  assert.deepEqual(SV2.dh.dh(k.re, k.ie.publicKey, false), a);
  assert.notDeepEqual(SV2.dh.dh(k.re, k.ie.publicKey, true), a);
});

for (const [suiteName, suite, pattern] of [
  ['25519 NX', X25519, PATTERN_NX],
  ['25519 XX', X25519, PATTERN_XX],
  ['25519 NN', X25519, PATTERN_NN],
  ['SV2 NX', SV2, PATTERN_NX],
] as const) {
  test(`${suiteName}: flipping any byte of any handshake message fails with a typed error`, () => {
    const k = makeKeys(suite, `tamper-${suiteName}`);
    const sizes = (() => {
      const { init, resp } = pair(suite, pattern, k);
      const out: number[] = [];
      run(init, resp, pattern.messages.length, (_, m) => {
        out.push(m.length);
        return m;
      });
      return out;
    })();
    // Keep the runtime modest: every byte for 25519 NN/NX, every 3rd for XX, every 7th for
    // SV2 (pure-TS EllSwift); the start offset varies per message so all fields are hit.
    const stride = suite === SV2 ? 7 : pattern === PATTERN_XX ? 3 : 1;
    let tried = 0;
    for (const [msgIndex, size] of sizes.entries()) {
      for (let pos = msgIndex % stride; pos < size; pos += stride) {
        const { init, resp } = pair(suite, pattern, k);
        const flip = (i: number, m: Uint8Array) => {
          if (i !== msgIndex) return m;
          const c = m.slice();
          c[pos]! ^= 0x01 << (pos % 8);
          return c;
        };
        assert.throws(
          () => run(init, resp, pattern.messages.length, flip),
          isCode(HANDSHAKE, DECRYPT, CryptoErrorCode.INVALID_PUBLIC_KEY),
          `message ${msgIndex} byte ${pos}`,
        );
        tried++;
      }
    }
    assert.ok(tried > 0);
  });
}

test('truncated, oversized and out-of-order messages are HANDSHAKE errors; failure is sticky', () => {
  const k = makeKeys(X25519, 'order');
  let { init, resp } = pair(X25519, PATTERN_NX, k);
  assert.throws(() => resp.writeMessage(), isCode(HANDSHAKE));
  assert.throws(() => init.readMessage(new Uint8Array(32)), isCode(HANDSHAKE));
  assert.throws(() => init.split(), isCode(HANDSHAKE));
  // the rejected calls above did not disturb the state
  const m1 = init.writeMessage();
  assert.throws(() => init.writeMessage(), isCode(HANDSHAKE));
  assert.throws(() => resp.readMessage(m1.subarray(0, 31)), isCode(HANDSHAKE));
  assert.throws(() => resp.readMessage(m1), isCode(HANDSHAKE), 'aborted state stays aborted');

  ({ init, resp } = pair(X25519, PATTERN_NX, k));
  resp.readMessage(init.writeMessage());
  const m2 = resp.writeMessage(new Uint8Array(10));
  for (const cut of [0, 31, 32, 32 + 47, 32 + 48 + 15]) {
    const fresh = pair(X25519, PATTERN_NX, k);
    fresh.resp.readMessage(fresh.init.writeMessage());
    fresh.resp.writeMessage(new Uint8Array(10));
    assert.throws(
      () => fresh.init.readMessage(m2.subarray(0, cut)),
      isCode(HANDSHAKE),
      `cut ${cut}`,
    );
  }
  const big = pair(X25519, PATTERN_NX, k);
  assert.throws(() => big.init.writeMessage(new Uint8Array(65535 - 31)), isCode(HANDSHAKE));
  assert.throws(() => big.init.writeMessage(), isCode(HANDSHAKE), 'sticky after failure');
  const big2 = pair(X25519, PATTERN_NX, k);
  assert.throws(() => big2.resp.readMessage(new Uint8Array(65536)), isCode(HANDSHAKE));

  init.readMessage(m2);
  const t = init.split();
  assert.throws(() => init.split(), isCode(HANDSHAKE), 'split twice');
  assert.throws(() => init.writeMessage(), isCode(HANDSHAKE), 'write after the end');
  assert.throws(() => t.decrypt(new Uint8Array(15)), isCode(HANDSHAKE));
  assert.throws(() => t.encrypt(new Uint8Array(65520)), isCode(HANDSHAKE));
});

test('missing keys and wrong key lengths are rejected at creation', () => {
  const k = makeKeys(X25519, 'missing');
  const base = { suite: X25519, initiator: false } as const;
  assert.throws(() => createHandshake({ ...base, pattern: PATTERN_NX }), isCode(HANDSHAKE));
  assert.throws(
    () => createHandshake({ ...base, initiator: true, pattern: PATTERN_NK }),
    isCode(HANDSHAKE),
  );
  assert.throws(
    () =>
      createHandshake({
        ...base,
        pattern: PATTERN_NX,
        s: { ...k.rs, publicKey: new Uint8Array(33) },
      }),
    isCode(CryptoErrorCode.INVALID_PUBLIC_KEY),
  );
  const noRandom = createHandshake({ ...base, initiator: true, pattern: PATTERN_NN });
  assert.throws(() => noRandom.writeMessage(), isCode(HANDSHAKE));
});

test('prologue mismatch and wrong pre-shared static key make the handshake fail', () => {
  const k = makeKeys(X25519, 'prologue');
  const a = pair(X25519, PATTERN_NX, k);
  const b = pair(X25519, PATTERN_NX, k, 'other');
  a.resp = b.resp;
  assert.throws(() => run(a.init, a.resp, 2), isCode(DECRYPT));
  const other = makeKeys(X25519, 'other');
  const init = createHandshake({
    suite: X25519,
    pattern: PATTERN_NK,
    initiator: true,
    e: k.ie,
    rs: other.rs.publicKey,
  });
  const resp = createHandshake({
    suite: X25519,
    pattern: PATTERN_NK,
    initiator: false,
    s: k.rs,
    e: k.re,
  });
  assert.throws(() => resp.readMessage(init.writeMessage()), isCode(DECRYPT));
});

test('an all-zero (low-order) X25519 key aborts the handshake with a typed error', () => {
  const k = makeKeys(X25519, 'low');
  const { resp } = pair(X25519, PATTERN_NX, k);
  resp.readMessage(new Uint8Array(32));
  assert.throws(() => resp.writeMessage(), isCode(CryptoErrorCode.INVALID_PUBLIC_KEY));
  assert.throws(() => resp.writeMessage(), isCode(HANDSHAKE));
});

test('transport: a bad tag fails without consuming the nonce; rekey; nonce exhaustion', () => {
  const k = makeKeys(X25519, 'transport');
  const { init, resp } = pair(X25519, PATTERN_NX, k);
  const { ti, tr } = run(init, resp, 2);
  const ct = ti.encrypt(Uint8Array.of(1, 2, 3));
  const bad = ct.slice();
  bad[0]! ^= 1;
  const before = tr.recv.nonce;
  assert.throws(() => tr.decrypt(bad), isCode(DECRYPT));
  assert.equal(tr.recv.nonce, before);
  assert.deepEqual(tr.decrypt(ct), Uint8Array.of(1, 2, 3));
  assert.throws(() => tr.decrypt(ct), isCode(DECRYPT), 'replay is rejected');

  ti.rekeySend();
  const afterRekey = ti.encrypt(Uint8Array.of(4));
  const copy = afterRekey.slice();
  assert.throws(() => tr.decrypt(afterRekey), isCode(DECRYPT), 'peer did not rekey');
  tr.rekeyRecv();
  assert.deepEqual(tr.decrypt(copy), Uint8Array.of(4));

  const cs = new CipherState(cipherChaChaPoly, new Uint8Array(32).fill(7));
  cs.setNonce(2n ** 64n - 2n);
  cs.encryptWithAd(new Uint8Array(0), Uint8Array.of(1));
  assert.throws(() => cs.encryptWithAd(new Uint8Array(0), Uint8Array.of(1)), isCode(HANDSHAKE));
  assert.throws(() => cs.decryptWithAd(new Uint8Array(0), new Uint8Array(17)), isCode(HANDSHAKE));
  assert.throws(() => cs.setNonce(2n ** 64n), isCode(CryptoErrorCode.INVALID_INPUT));
  const empty = new CipherState(cipherChaChaPoly);
  assert.deepEqual(empty.encryptWithAd(new Uint8Array(0), Uint8Array.of(5)), Uint8Array.of(5));
  assert.throws(() => empty.rekey(), isCode(HANDSHAKE));
});
