// 0x0a point evaluation (EIP-4844) on the c-kzg-4844 verify_kzg_proof reference cases
// (/work/shared/vectors/kzg): true → 50000 gas and FIELD_ELEMENTS_PER_BLOB ‖ BLS_MODULUS;
// false or an invalid input → the call fails. Run through both KZG backends.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sha256 } from '@keel/crypto/hashes';
import { KZG_BACKEND_NAMES, type KzgBackend, loadKzgBackend } from '@keel/crypto/kzg';
import { vectorsDirOrSkip } from '@keel/test-utils';
import { bytesToHex, hexToBytes } from '@keel/util';
import { call, expectFail, expectOk } from './precompileHelpers.ts';

/** EIP-4844: U256(FIELD_ELEMENTS_PER_BLOB).to_be_bytes32() ‖ U256(BLS_MODULUS).to_be_bytes32(). */
const OUTPUT =
  '0000000000000000000000000000000000000000000000000000000000001000' +
  '73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001';

interface Case {
  name: string;
  input: { commitment: string; z: string; y: string; proof: string };
  output: boolean | null;
}

/** kzg_to_versioned_hash per EIP-4844, computed here rather than by the code under test. */
function versionedHash(commitmentHex: string): string {
  const h = sha256(hexToBytes(commitmentHex));
  return `01${bytesToHex(h).slice(2)}`;
}

const strip = (h: string) => h.replace(/^0x/, '');

function inputOf(c: Case['input']): string {
  const [commitment, z, y, proof] = [c.commitment, c.z, c.y, c.proof].map(strip) as string[];
  return versionedHash(commitment as string) + z + y + commitment + proof;
}

async function backend(name: (typeof KZG_BACKEND_NAMES)[number]): Promise<KzgBackend | string> {
  try {
    return await loadKzgBackend(name);
  } catch (e) {
    return `KZG backend ${name} unavailable: ${(e as Error).message}`;
  }
}

for (const name of KZG_BACKEND_NAMES) {
  test(`point evaluation on the verify_kzg_proof cases [${name}]`, async (t) => {
    const dir = vectorsDirOrSkip();
    if (!dir) return t.skip('vectors folder absent');
    const kzg = await backend(name);
    if (typeof kzg === 'string') return t.skip(kzg);
    const { cases } = JSON.parse(readFileSync(join(dir, 'kzg/verify_kzg_proof.json'), 'utf8')) as {
      cases: Case[];
    };
    assert.equal(cases.length, 122);
    let valid = 0;
    for (const c of cases) {
      const input = inputOf(c.input);
      const r = call(0x0a, input, 60_000n, { kzg });
      if (c.output === true) {
        valid++;
        expectOk(r, 50_000n, OUTPUT);
      } else {
        assert.deepEqual(r, { ok: false }, c.name);
      }
    }
    assert.ok(valid > 0);
  });
}

test('point evaluation: versioned hash, length, gas and a missing backend', async (t) => {
  const dir = vectorsDirOrSkip();
  if (!dir) return t.skip('vectors folder absent');
  const kzg = await backend('c-kzg');
  if (typeof kzg === 'string') return t.skip(kzg);
  const { cases } = JSON.parse(readFileSync(join(dir, 'kzg/verify_kzg_proof.json'), 'utf8')) as {
    cases: Case[];
  };
  const good = cases.find((c) => c.output === true && c.name.includes('correct_proof'));
  assert.ok(good);
  const input = inputOf(good.input);
  expectOk(call(0x0a, input, 50_000n, { kzg }), 50_000n, OUTPUT);
  expectFail(call(0x0a, input, 49_999n, { kzg }));
  expectFail(call(0x0a, input, 50_000n));
  expectFail(call(0x0a, `02${input.slice(2)}`, 50_000n, { kzg })); // version byte
  const flipped = (Number.parseInt(input.slice(62, 64), 16) ^ 1).toString(16).padStart(2, '0');
  expectFail(call(0x0a, `${input.slice(0, 62)}${flipped}${input.slice(64)}`, 50_000n, { kzg }));
  expectFail(call(0x0a, `${input}00`, 50_000n, { kzg }));
  expectFail(call(0x0a, input.slice(0, -2), 50_000n, { kzg }));
});
