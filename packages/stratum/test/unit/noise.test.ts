import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ellswiftCreate,
  ellswiftDecode,
  ellswiftEcdhXonly,
  nobleSecp256k1,
} from '@keel/crypto/secp256k1';
import { bytesToHex, hexToBytes, SeededRng } from '@keel/util';
import {
  ACT_ONE_SIZE,
  ACT_TWO_SIZE,
  ciphertextLength,
  decodeAuthorityKey,
  decodeMessageFrame,
  encodeAuthorityKey,
  encryptedFrameLength,
  StratumErrorCode,
  type Sv2Message,
  Sv2NoiseInitiator,
  Sv2NoiseResponder,
  signCertificate,
  staticKeyFromPrivate,
} from '../../src/index.ts';
import { RefInitiator, RefResponder, refKey } from '../support/refNoise.ts';
import {
  refEcdhXonly,
  refEllswiftDecode,
  refSchnorrSign,
  refSchnorrVerify,
  refXOnly,
} from '../support/refSecp.ts';

const rng = new SeededRng(42);
const random = (n: number) => rng.bytes(n);
const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;
const NOW = 1_700_000_000;
const authSk = new Uint8Array(32).fill(7);
const authPub = nobleSecp256k1.xOnlyPublicKey(authSk);
const validity = { version: 0, validFrom: NOW - 3600, notValidAfter: NOW + 86400 };

function server(
  opts: { validFrom?: number; notValidAfter?: number; signer?: Uint8Array; version?: number } = {},
) {
  const staticKey = staticKeyFromPrivate(new Uint8Array(32).fill(3));
  const certificate = signCertificate({
    ...validity,
    ...opts,
    serverStaticKey: staticKey.publicKey,
    authoritySecretKey: opts.signer ?? authSk,
    auxRand: new Uint8Array(32),
  });
  return new Sv2NoiseResponder({ staticKey, certificate, random });
}

function connect() {
  const init = new Sv2NoiseInitiator({ authorityPublicKey: authPub, random });
  const act1 = init.writeActOne();
  const { actTwo, session: srv } = server().readActOne(act1);
  const cli = init.readActTwo(actTwo, NOW);
  return { cli, srv, act1, actTwo };
}

test('handshake: acts are 64 and 234 bytes, both sides agree on the handshake hash', () => {
  const { cli, srv, act1, actTwo } = connect();
  assert.equal(act1.length, ACT_ONE_SIZE);
  assert.equal(actTwo.length, ACT_TWO_SIZE);
  assert.deepEqual(cli.handshakeHash, srv.handshakeHash);
  const msg: Sv2Message = {
    type: 'SetTarget',
    payload: { channelId: 5, maximumTarget: new Uint8Array(32).fill(1) },
  };
  assert.deepEqual(decodeMessageFrame(srv.decryptFrame(cli.encryptMessage(msg))), msg);
  assert.deepEqual(decodeMessageFrame(cli.decryptFrame(srv.encryptMessage(msg))), msg);
});

test('ours initiator ↔ independent reference responder (spec-text implementation)', () => {
  const ref = new RefResponder(
    refKey(rng.bytes(32), rng.bytes(32)),
    refKey(rng.bytes(32), rng.bytes(32)),
    authSk,
    validity,
  );
  const init = new Sv2NoiseInitiator({ authorityPublicKey: authPub, random });
  const { actTwo, transport } = ref.respond(init.writeActOne());
  const ours = init.readActTwo(actTwo, NOW);
  assert.equal(bytesToHex(ours.handshakeHash), bytesToHex(transport.handshakeHash));
  // Frames both ways, including one over 65535 bytes (three chunks).
  for (const n of [0, 1, 65519, 65520, 140000]) {
    const payload = rng.bytes(n);
    const wire = transport.encryptFrame(0x4001, 0xee, payload);
    assert.equal(wire.length, encryptedFrameLength(n));
    const f = ours.decryptFrame(wire);
    assert.deepEqual(f.payload, payload);
    assert.equal(f.header.extensionType, 0x4001);
    const back = transport.decryptFrame(
      ours.encryptFrame({
        header: { extensionType: 0, channelMsg: true, msgType: 0x1a, msgLength: n },
        payload,
      }),
    );
    assert.equal(back.extType, 0x8000);
    assert.deepEqual(back.payload, payload);
  }
});

test('independent reference initiator ↔ ours responder', () => {
  const ref = new RefInitiator(refKey(rng.bytes(32), rng.bytes(32)));
  const { actTwo, session } = server().readActOne(ref.actOne());
  const t = ref.actTwo(actTwo, authPub, NOW);
  assert.deepEqual(t.handshakeHash, session.handshakeHash);
  const payload = rng.bytes(70000);
  assert.deepEqual(session.decryptFrame(t.encryptFrame(0, 0x71, payload)).payload, payload);
  assert.deepEqual(
    t.decryptFrame(
      session.encryptFrame({
        header: { extensionType: 0, channelMsg: false, msgType: 1, msgLength: 3 },
        payload: payload.subarray(0, 3),
      }),
    ).payload,
    payload.subarray(0, 3),
  );
  // The reference rejects a certificate checked against another authority key.
  const ref2 = new RefInitiator(refKey(rng.bytes(32), rng.bytes(32)));
  const { actTwo: a2 } = server().readActOne(ref2.actOne());
  assert.throws(() =>
    ref2.actTwo(a2, nobleSecp256k1.xOnlyPublicKey(new Uint8Array(32).fill(8)), NOW),
  );
});

test('certificate: expired, not yet valid, wrong authority key → typed errors', () => {
  const run = (srv: Sv2NoiseResponder, now = NOW, auth = authPub) => {
    const init = new Sv2NoiseInitiator({ authorityPublicKey: auth, random });
    return () => init.readActTwo(srv.readActOne(init.writeActOne()).actTwo, now);
  };
  assert.throws(
    run(server({ notValidAfter: NOW - 1 })),
    code(StratumErrorCode.CERTIFICATE_EXPIRED),
  );
  // SRI signs with valid_from = now and allows 10 s of clock skew: so do we (regression).
  run(server({ validFrom: NOW + 10 }))();
  assert.throws(run(server({ validFrom: NOW + 11 })), code(StratumErrorCode.CERTIFICATE_EXPIRED));
  assert.throws(run(server(), NOW + 86401), code(StratumErrorCode.CERTIFICATE_EXPIRED));
  run(server(), NOW + 86400)(); // inclusive bound
  const other = nobleSecp256k1.xOnlyPublicKey(new Uint8Array(32).fill(8));
  assert.throws(run(server(), NOW, other), code(StratumErrorCode.BAD_CERTIFICATE));
  assert.throws(
    run(server({ signer: new Uint8Array(32).fill(8) })),
    code(StratumErrorCode.BAD_CERTIFICATE),
  );
  // A correctly signed certificate of another version is refused (04 §4.5.2 defines only 0).
  assert.throws(run(server({ version: 1 })), (e: unknown) => {
    const err = e as { code?: string; message?: string };
    return err.code === StratumErrorCode.BAD_CERTIFICATE && /version 1/.test(err.message ?? '');
  });
});

test('tampered act 2 (every 5th byte) fails with BAD_MAC or HANDSHAKE, wrong sizes with HANDSHAKE', () => {
  for (let i = 0; i < ACT_TWO_SIZE; i += 5) {
    const init = new Sv2NoiseInitiator({ authorityPublicKey: authPub, random });
    const a2 = server().readActOne(init.writeActOne()).actTwo.slice();
    a2[i] = (a2[i] ?? 0) ^ 1;
    assert.throws(
      () => init.readActTwo(a2, NOW),
      (e: unknown) =>
        [StratumErrorCode.BAD_MAC, StratumErrorCode.HANDSHAKE].includes(
          (e as { code: never }).code,
        ),
    );
  }
  const init = new Sv2NoiseInitiator({ authorityPublicKey: authPub, random });
  const a2 = server().readActOne(init.writeActOne()).actTwo;
  assert.throws(() => init.readActTwo(a2.subarray(0, 170), NOW), code(StratumErrorCode.HANDSHAKE));
  assert.throws(() => init.readActTwo(a2, NOW), code(StratumErrorCode.HANDSHAKE)); // failed for good
  assert.throws(() => server().readActOne(new Uint8Array(65)), code(StratumErrorCode.HANDSHAKE));
  assert.throws(
    () => new Sv2NoiseInitiator({ authorityPublicKey: authPub, random }).readActTwo(a2, NOW),
    code(StratumErrorCode.HANDSHAKE),
  );
});

test('transport: a flipped bit is BAD_MAC and the session stays failed; streaming reader chunks', () => {
  const { cli, srv } = connect();
  const msgs: Sv2Message[] = [
    { type: 'CloseChannel', payload: { channelId: 1, reasonCode: 'bye' } },
    {
      type: 'SetGroupChannel',
      payload: { groupChannelId: 9, channelIds: Array.from({ length: 20000 }, (_, i) => i) },
    },
  ];
  const wire = msgs.map((m) => cli.encryptMessage(m));
  const reader = srv.reader();
  const got = [];
  const all = new Uint8Array(wire.reduce((n, w) => n + w.length, 0));
  let o = 0;
  for (const w of wire) {
    all.set(w, o);
    o += w.length;
  }
  for (let i = 0; i < all.length; i += 777) got.push(...reader.push(all.subarray(i, i + 777)));
  assert.deepEqual(got.map(decodeMessageFrame), msgs);
  const bad = cli.encryptMessage(msgs[0]!);
  bad[30] = (bad[30] ?? 0) ^ 0x80;
  assert.throws(() => srv.decryptFrame(bad), code(StratumErrorCode.BAD_MAC));
  assert.throws(
    () => srv.decryptFrame(cli.encryptMessage(msgs[0]!)),
    code(StratumErrorCode.BAD_MAC),
  );
});

test('an encrypted header declaring an oversized payload is refused before the payload arrives', () => {
  const { cli, srv } = connect();
  const big = cli.encryptFrame({
    header: { extensionType: 0, channelMsg: false, msgType: 0x76, msgLength: 0 },
    payload: new Uint8Array(70000),
  });
  // SubmitSolution's largest valid payload is 8+4+4+4+2+65535 bytes, so 70000 is refused from the header.
  assert.throws(
    () => srv.reader().push(big.subarray(0, 22)),
    code(StratumErrorCode.FRAME_TOO_LARGE),
  );
});

test('pt_len_to_ct_len (04 §4.6) on the spec formula examples', () => {
  const cases: [number, number][] = [
    [0, 0],
    [1, 17],
    [65518, 65534],
    [65519, 65535],
    [65520, 65552],
    [131038, 131070],
    [131039, 131087],
    [200000, 200064],
  ];
  for (const [pt, ct] of cases) {
    assert.equal(ciphertextLength(pt), ct);
    assert.equal(encryptedFrameLength(pt), ct + 22);
  }
});

test('authority key: the spec vector (04 §4.7.1) encodes and decodes; bad text is typed', () => {
  const raw = Uint8Array.from([
    118, 99, 112, 0, 151, 156, 28, 17, 175, 12, 48, 11, 205, 140, 127, 228, 134, 16, 252, 233, 185,
    193, 30, 61, 174, 227, 90, 224, 176, 138, 116, 85,
  ]);
  const text = '9bXiEd8boQVhq7WddEcERUL5tyyJVFYdU8th3HfbNXK3Yw6GRXh';
  assert.equal(encodeAuthorityKey(raw), text);
  assert.deepEqual(decodeAuthorityKey(text), raw);
  assert.deepEqual(decodeAuthorityKey(bytesToHex(raw)), raw);
  assert.throws(
    () => decodeAuthorityKey(`${text.slice(0, -1)}j`),
    code(StratumErrorCode.INVALID_VALUE),
  );
  assert.throws(() => decodeAuthorityKey('0OIl'), code(StratumErrorCode.INVALID_VALUE));
  assert.deepEqual(hexToBytes(bytesToHex(raw)), raw);
});

test('reference secp256k1 pieces agree with @keel/crypto (differential, random inputs)', () => {
  for (let i = 0; i < 12; i++) {
    const ell = rng.bytes(64);
    if (i === 0) ell.fill(0, 0, 32); // u = 0 edge
    if (i === 1) ell.fill(0, 32, 64); // t = 0 edge
    assert.equal(bytesToHex(refEllswiftDecode(ell)), bytesToHex(ellswiftDecode(ell)));
    const sk = rng.bytes(32);
    assert.equal(bytesToHex(refEcdhXonly(ell, sk)), bytesToHex(ellswiftEcdhXonly(ell, sk)));
    const ownEll = ellswiftCreate(sk, rng.bytes(32));
    assert.equal(bytesToHex(refEllswiftDecode(ownEll)), bytesToHex(refXOnly(sk)));
    const msg = rng.bytes(32);
    const aux = rng.bytes(32);
    const sig = refSchnorrSign(msg, sk, aux);
    assert.equal(bytesToHex(sig), bytesToHex(nobleSecp256k1.schnorrSign(msg, sk, aux)));
    assert.ok(refSchnorrVerify(sig, msg, refXOnly(sk)));
    const bad = sig.slice();
    bad[40] = (bad[40] ?? 0) ^ 1;
    assert.equal(refSchnorrVerify(bad, msg, refXOnly(sk)), false);
  }
});
