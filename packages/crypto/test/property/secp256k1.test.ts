/**
 * Differential test: the noble backend against libsecp256k1 (native + WASM) on random,
 * mutated and edge-case inputs. Every method must give the same answer on both, and the
 * same CryptoError code when it throws — never a different exception type.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex, hexToBytes, isKeelError } from '@keel/util';
import fc from 'fast-check';
import { loadSecp256k1Backend, nobleSecp256k1 } from '../../src/secp256k1/index.ts';
import type { Secp256k1Backend } from '../../src/secp256k1/types.ts';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
const b32 = (n: bigint) => hexToBytes(n.toString(16).padStart(64, '0'));
const num = (b: Uint8Array) => BigInt(`0x${bytesToHex(b) || '0'}`);

/** Scalars at and around every boundary the backends check. */
const EDGE = [
  0n,
  1n,
  2n,
  N >> 1n,
  (N >> 1n) + 1n,
  N - 1n,
  N,
  N + 1n,
  P - 1n,
  P,
  P + 1n,
  2n ** 256n - 1n,
];

let lib: Secp256k1Backend | undefined;
async function libOrSkip(t: { skip(msg: string): void }): Promise<Secp256k1Backend | undefined> {
  try {
    lib ??= await loadSecp256k1Backend('libsecp256k1');
    return lib;
  } catch (e) {
    t.skip(`libsecp256k1 backend unavailable: ${(e as Error).message}`);
    return undefined;
  }
}

type Outcome = { ok: unknown } | { code: string };
function run(fn: () => unknown): Outcome {
  try {
    const v = fn();
    return { ok: v instanceof Uint8Array ? bytesToHex(v) : normalize(v) };
  } catch (e) {
    // Only CryptoError (a KeelError) is allowed out of a backend.
    assert.ok(isKeelError(e), `non-KeelError thrown: ${String(e)}`);
    return { code: e.code };
  }
}
function normalize(v: unknown): unknown {
  if (v && typeof v === 'object' && 'xOnly' in v) {
    const r = v as { xOnly: Uint8Array; parity: number };
    return { xOnly: bytesToHex(r.xOnly), parity: r.parity };
  }
  return v;
}
function same(b: Secp256k1Backend, label: string, fn: (x: Secp256k1Backend) => unknown): Outcome {
  const a = run(() => fn(nobleSecp256k1));
  const c = run(() => fn(b));
  assert.deepEqual(
    c,
    a,
    `${label}: libsecp256k1 ${JSON.stringify(c)} vs noble ${JSON.stringify(a)}`,
  );
  return a;
}

const arbSk = fc.bigInt({ min: 1n, max: N - 1n }).map(b32);
const arbBytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const arbEdge = fc.constantFrom(...EDGE).map(b32);
const arbScalarish = fc.oneof(arbEdge, arbBytes32);

/** Public key encodings of a key: valid forms, hybrid (good and bad parity), broken forms. */
function pubVariants(b: Secp256k1Backend, sk: Uint8Array, pick: number, junk: Uint8Array) {
  const c = b.publicKeyCreate(sk, true);
  const u = b.publicKeyCreate(sk, false);
  const odd = u[64]! & 1;
  const hyb = u.slice();
  hyb[0] = 0x06 | odd;
  const badHyb = u.slice();
  badHyb[0] = 0x07 ^ odd;
  const offCurve = u.slice();
  offCurve[64]! ^= 1;
  const xTooBig = c.slice();
  xTooBig.set(b32(P + BigInt(junk[0]!)), 1);
  const wrongPrefix = c.slice();
  wrongPrefix[0] = junk[1]! % 8;
  const forms = [
    c,
    u,
    hyb,
    badHyb,
    offCurve,
    xTooBig,
    wrongPrefix,
    c.subarray(0, 32),
    u.subarray(0, 64),
  ];
  return forms[pick % forms.length]!;
}

test('differential: ECDSA verify on mutated signatures, keys and edge scalars', async (t) => {
  const b = await libOrSkip(t);
  if (!b) return;
  fc.assert(
    fc.property(
      arbSk,
      arbBytes32,
      fc.nat(8),
      fc.nat(7),
      arbEdge,
      arbBytes32,
      (sk, msg, pubPick, mutation, edge, junk) => {
        const sig = nobleSecp256k1.ecdsaSign(msg, sk);
        const pub = pubVariants(nobleSecp256k1, sk, pubPick, junk);
        const s = sig.slice();
        if (mutation === 1) s.set(edge, 0);
        else if (mutation === 2) s.set(edge, 32);
        else if (mutation === 3)
          s.set(b32(N - num(sig.subarray(32))), 32); // high-S twin
        else if (mutation === 4) s[junk[2]! % 64]! ^= 1 << (junk[3]! % 8);
        else if (mutation === 5) msg = msg.slice(0, junk[4]! % 40);
        const sigArg = mutation === 6 ? s.subarray(0, junk[5]! % 64) : s;
        const out = same(b, 'ecdsaVerify', (x) => x.ecdsaVerify(sigArg, msg, pub));
        // An untouched signature with a well-formed key must verify (the test can fail).
        if (mutation === 0 && pubPick < 3) assert.deepEqual(out, { ok: true });
        if (mutation === 3 && pubPick < 3) assert.deepEqual(out, { ok: true });
      },
    ),
    { numRuns: 1000 },
  );
});

test('differential: BIP340 verify and sign, edge r/s/x and message lengths', async (t) => {
  const b = await libOrSkip(t);
  if (!b) return;
  fc.assert(
    fc.property(
      arbSk,
      fc.uint8Array({ minLength: 0, maxLength: 70 }),
      arbBytes32,
      fc.nat(6),
      arbEdge,
      (sk, msg, aux, mutation, edge) => {
        const sig = same(b, 'schnorrSign', (x) => x.schnorrSign(msg, sk, aux));
        const pub = nobleSecp256k1.xOnlyPublicKey(sk);
        const s = hexToBytes((sig as { ok: string }).ok);
        let key = pub;
        if (mutation === 1) s.set(edge, 0);
        else if (mutation === 2) s.set(edge, 32);
        else if (mutation === 3) key = edge;
        else if (mutation === 4) s[aux[0]! % 64]! ^= 1 << (aux[1]! % 8);
        else if (mutation === 5) key = pub.subarray(0, 31);
        const out = same(b, 'schnorrVerify', (x) => x.schnorrVerify(s, msg, key));
        if (mutation === 0) assert.deepEqual(out, { ok: true });
      },
    ),
    { numRuns: 500 },
  );
});

test('differential: keys, tweaks, parsing (incl. infinity and zero results)', async (t) => {
  const b = await libOrSkip(t);
  if (!b) return;
  fc.assert(
    fc.property(
      arbSk,
      arbScalarish,
      fc.nat(8),
      arbBytes32,
      fc.boolean(),
      (sk, tw, pick, junk, comp) => {
        same(b, 'isValidPrivateKey', (x) => x.isValidPrivateKey(tw));
        same(b, 'publicKeyCreate', (x) => x.publicKeyCreate(tw, comp));
        same(b, 'xOnlyPublicKey', (x) => x.xOnlyPublicKey(tw));
        same(b, 'privateKeyNegate', (x) => x.privateKeyNegate(tw));
        same(b, 'privateKeyTweakAdd', (x) => x.privateKeyTweakAdd(sk, tw));
        // (sk + (n - sk)) = 0 must be rejected the same way.
        same(b, 'privateKeyTweakAdd zero', (x) => x.privateKeyTweakAdd(sk, b32(N - num(sk))));
        const xo = nobleSecp256k1.xOnlyPublicKey(sk);
        same(b, 'isValidXOnlyPublicKey', (x) => x.isValidXOnlyPublicKey(tw));
        same(b, 'xOnlyTweakAdd', (x) => x.xOnlyTweakAdd(xo, tw));
        same(b, 'xOnlyTweakAdd edge key', (x) => x.xOnlyTweakAdd(tw, junk));
        // lift_x(xo) = d'·G with d' = sk or n - sk (even Y); tweak n - d' gives infinity.
        const even = nobleSecp256k1.publicKeyCreate(sk, true)[0] === 0x02;
        const inf = b32(N - (even ? num(sk) : N - num(sk)));
        const r = same(b, 'xOnlyTweakAdd infinity', (x) => x.xOnlyTweakAdd(xo, inf));
        assert.deepEqual(r, { ok: null });
        const pub = pubVariants(nobleSecp256k1, sk, pick, junk);
        same(b, 'parsePublicKey', (x) => x.parsePublicKey(pub));
        same(b, 'parsePublicKey hybrid', (x) => x.parsePublicKey(pub, { allowHybrid: true }));
        same(b, 'serializePublicKey', (x) => x.serializePublicKey(pub, comp));
        same(b, 'ecdsaSign', (x) => x.ecdsaSign(junk, sk));
        same(b, 'ecdsaSign extra', (x) => x.ecdsaSign(tw, sk, junk));
      },
    ),
    { numRuns: 500 },
  );
});

test('differential: bad lengths give the same CryptoError code or false', async (t) => {
  const b = await libOrSkip(t);
  if (!b) return;
  const sk = b32(12345n);
  const lens = [0, 1, 31, 33, 63, 64, 65, 66];
  for (const n of lens) {
    const x = new Uint8Array(n).fill(2);
    same(b, `ecdsaSign msg ${n}`, (y) => y.ecdsaSign(x, sk));
    same(b, `ecdsaSign sk ${n}`, (y) => y.ecdsaSign(sk, x));
    same(b, `ecdsaSign extra ${n}`, (y) => y.ecdsaSign(sk, sk, x));
    same(b, `schnorrSign sk ${n}`, (y) => y.schnorrSign(sk, x));
    same(b, `schnorrSign aux ${n}`, (y) => y.schnorrSign(sk, sk, x));
    same(b, `schnorrVerify ${n}`, (y) => y.schnorrVerify(x, sk, sk));
    same(b, `ecdsaVerify ${n}`, (y) => y.ecdsaVerify(x, sk, x));
    same(b, `publicKeyCreate ${n}`, (y) => y.publicKeyCreate(x));
    same(b, `privateKeyTweakAdd ${n}`, (y) => y.privateKeyTweakAdd(sk, x));
    same(b, `privateKeyNegate ${n}`, (y) => y.privateKeyNegate(x));
    same(b, `xOnlyTweakAdd ${n}`, (y) => y.xOnlyTweakAdd(x, sk));
    same(b, `xOnlyTweakAdd tweak ${n}`, (y) => y.xOnlyTweakAdd(b.xOnlyPublicKey(sk), x));
    same(b, `parsePublicKey ${n}`, (y) => y.parsePublicKey(x, { allowHybrid: true }));
    same(b, `serializePublicKey ${n}`, (y) => y.serializePublicKey(x, true));
    same(b, `isValidXOnlyPublicKey ${n}`, (y) => y.isValidXOnlyPublicKey(x));
  }
  // Not even a Uint8Array: still a CryptoError or false, never a TypeError.
  const notBytes = 'nope' as unknown as Uint8Array;
  same(b, 'ecdsaVerify string', (y) => y.ecdsaVerify(notBytes, sk, sk));
  same(b, 'schnorrVerify string', (y) => y.schnorrVerify(notBytes, sk, sk));
  same(b, 'publicKeyCreate string', (y) => y.publicKeyCreate(notBytes));
  same(b, 'parsePublicKey string', (y) => y.parsePublicKey(notBytes));
});
