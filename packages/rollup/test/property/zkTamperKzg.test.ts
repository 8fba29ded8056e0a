import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { verifyFflonk, verifyPlonk, ZkError } from '../../src/index.ts';

const FIX = new URL('../../fixtures/zk/', import.meta.url).pathname;
const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
type Verify = (vk: unknown, pub: unknown, proof: unknown) => boolean;
type Slot = { which: 'vk' | 'proof' | 'pub'; path: (string | number)[]; mod: bigint };

/** Every decimal leaf of vkey, proof and public signals; point coordinates are mod p. */
function slots(json: Record<Slot['which'], unknown>): Slot[] {
  const out: Slot[] = [];
  const walk = (which: Slot['which'], o: unknown, path: (string | number)[], inPoint: boolean) => {
    if (typeof o === 'string' && /^[0-9]+$/.test(o))
      out.push({ which, path, mod: inPoint ? P : R });
    else if (Array.isArray(o)) {
      for (const [i, v] of o.entries()) walk(which, v, [...path, i], which !== 'pub');
    } else if (o && typeof o === 'object')
      for (const [k, v] of Object.entries(o)) walk(which, v, [...path, k], false);
  };
  for (const which of ['vk', 'proof', 'pub'] as const) walk(which, json[which], [], false);
  return out;
}

const SCHEMES: [string, Verify][] = [
  ['plonk', verifyPlonk],
  ['fflonk', verifyFflonk],
];

describe('property: random tampering of a PLONK/fflonk proof, statement or key never verifies', () => {
  for (const [scheme, verify] of SCHEMES) {
    for (const prefix of ['', 'chain.']) {
      const text = {
        vk: readFileSync(`${FIX}${prefix}${scheme}.vkey.json`, 'utf8'),
        proof: readFileSync(`${FIX}${prefix}${scheme}.proof.json`, 'utf8'),
        pub: readFileSync(`${FIX}${prefix}${scheme}.public.json`, 'utf8'),
      };
      const parse = () => ({
        vk: JSON.parse(text.vk),
        proof: JSON.parse(text.proof),
        pub: JSON.parse(text.pub),
      });
      const all = slots(parse());
      it(`${prefix}${scheme}: any non-zero delta in any of ${all.length} slots is rejected`, () => {
        fc.assert(
          fc.property(
            fc.integer({ min: 0, max: all.length - 1 }),
            fc.bigInt({ min: 1n, max: P - 1n }),
            (i, delta) => {
              const t = parse();
              const { which, path, mod } = all[i]!;
              let o = t[which];
              for (const k of path.slice(0, -1)) o = o[k];
              const k = path.at(-1)!;
              const next = (BigInt(o[k]) + (delta % mod)) % mod;
              fc.pre(next.toString() !== o[k]);
              o[k] = next.toString();
              try {
                return verify(t.vk, t.pub, t.proof) === false;
              } catch (e) {
                return e instanceof ZkError;
              }
            },
          ),
          { numRuns: 40, seed: 20 },
        );
      });
    }
  }
});
