import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { verifyGroth16, ZkError, ZkErrorCode } from '../../src/index.ts';

const FIX = new URL('../../fixtures/zk/', import.meta.url).pathname;
// biome-ignore lint/suspicious/noExplicitAny: fixtures are JSON trees mutated in place
type Json = any;
const load = (f: string): Json => JSON.parse(readFileSync(FIX + f, 'utf8'));
const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const fresh = () => ({
  vk: load('groth16.vkey.json'),
  proof: load('groth16.proof.json'),
  pub: load('groth16.public.json'),
});

/** Every [path, value] of a decimal-string leaf inside `o`. */
function leaves(o: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof o === 'string') return /^[0-9]+$/.test(o) ? [path] : [];
  if (Array.isArray(o)) return o.flatMap((v, i) => leaves(v, [...path, i]));
  if (o && typeof o === 'object')
    return Object.entries(o).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [];
}
function setAt(o: Json, path: (string | number)[], v: unknown): void {
  for (const k of path.slice(0, -1)) o = o[k];
  o[path.at(-1)!] = v;
}
function getAt(o: Json, path: (string | number)[]): Json {
  for (const k of path) o = o[k];
  return o;
}
const code = (f: () => boolean): string => {
  try {
    return f() ? 'accepted' : 'false';
  } catch (e) {
    assert.ok(e instanceof ZkError, `typed error, got ${e}`);
    return e.code;
  }
};

describe('verifyGroth16 (snarkjs fixture)', () => {
  it('accepts the fixture proof', () => {
    const { vk, proof, pub } = fresh();
    assert.equal(verifyGroth16(vk, proof, pub), true);
  });

  it('rejects every tampered proof coordinate, public input and vkey coordinate', () => {
    let checked = 0;
    for (const which of ['proof', 'vk', 'pub'] as const) {
      const base = fresh()[which];
      for (const path of leaves(base)) {
        if (which === 'vk' && (path[0] === 'nPublic' || path[0] === 'vk_alphabeta_12')) continue;
        const t = fresh();
        const v = BigInt(getAt(t[which], path));
        setAt(t[which], path, ((v + 1n) % (which === 'pub' ? R : P)).toString());
        const r = code(() => verifyGroth16(t.vk, t.proof, t.pub));
        // Off-curve is the usual outcome; a tampered public input still parses and fails the pairing.
        assert.notEqual(r, 'accepted', `${which}.${path.join('.')}`);
        checked++;
      }
    }
    assert.ok(checked >= 30, `covered ${checked} fields`);
  });

  it('a public input changed to another valid value returns false (well-formed, wrong)', () => {
    const t = fresh();
    t.pub[0] = '1';
    assert.equal(verifyGroth16(t.vk, t.proof, t.pub), false);
  });

  it('typed errors for malformed input', () => {
    const cases: [string, (t: ReturnType<typeof fresh>) => void, ZkErrorCode][] = [
      [
        'public ≥ r',
        (t) => (t.pub[0] = (BigInt(t.pub[0]) + R).toString()),
        ZkErrorCode.PUBLIC_INPUT_RANGE,
      ],
      ['public leading zero', (t) => (t.pub[0] = `0${t.pub[0]}`), ZkErrorCode.NOT_CANONICAL],
      ['public hex', (t) => (t.pub[0] = '0x01'), ZkErrorCode.NOT_CANONICAL],
      ['public number', (t) => (t.pub[0] = 5), ZkErrorCode.MALFORMED],
      ['too many publics', (t) => t.pub.push('1'), ZkErrorCode.WRONG_LENGTH],
      ['no publics', (t) => t.pub.pop(), ZkErrorCode.WRONG_LENGTH],
      [
        'coordinate ≥ p',
        (t) => (t.proof.pi_a[0] = (BigInt(t.proof.pi_a[0]) + P).toString()),
        ZkErrorCode.NOT_CANONICAL,
      ],
      ['G1 off curve', (t) => (t.proof.pi_c[1] = '1'), ZkErrorCode.NOT_ON_CURVE],
      ['G1 z ≠ 1', (t) => (t.proof.pi_a[2] = '2'), ZkErrorCode.NOT_CANONICAL],
      ['G2 off twist', (t) => (t.proof.pi_b[0][0] = '1'), ZkErrorCode.NOT_ON_CURVE],
      ['G2 wrong shape', (t) => t.proof.pi_b[1].pop(), ZkErrorCode.WRONG_LENGTH],
      ['IC length', (t) => t.vk.IC.pop(), ZkErrorCode.WRONG_LENGTH],
      ['wrong protocol', (t) => (t.vk.protocol = 'plonk'), ZkErrorCode.UNSUPPORTED],
      ['wrong curve', (t) => (t.proof.curve = 'bls12381'), ZkErrorCode.UNSUPPORTED],
      ['proof not an object', (t) => (t.proof = [] as never), ZkErrorCode.MALFORMED],
    ];
    for (const [name, mutate, want] of cases) {
      const t = fresh();
      mutate(t);
      assert.equal(
        code(() => verifyGroth16(t.vk, t.proof, t.pub)),
        want,
        name,
      );
    }
  });

  it('a G2 point on the twist but outside the order-r subgroup is refused', async () => {
    const { bn254 } = await import('@noble/curves/bn254.js');
    const Fp2 = bn254.fields.Fp2;
    const b = bn254.G2.Point.CURVE().b;
    // Search x = (k, 0) for a twist point; the twist's cofactor is large, so it is almost
    // surely outside the subgroup (the test asserts it through noble independently).
    for (let k = 1n; k < 100n; k++) {
      const x = { c0: k, c1: 0n };
      const y2 = Fp2.add(Fp2.mul(Fp2.sqr(x), x), b);
      let y: { c0: bigint; c1: bigint };
      try {
        y = Fp2.sqrt(y2);
      } catch {
        continue;
      }
      const t = fresh();
      t.proof.pi_b = [
        [k.toString(), '0'],
        [y.c0.toString(), y.c1.toString()],
        ['1', '0'],
      ];
      assert.equal(
        code(() => verifyGroth16(t.vk, t.proof, t.pub)),
        ZkErrorCode.NOT_IN_SUBGROUP,
      );
      return;
    }
    assert.fail('no twist point found');
  });
});
