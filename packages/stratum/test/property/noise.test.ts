import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nobleSecp256k1 } from '@keel/crypto/secp256k1';
import { isKeelError, SeededRng } from '@keel/util';
import fc from 'fast-check';
import {
  decodeMessageFrame,
  Sv2NoiseInitiator,
  Sv2NoiseResponder,
  signCertificate,
  staticKeyFromPrivate,
} from '../../src/index.ts';
import { arbMessage } from './arbitraries.ts';

const rng = new SeededRng(11);
const random = (n: number) => rng.bytes(n);
const authSk = new Uint8Array(32).fill(5);
const authPub = nobleSecp256k1.xOnlyPublicKey(authSk);
const staticKey = staticKeyFromPrivate(new Uint8Array(32).fill(6));
const certificate = signCertificate({
  version: 0,
  validFrom: 0,
  notValidAfter: 0xffffffff,
  serverStaticKey: staticKey.publicKey,
  authoritySecretKey: authSk,
});
const onlyKeel = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (!isKeelError(e)) throw e;
  }
};

function pair() {
  const init = new Sv2NoiseInitiator({ authorityPublicKey: authPub, random });
  const { actTwo, session } = new Sv2NoiseResponder({ staticKey, certificate, random }).readActOne(
    init.writeActOne(),
  );
  return { cli: init.readActTwo(actTwo, 1000), srv: session };
}

test('every message round-trips through encrypted frames in both directions, any chunking', () => {
  const { cli, srv } = pair();
  const rdSrv = srv.reader();
  const rdCli = cli.reader();
  fc.assert(
    fc.property(
      fc.array(arbMessage, { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 1, max: 97 }),
      (msgs, step) => {
        for (const [enc, rd] of [
          [cli, rdSrv],
          [srv, rdCli],
        ] as const) {
          const wire = msgs.map((m) => enc.encryptMessage(m));
          const got = [];
          for (const w of wire)
            for (let i = 0; i < w.length; i += step) got.push(...rd.push(w.subarray(i, i + step)));
          assert.deepEqual(
            got.map((f) => decodeMessageFrame(f)),
            msgs,
          );
          assert.equal(rd.bufferedBytes, 0);
        }
      },
    ),
    { numRuns: 60 },
  );
});

test('fuzz: random act 1 / act 2 bytes and random ciphertext only raise KeelErrors', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.boolean(), (b, exact) => {
      const act1 = exact ? b.subarray(0, 64) : b;
      onlyKeel(() => new Sv2NoiseResponder({ staticKey, certificate, random }).readActOne(act1));
      const init = new Sv2NoiseInitiator({ authorityPublicKey: authPub, random });
      init.writeActOne();
      const act2 = exact && b.length >= 234 ? b.subarray(0, 234) : b;
      onlyKeel(() => init.readActTwo(act2, 1000));
    }),
    { numRuns: 150 },
  );
  const { srv } = pair();
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), (b) => {
      onlyKeel(() => srv.reader().push(b));
      onlyKeel(() => srv.decryptFrame(b));
    }),
    { numRuns: 300 },
  );
});
