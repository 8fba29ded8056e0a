import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { verifyGroth16, ZkError } from '../../src/index.ts';

const FIX = new URL('../../fixtures/zk/', import.meta.url).pathname;
const text = {
  vk: readFileSync(`${FIX}groth16.vkey.json`, 'utf8'),
  proof: readFileSync(`${FIX}groth16.proof.json`, 'utf8'),
  pub: readFileSync(`${FIX}groth16.public.json`, 'utf8'),
};
const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
// The decimal leaves that carry the proof and the statement (vk_alphabeta_12 is unused).
const SLOTS: [keyof typeof text, (string | number)[]][] = [
  ['proof', ['pi_a', 0]],
  ['proof', ['pi_a', 1]],
  ['proof', ['pi_c', 0]],
  ['proof', ['pi_c', 1]],
  ['proof', ['pi_b', 0, 0]],
  ['proof', ['pi_b', 0, 1]],
  ['proof', ['pi_b', 1, 0]],
  ['proof', ['pi_b', 1, 1]],
  ['pub', [0]],
  ['vk', ['vk_alpha_1', 0]],
  ['vk', ['vk_delta_2', 1, 0]],
  ['vk', ['IC', 1, 1]],
  ['vk', ['IC', 0, 0]],
  ['vk', ['vk_gamma_2', 0, 1]],
  ['vk', ['vk_beta_2', 1, 1]],
];

describe('property: random tampering of a Groth16 proof, statement or key never verifies', () => {
  it('any non-zero delta in any slot is rejected (false or ZkError)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: SLOTS.length - 1 }),
        fc.bigInt({ min: 1n, max: P - 1n }),
        (slot, delta) => {
          const t = {
            vk: JSON.parse(text.vk),
            proof: JSON.parse(text.proof),
            pub: JSON.parse(text.pub),
          };
          const [which, path] = SLOTS[slot]!;
          let o = t[which];
          for (const k of path.slice(0, -1)) o = o[k];
          const k = path.at(-1)!;
          const mod =
            which === 'pub'
              ? 21888242871839275222246405745257275088548364400416034343698204186575808495617n
              : P;
          o[k] = ((BigInt(o[k]) + delta) % mod).toString();
          try {
            return verifyGroth16(t.vk, t.proof, t.pub) === false;
          } catch (e) {
            return e instanceof ZkError;
          }
        },
      ),
      { numRuns: 60, seed: 20 },
    );
  });
});
