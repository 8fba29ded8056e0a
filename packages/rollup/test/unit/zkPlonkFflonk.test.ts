import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { verifyFflonk, verifyPlonk, ZkError, ZkErrorCode } from '../../src/index.ts';
import { rootOfUnity } from '../../src/zk/field.ts';

const FIX = new URL('../../fixtures/zk/', import.meta.url).pathname;
// biome-ignore lint/suspicious/noExplicitAny: fixtures are JSON trees mutated in place
type Json = any;
type Verify = (vk: unknown, pub: unknown, proof: unknown) => boolean;
const load = (f: string): Json => JSON.parse(readFileSync(FIX + f, 'utf8'));
const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** Each scheme against both fixture circuits: batch.circom (1 public) and chain.circom (3). */
interface Scheme {
  name: string;
  verify: Verify;
  /** A G1 commitment of the proof and one of its evaluations, as JSON paths. */
  point: string[];
  evaluation: string[];
}
const SCHEMES: Scheme[] = [
  { name: 'plonk', verify: verifyPlonk, point: ['A'], evaluation: ['eval_a'] },
  {
    name: 'fflonk',
    verify: verifyFflonk,
    point: ['polynomials', 'C1'],
    evaluation: ['evaluations', 'qm'],
  },
];
const CIRCUITS = [
  { name: 'batch', prefix: '' },
  { name: 'chain', prefix: 'chain.' },
];

function leaves(o: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof o === 'string') return /^[0-9]+$/.test(o) ? [path] : [];
  if (Array.isArray(o)) return o.flatMap((v, i) => leaves(v, [...path, i]));
  if (o && typeof o === 'object')
    return Object.entries(o).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [];
}
function at(o: Json, path: (string | number)[]): [Json, string | number] {
  for (const k of path.slice(0, -1)) o = o[k];
  return [o, path.at(-1)!];
}
const outcome = (f: () => boolean): string => {
  try {
    return f() ? 'accepted' : 'false';
  } catch (e) {
    assert.ok(e instanceof ZkError, `typed error, got ${e}`);
    return e.code;
  }
};

describe('Fr roots of unity', () => {
  it('match ffjavascript (snarkjs) and the keys', () => {
    // Fr.w[28] as ffjavascript 0.3 prints it for bn128.
    assert.equal(
      rootOfUnity(28),
      19103219067921713944291392827692070036145651957329286315305642004821462161904n,
    );
    const squarings = (x: bigint, k: number): bigint =>
      k === 0 ? x : squarings((x * x) % R, k - 1);
    for (const k of [1, 5, 28]) {
      assert.equal(squarings(rootOfUnity(k), k), 1n, `order of w[${k}] divides 2^${k}`);
      assert.equal(squarings(rootOfUnity(k), k - 1), R - 1n, `order of w[${k}] is 2^${k}`);
    }
    assert.equal(BigInt(load('plonk.vkey.json').w), rootOfUnity(3));
    assert.equal(BigInt(load('chain.plonk.vkey.json').w), rootOfUnity(6));
  });
});

for (const { name: scheme, verify, point, evaluation } of SCHEMES) {
  for (const { name: circuit, prefix } of CIRCUITS) {
    const fresh = () => ({
      vk: load(`${prefix}${scheme}.vkey.json`),
      proof: load(`${prefix}${scheme}.proof.json`),
      pub: load(`${prefix}${scheme}.public.json`),
    });
    const run = (t: ReturnType<typeof fresh>) => outcome(() => verify(t.vk, t.pub, t.proof));

    describe(`${scheme} (${circuit} fixture)`, () => {
      it('accepts the snarkjs proof', () => {
        assert.equal(run(fresh()), 'accepted');
      });

      it('rejects every tampered proof element, public signal and key element', () => {
        let checked = 0;
        for (const which of ['proof', 'vk', 'pub'] as const) {
          for (const path of leaves(fresh()[which])) {
            const t = fresh();
            const [o, k] = at(t[which], path);
            // Coordinates (inside point arrays) live in Fp, scalars and public signals in Fr.
            const mod = which !== 'pub' && Array.isArray(o) ? P : R;
            o[k] = ((BigInt(o[k]) + 1n) % mod).toString();
            assert.notEqual(run(t), 'accepted', `${which}.${path.join('.')}`);
            checked++;
          }
        }
        assert.ok(checked >= 40, `covered ${checked} fields`);
      });

      it('a public signal changed to another valid value returns false', () => {
        const t = fresh();
        t.pub[t.pub.length - 1] = '1';
        assert.equal(run(t), 'false');
      });

      it('typed errors for malformed input', () => {
        const set = (o: Json, path: string[], v: unknown) => {
          const [p, k] = at(o, path);
          p[k] = v;
        };
        const get = (o: Json, path: string[]) => {
          const [p, k] = at(o, path);
          return p[k];
        };
        type T = ReturnType<typeof fresh>;
        const cases: [string, (t: T) => void, ZkErrorCode][] = [
          ['wrong protocol', (t) => (t.vk.protocol = 'groth16'), ZkErrorCode.UNSUPPORTED],
          ['wrong curve', (t) => (t.proof.curve = 'bls12381'), ZkErrorCode.UNSUPPORTED],
          ['power 0', (t) => (t.vk.power = 0), ZkErrorCode.UNSUPPORTED],
          ['power 29', (t) => (t.vk.power = 29), ZkErrorCode.UNSUPPORTED],
          ['power not integer', (t) => (t.vk.power = 3.5), ZkErrorCode.MALFORMED],
          ['nPublic missing', (t) => delete t.vk.nPublic, ZkErrorCode.MALFORMED],
          ['too many publics', (t) => t.pub.push('1'), ZkErrorCode.WRONG_LENGTH],
          ['no publics', (t) => (t.pub = []), ZkErrorCode.WRONG_LENGTH],
          [
            'public ≥ r',
            (t) => (t.pub[0] = (BigInt(t.pub[0]) + R).toString()),
            ZkErrorCode.PUBLIC_INPUT_RANGE,
          ],
          ['public number', (t) => (t.pub[0] = 5), ZkErrorCode.MALFORMED],
          [
            'evaluation ≥ r',
            (t) => set(t.proof, evaluation, (BigInt(get(t.proof, evaluation)) + R).toString()),
            ZkErrorCode.NOT_CANONICAL,
          ],
          ['evaluation hex', (t) => set(t.proof, evaluation, '0x01'), ZkErrorCode.NOT_CANONICAL],
          ['evaluation missing', (t) => set(t.proof, evaluation, undefined), ZkErrorCode.MALFORMED],
          ['point off curve', (t) => set(t.proof, [...point, '1'], '1'), ZkErrorCode.NOT_ON_CURVE],
          ['point z ≠ 1', (t) => set(t.proof, [...point, '2'], '2'), ZkErrorCode.NOT_CANONICAL],
          ['point short', (t) => get(t.proof, point).pop(), ZkErrorCode.WRONG_LENGTH],
          ['X_2 off twist', (t) => (t.vk.X_2[0][0] = '1'), ZkErrorCode.NOT_ON_CURVE],
          ['proof not an object', (t) => (t.proof = []), ZkErrorCode.MALFORMED],
        ];
        for (const [name, mutate, want] of cases) {
          const t = fresh();
          mutate(t);
          assert.equal(run(t), want, name);
        }
      });

      it('nPublic and power of the key are bound to the proof', () => {
        const more = fresh();
        more.vk.nPublic += 1;
        assert.equal(run(more), ZkErrorCode.WRONG_LENGTH);
        const bigger = fresh();
        bigger.vk.power += 1;
        // w no longer generates the claimed domain: refused before any pairing.
        assert.equal(run(bigger), ZkErrorCode.NOT_CANONICAL);
        const both = fresh();
        both.vk.power += 1;
        both.vk.w = rootOfUnity(both.vk.power).toString();
        // fflonk's wr (a cube root of w) then no longer fits: refused; PLONK runs and fails.
        assert.equal(run(both), scheme === 'fflonk' ? ZkErrorCode.NOT_CANONICAL : 'false');
      });
    });
  }
}

describe('fflonk key roots and the prover hint', () => {
  const fresh = () => ({
    vk: load('fflonk.vkey.json'),
    proof: load('fflonk.proof.json'),
    pub: load('fflonk.public.json'),
  });
  it('a wrong inv hint returns false (snarkjs JS ignores it; its Solidity verifier does not)', () => {
    const t = fresh();
    t.proof.evaluations.inv = '1';
    assert.equal(
      outcome(() => verifyFflonk(t.vk, t.pub, t.proof)),
      'false',
    );
  });
  it('roots of unity other than the ones snarkjs derives are refused', () => {
    const sq = (v: string) => ((BigInt(v) * BigInt(v)) % R).toString();
    for (const k of ['w', 'w4', 'w8', 'wr'] as const) {
      const t = fresh();
      t.vk[k] = sq(t.vk[k]);
      assert.equal(
        outcome(() => verifyFflonk(t.vk, t.pub, t.proof)),
        ZkErrorCode.NOT_CANONICAL,
        k,
      );
    }
    const t = fresh();
    t.vk.w3 = '1';
    assert.equal(
      outcome(() => verifyFflonk(t.vk, t.pub, t.proof)),
      ZkErrorCode.NOT_CANONICAL,
    );
  });
});
