// ElligatorSwift's scalar multiplications are pluggable (noble, or libsecp256k1 WASM installed
// by accelerateEllswift / loading the libsecp256k1 backend). Both must give BIP324's published
// shared secrets, and the same answers as each other on random keys.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SeededRng, vectorsDirOrSkip } from '@keel/test-utils';
import { bytesToHex, hexToBytes } from '@keel/util';
import {
  ellswiftCreate,
  ellswiftDecode,
  ellswiftEcdhXonly,
  ellswiftMultiplierName,
  ellswiftXdh,
  setEllswiftMultiplier,
  xOnlyEcdh,
} from '../../src/secp256k1/ellswift.ts';
import { loadWasmBinding, wasmEllswiftMultiplier } from '../../src/secp256k1/libsecp256k1.ts';
import { nobleSecp256k1 } from '../../src/secp256k1/noble.ts';
import { parseCsv } from '../../src/suites/_secp256k1Variant.ts';

after(() => setEllswiftMultiplier(null));

async function multipliers() {
  const tiny = await loadWasmBinding();
  assert.ok(tiny, 'tiny-secp256k1 loads here');
  return [null, wasmEllswiftMultiplier(tiny)] as const;
}

test('BIP324 packet vectors: x-only ECDH and v2_ecdh with each multiplier', async (t) => {
  const dir = vectorsDirOrSkip();
  if (!dir) return t.skip('vectors absent');
  const rows = parseCsv(
    readFileSync(join(dir, 'bips/bip-0324/packet_encoding_test_vectors.csv'), 'utf8'),
  );
  assert.ok(rows.length > 0);
  for (const m of await multipliers()) {
    setEllswiftMultiplier(m);
    for (const row of rows) {
      const h = (k: string) => hexToBytes(row[k]!);
      const sk = h('in_priv_ours');
      const [ours, theirs] = [h('in_ellswift_ours'), h('in_ellswift_theirs')];
      const initiating = row.in_initiating === '1';
      assert.equal(
        bytesToHex(ellswiftEcdhXonly(theirs, sk)),
        row.mid_x_shared,
        ellswiftMultiplierName(),
      );
      const [a, b] = initiating ? [ours, theirs] : [theirs, ours];
      assert.equal(bytesToHex(ellswiftXdh(a, b, sk, initiating)), row.mid_shared_secret);
      // a key created here decodes to x(sk·G)
      assert.equal(
        bytesToHex(ellswiftDecode(ellswiftCreate(sk))),
        bytesToHex(nobleSecp256k1.xOnlyPublicKey(sk)),
      );
    }
  }
});

test('noble and libsecp256k1 multipliers agree on random keys', async () => {
  const [, wasm] = await multipliers();
  const rng = new SeededRng(324);
  for (let i = 0; i < 40; i++) {
    const sk = rng.bytes(32);
    const other = rng.bytes(32);
    if (!nobleSecp256k1.isValidPrivateKey(sk) || !nobleSecp256k1.isValidPrivateKey(other)) continue;
    const x = nobleSecp256k1.xOnlyPublicKey(other);
    const aux = rng.bytes(32);
    setEllswiftMultiplier(null);
    const n = [bytesToHex(xOnlyEcdh(x, sk)), bytesToHex(ellswiftCreate(sk, aux))];
    setEllswiftMultiplier(wasm);
    const w = [bytesToHex(xOnlyEcdh(x, sk)), bytesToHex(ellswiftCreate(sk, aux))];
    assert.deepEqual(w, n);
  }
  setEllswiftMultiplier(null);
  assert.equal(ellswiftMultiplierName(), 'noble');
});
