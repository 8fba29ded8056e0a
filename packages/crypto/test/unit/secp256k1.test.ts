import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex, hexToBytes, isKeelError } from '@keel/util';
import { CryptoErrorCode } from '../../src/errors.ts';
import {
  ellswiftCreate,
  ellswiftDecode,
  ellswiftEncode,
  ellswiftXdh,
  isLowS,
  loadSecp256k1Backend,
  nobleSecp256k1,
  normalizeS,
  parseDerLax,
  signatureToDer,
  xOnlyEcdh,
} from '../../src/secp256k1/index.ts';
import { createLibsecp256k1Backend, loadWasmBinding } from '../../src/secp256k1/libsecp256k1.ts';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const b32 = (n: bigint) => hexToBytes(n.toString(16).padStart(64, '0'));
const rs = (r: bigint, s: bigint) => bytesToHex(b32(r)) + bytesToHex(b32(s));

test('parseDerLax: Core lax-DER semantics', () => {
  const p = (h: string) => {
    const r = parseDerLax(hexToBytes(h));
    return r && bytesToHex(r);
  };
  assert.equal(p('3006020101020102'), rs(1n, 2n), 'minimal strict DER');
  assert.equal(p('3006020101020102ffff'), rs(1n, 2n), 'trailing garbage ignored');
  assert.equal(p('3044020101020102'), rs(1n, 2n), 'wrong sequence length ignored');
  assert.equal(p('30ff020101020102'), null, 'long-form sequence length runs past the end');
  assert.equal(p('3081060201010201ff'), rs(1n, 255n), 'negative s (no 0x00 pad) accepted');
  assert.equal(p('3008020300000102 0102'.replace(' ', '')), rs(1n, 2n), 'excess zero padding');
  assert.equal(p('30070282000501020102'), null, 'r length 5 runs past the end');
  assert.equal(p('30080282000101020102'), rs(1n, 2n), 'long-form length with leading zero byte');
  assert.equal(p('300a02840000000101020102'), rs(1n, 2n), 'zero length bytes do not count');
  assert.equal(p('300a02840100000001020102'), null, '4 significant length bytes');
  assert.equal(p('3100020101020102'), null, 'not a SEQUENCE');
  assert.equal(p('3006030101020102'), null, 'r not an INTEGER');
  assert.equal(p('30060201010201'), null, 's length missing');
  assert.equal(p('300602010102030102'), null, 's runs past the end');
  assert.equal(p(''), null);
  // r >= n or wider than 32 bytes: parses, but as r = s = 0 so verification fails.
  const nHex = N.toString(16);
  assert.equal(p(`3026022100${nHex}020101`), rs(0n, 0n), 'r = n overflows to zero');
  assert.equal(p(`3026022101${'00'.repeat(32)}020101`), rs(0n, 0n), '33-byte r');
  assert.equal(p(`3026022100${(N - 1n).toString(16)}020101`), rs(N - 1n, 1n), 'r = n-1 kept');
});

test('signatureToDer is strict DER that parses back', () => {
  for (const [r, s] of [
    [1n, 2n],
    [0x80n, 0x7fn],
    [N - 1n, N >> 1n],
  ] as const) {
    const der = signatureToDer(hexToBytes(rs(r, s)));
    assert.equal(der[0], 0x30);
    assert.equal(der[1], der.length - 2);
    assert.equal(bytesToHex(parseDerLax(der)!), rs(r, s));
  }
  assert.equal(bytesToHex(signatureToDer(hexToBytes(rs(0x80n, 1n)))), '300702020080020101');
  assert.throws(() => signatureToDer(hexToBytes(rs(0n, 1n))), {
    code: CryptoErrorCode.INVALID_SIGNATURE,
  });
  assert.throws(() => signatureToDer(hexToBytes(rs(N, 1n))), {
    code: CryptoErrorCode.INVALID_SIGNATURE,
  });
});

test('isLowS / normalizeS at the n/2 boundary', () => {
  const half = N >> 1n;
  assert.equal(isLowS(hexToBytes(rs(1n, half))), true);
  assert.equal(isLowS(hexToBytes(rs(1n, half + 1n))), false);
  assert.equal(bytesToHex(normalizeS(hexToBytes(rs(5n, half + 1n)))), rs(5n, N - half - 1n));
  assert.equal(bytesToHex(normalizeS(hexToBytes(rs(5n, 7n)))), rs(5n, 7n));
  assert.throws(() => normalizeS(hexToBytes(rs(N, 7n))), {
    code: CryptoErrorCode.INVALID_SIGNATURE,
  });
  assert.throws(() => isLowS(new Uint8Array(63)), { code: CryptoErrorCode.INVALID_LENGTH });
});

test('ElligatorSwift: encode/create decode to the key; xdh agrees on both sides', () => {
  const skA = b32(0x1234567890n);
  const skB = b32(N - 77n);
  const xA = nobleSecp256k1.xOnlyPublicKey(skA);
  const xB = nobleSecp256k1.xOnlyPublicKey(skB);
  for (let i = 0; i < 8; i++) {
    const rnd = b32(BigInt(i) * 0x9e3779b97f4a7c15n + 1n);
    assert.equal(bytesToHex(ellswiftDecode(ellswiftEncode(xA, rnd))), bytesToHex(xA));
    assert.equal(
      bytesToHex(ellswiftDecode(ellswiftEncode(nobleSecp256k1.publicKeyCreate(skB, false), rnd))),
      bytesToHex(xB),
    );
  }
  const ellA = ellswiftCreate(skA, b32(1n));
  const ellB = ellswiftCreate(skB);
  assert.equal(bytesToHex(ellswiftDecode(ellA)), bytesToHex(xA));
  assert.notEqual(bytesToHex(ellswiftCreate(skA, b32(2n))), bytesToHex(ellA), 'aux randomizes');
  const sA = ellswiftXdh(ellA, ellB, skA, true);
  const sB = ellswiftXdh(ellA, ellB, skB, false);
  assert.equal(bytesToHex(sA), bytesToHex(sB));
  assert.equal(bytesToHex(xOnlyEcdh(xB, skA)), bytesToHex(xOnlyEcdh(xA, skB)));
  assert.throws(() => ellswiftDecode(new Uint8Array(63)), { code: CryptoErrorCode.INVALID_LENGTH });
  assert.throws(() => ellswiftCreate(b32(0n)), { code: CryptoErrorCode.INVALID_PRIVATE_KEY });
  assert.throws(() => xOnlyEcdh(b32(5n), skA), { code: CryptoErrorCode.INVALID_PUBLIC_KEY });
});

test('loadSecp256k1Backend: names, auto, unknown preference', async () => {
  assert.equal((await loadSecp256k1Backend('noble')).name, 'noble');
  const auto = await loadSecp256k1Backend('auto');
  assert.ok(auto.name === 'libsecp256k1' || auto.name === 'noble');
  await assert.rejects(
    loadSecp256k1Backend('openssl' as 'noble'),
    (e: unknown) => isKeelError(e) && e.code === CryptoErrorCode.BACKEND_UNAVAILABLE,
  );
});

test('libsecp256k1 WASM-only composite (no native addon) agrees with noble', async (t) => {
  const tiny = await loadWasmBinding();
  if (!tiny) {
    t.skip('tiny-secp256k1 did not load');
    return;
  }
  const wasm = createLibsecp256k1Backend(tiny, null);
  for (let i = 1n; i < 40n; i++) {
    const sk = b32(i * 0x1f2e3d4c5b6a7988n + (i << 200n));
    const msg = b32(N - i);
    const sig = wasm.ecdsaSign(msg, sk);
    assert.equal(bytesToHex(sig), bytesToHex(nobleSecp256k1.ecdsaSign(msg, sk)));
    const pub = wasm.publicKeyCreate(sk, i % 2n === 0n);
    assert.equal(bytesToHex(pub), bytesToHex(nobleSecp256k1.publicKeyCreate(sk, i % 2n === 0n)));
    const hi = hexToBytes(
      bytesToHex(sig).slice(0, 64) + bytesToHex(b32(N - BigInt(`0x${bytesToHex(sig).slice(64)}`))),
    );
    assert.equal(wasm.ecdsaVerify(hi, msg, pub), true, 'high-S twin verifies (Core normalizes)');
    const hyb = nobleSecp256k1.parsePublicKey(pub)!;
    hyb[0] = 0x06 | (hyb[64]! & 1);
    assert.equal(wasm.ecdsaVerify(sig, msg, hyb), true, 'hybrid key accepted in consensus verify');
    assert.equal(wasm.parsePublicKey(hyb), null, 'hybrid rejected by default');
    hyb[0] ^= 1;
    assert.equal(wasm.ecdsaVerify(sig, msg, hyb), false, 'hybrid with wrong parity');
  }
});
