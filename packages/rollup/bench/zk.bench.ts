// `npm run bench -- zk`: keel's verifiers beside snarkjs's (the anchor, a GPL-3.0
// devDependency loaded only here) on the same committed fixture proofs, in the same process.
import { readFileSync } from 'node:fs';
import type { BenchHarness, BenchMain } from '@keel/util';
import { parseGroth16Proof, parseGroth16VerificationKey, verifyGroth16 } from '../src/index.ts';
import { parsePublicSignals } from '../src/zk/bn254.ts';
import { verifyGroth16Parsed } from '../src/zk/groth16.ts';

const FIX = new URL('../fixtures/zk/', import.meta.url).pathname;
const load = (f: string): unknown => JSON.parse(readFileSync(FIX + f, 'utf8'));

interface Snarkjs {
  groth16: {
    verify(vk: unknown, pub: unknown, proof: unknown, logger?: unknown): Promise<boolean>;
  };
}

export const main: BenchMain = async (h: BenchHarness) => {
  const snarkjs = (await import('snarkjs')) as unknown as Snarkjs;
  const runs = Math.max(3, Math.round(15 * h.scale));
  const vk = load('groth16.vkey.json');
  const proof = load('groth16.proof.json');
  const pub = load('groth16.public.json');
  if (!verifyGroth16(vk, proof, pub)) throw new Error('fixture does not verify');
  if (!(await snarkjs.groth16.verify(vk, pub, proof))) throw new Error('snarkjs rejects fixture');
  const anchor = await h.timeMsAsync(() => snarkjs.groth16.verify(vk, pub, proof), { runs });
  const keel = h.timeMs(() => verifyGroth16(vk, proof, pub), { runs });
  h.report({
    bench: 'zk',
    metric: 'groth16 verify (parse + 4-pairing product)',
    value: keel,
    unit: 'ms',
    anchor: 'snarkjs 0.7.6 groth16.verify',
    anchorValue: anchor,
  });
  const pvk = parseGroth16VerificationKey(vk);
  const pp = parseGroth16Proof(proof);
  const ps = parsePublicSignals(pub, pvk.nPublic);
  const parsed = h.timeMs(() => verifyGroth16Parsed(pvk, pp, ps), { runs });
  h.report({
    bench: 'zk',
    metric: 'groth16 verify, key pre-parsed',
    value: parsed,
    unit: 'ms',
    anchor: 'snarkjs 0.7.6 groth16.verify',
    anchorValue: anchor,
  });
  h.log('PLONK and fflonk verifiers are not implemented yet: no rows for them');
};
