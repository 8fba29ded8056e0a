/**
 * Differential test, extending secp256k1.test.ts: noble against libsecp256k1 on
 * - the consensus ECDSA path (Core's lax DER parser, then verify) over DER encodings at every
 *   edge the pre-BIP66 chain allowed: excess padding, long-form lengths, negative integers,
 *   over-long integers, zero-length and zero values, values >= n, trailing garbage, a wrong
 *   sequence length, high S; each built around a real signature, so the answers are not all
 *   "false";
 * - BIP340: signatures made by one backend verified by the other, and every BIP340 test vector
 *   with single-byte mutations of its key, message and signature.
 * Both backends must agree on every input, and the unmutated cases must verify (so the test
 * cannot pass by both saying "false").
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { findVectorsDir } from '@keel/conformance';
import { bytesToHex, concatBytes, hexToBytes } from '@keel/util';
import fc from 'fast-check';
import { loadSecp256k1Backend, nobleSecp256k1, parseDerLax } from '../../src/secp256k1/index.ts';
import type { Secp256k1Backend } from '../../src/secp256k1/types.ts';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const b32 = (n: bigint) => hexToBytes(n.toString(16).padStart(64, '0'));
const num = (b: Uint8Array) => BigInt(`0x${bytesToHex(b) || '0'}`);

async function lib(t: { skip(msg: string): void }): Promise<Secp256k1Backend | undefined> {
  try {
    return await loadSecp256k1Backend('libsecp256k1');
  } catch (e) {
    t.skip(`libsecp256k1 backend unavailable: ${(e as Error).message}`);
    return undefined;
  }
}

const int = (body: Uint8Array, len = body.length) => concatBytes(Uint8Array.of(0x02, len), body);
const seq = (body: Uint8Array, len = body.length) => concatBytes(Uint8Array.of(0x30, len), body);
/** Minimal big-endian bytes of v (empty for 0). */
function minimal(v: bigint): Uint8Array {
  const hex = v.toString(16);
  const b = hexToBytes(hex.padStart(Math.max(64, hex.length + (hex.length % 2)), '0'));
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return b.subarray(i);
}
/** A signed DER integer body: 0x00-padded when the top bit is set. */
function signedBody(v: bigint): Uint8Array {
  const m = minimal(v);
  return m.length && m[0]! & 0x80 ? concatBytes(Uint8Array.of(0), m) : m;
}

/** Encodings of (r, s) at the lax parser's edges, each named. */
function derVariants(r: bigint, s: bigint): Array<[string, Uint8Array]> {
  const R = signedBody(r);
  const S = signedBody(s);
  const z = (n: number) => new Uint8Array(n);
  const canonical = seq(concatBytes(int(R), int(S)));
  return [
    ['canonical', canonical],
    ['r padded by 1', seq(concatBytes(int(concatBytes(z(1), R)), int(S)))],
    ['r padded by 3', seq(concatBytes(int(concatBytes(z(3), R)), int(S)))],
    ['s padded to 40 bytes', seq(concatBytes(int(R), int(concatBytes(z(40 - S.length), S))))],
    ['r negative (pad dropped)', seq(concatBytes(int(minimal(r)), int(S)))],
    [
      'long-form seq length 0x81',
      concatBytes(Uint8Array.of(0x30, 0x81, canonical.length - 2), canonical.subarray(2)),
    ],
    [
      'long-form seq length 0x84',
      concatBytes(Uint8Array.of(0x30, 0x84, 0, 0, 0, canonical.length - 2), canonical.subarray(2)),
    ],
    ['long-form r length 0x81', seq(concatBytes(Uint8Array.of(0x02, 0x81, R.length), R, int(S)))],
    [
      'long-form r length 0x82 00',
      seq(concatBytes(Uint8Array.of(0x02, 0x82, 0, R.length), R, int(S))),
    ],
    ['wrong seq length', concatBytes(Uint8Array.of(0x30, 0x05), canonical.subarray(2))],
    ['trailing garbage', concatBytes(canonical, Uint8Array.of(0xde, 0xad))],
    ['zero-length r', seq(concatBytes(int(z(0)), int(S)))],
    ['zero-length s', seq(concatBytes(int(R), int(z(0))))],
    ['r = 0', seq(concatBytes(int(z(1)), int(S)))],
    ['r = n', seq(concatBytes(int(signedBody(N)), int(S)))],
    ['s = n + s', seq(concatBytes(int(R), int(signedBody(N + s))))],
    ['high S (n - s)', seq(concatBytes(int(R), int(signedBody(N - s))))],
    ['33-byte r without pad', seq(concatBytes(int(concatBytes(Uint8Array.of(1), b32(r))), int(S)))],
    ['r length past the end', seq(concatBytes(Uint8Array.of(0x02, 0x70), R, int(S)))],
    ['sequence tag 0x31', concatBytes(Uint8Array.of(0x31), canonical.subarray(1))],
    ['integer tag 0x03', seq(concatBytes(Uint8Array.of(0x03, R.length), R, int(S)))],
    ['truncated', canonical.subarray(0, canonical.length - 3)],
  ];
}

/** What Core's lax parse + verify must give for the unmutated signature's variants. */
const MUST_VERIFY = new Set([
  'canonical',
  'r padded by 1',
  'r padded by 3',
  's padded to 40 bytes',
  'r negative (pad dropped)',
  'long-form seq length 0x81',
  'long-form seq length 0x84',
  'long-form r length 0x81',
  'long-form r length 0x82 00',
  'wrong seq length',
  'trailing garbage',
  // verify normalizes S as Core does, so n - s verifies too
  'high S (n - s)',
]);

test('differential: lax DER + ECDSA verify at every DER edge', async (t) => {
  const libsecp = await lib(t);
  if (!libsecp) return;
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.boolean(),
      (seed, msg, compressed) => {
        const sk = b32((num(seed) % (N - 1n)) + 1n);
        const pub = nobleSecp256k1.publicKeyCreate(sk, compressed);
        const sig = libsecp.ecdsaSign(msg, sk);
        const r = num(sig.subarray(0, 32));
        const s = num(sig.subarray(32));
        for (const [name, der] of derVariants(r, s)) {
          const rs = parseDerLax(der);
          const a: boolean = rs !== null && nobleSecp256k1.ecdsaVerify(rs, msg, pub);
          const b: boolean = rs !== null && libsecp.ecdsaVerify(rs, msg, pub);
          assert.equal(a, b, `${name}: noble ${a}, libsecp256k1 ${b} (${bytesToHex(der)})`);
          assert.equal(
            a,
            MUST_VERIFY.has(name),
            `${name} should ${MUST_VERIFY.has(name) ? '' : 'not '}verify`,
          );
        }
      },
    ),
    { numRuns: 25 },
  );
});

test('differential: BIP340 signatures cross-verify, mutations agree', async (t) => {
  const libsecp = await lib(t);
  if (!libsecp) return;
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.nat(95),
      fc.nat(7),
      (seed, msg, aux, at, bit) => {
        const sk = b32((num(seed) % (N - 1n)) + 1n);
        const x = libsecp.xOnlyPublicKey(sk);
        assert.equal(bytesToHex(nobleSecp256k1.xOnlyPublicKey(sk)), bytesToHex(x));
        const s1 = libsecp.schnorrSign(msg, sk, aux);
        const s2 = nobleSecp256k1.schnorrSign(msg, sk, aux);
        // BIP340 signing is deterministic given aux: both must produce the same bytes
        assert.equal(bytesToHex(s1), bytesToHex(s2));
        assert.ok(nobleSecp256k1.schnorrVerify(s1, msg, x));
        assert.ok(libsecp.schnorrVerify(s2, msg, x));
        // one bit flipped in sig (0..63), message (64..95)
        const sig = s1.slice();
        const m = msg.slice();
        if (at < 64) sig[at] = sig[at]! ^ (1 << bit);
        else m[at - 64] = m[at - 64]! ^ (1 << bit);
        assert.equal(nobleSecp256k1.schnorrVerify(sig, m, x), libsecp.schnorrVerify(sig, m, x));
        assert.equal(libsecp.schnorrVerify(sig, m, x), false);
      },
    ),
    { numRuns: 80 },
  );
});

test('differential: BIP340 vectors with every single-byte mutation of key and signature', async (t) => {
  const libsecp = await lib(t);
  if (!libsecp) return;
  const dir = findVectorsDir();
  if (!dir) {
    t.skip('vectors folder not found (KEEL_VECTORS)');
    return;
  }
  const rows = readFileSync(join(dir, 'bips/bip-0340/test-vectors.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  assert.ok(rows.length >= 15, `only ${rows.length} BIP340 vectors read`);
  let agreed = 0;
  for (const [index, , pubHex, , msgHex, sigHex, result] of rows) {
    const pub = hexToBytes(pubHex!);
    const msg = hexToBytes(msgHex!);
    const sig = hexToBytes(sigHex!);
    const expected = result === 'TRUE';
    assert.equal(nobleSecp256k1.schnorrVerify(sig, msg, pub), expected, `vector ${index} noble`);
    assert.equal(libsecp.schnorrVerify(sig, msg, pub), expected, `vector ${index} libsecp256k1`);
    for (const [what, bytes] of [
      ['pub', pub],
      ['sig', sig],
    ] as const) {
      for (let i = 0; i < bytes.length; i++) {
        for (const delta of [1, 0x80]) {
          const m = bytes.slice();
          m[i] = m[i]! ^ delta;
          const p = what === 'pub' ? m : pub;
          const s = what === 'sig' ? m : sig;
          const a = nobleSecp256k1.schnorrVerify(s, msg, p);
          const b = libsecp.schnorrVerify(s, msg, p);
          assert.equal(a, b, `vector ${index}, ${what}[${i}] ^ ${delta}: noble ${a}, libsecp ${b}`);
          agreed++;
        }
      }
    }
  }
  assert.ok(agreed > 1500);
});
