// `npm run bench -- zk`: keel's verifiers beside snarkjs's (the anchor, a GPL-3.0
// devDependency loaded only here) on the same committed fixture proofs, in the same process.
import { readFileSync } from 'node:fs';
import type { BenchHarness, BenchMain } from '@keel/util';
import {
  parseFflonkProof,
  parseFflonkVerificationKey,
  parseGroth16Proof,
  parseGroth16VerificationKey,
  parsePlonkProof,
  parsePlonkVerificationKey,
  verifyFflonk,
  verifyGroth16,
  verifyPlonk,
} from '../src/index.ts';
import { parsePublicSignals } from '../src/zk/bn254.ts';
import { verifyFflonkParsed } from '../src/zk/fflonk.ts';
import { verifyGroth16Parsed } from '../src/zk/groth16.ts';
import { verifyPlonkParsed } from '../src/zk/plonk.ts';

const FIX = new URL('../fixtures/zk/', import.meta.url).pathname;
const load = (f: string): unknown => JSON.parse(readFileSync(FIX + f, 'utf8'));

type SnarkjsVerify = (vk: unknown, pub: unknown, proof: unknown) => Promise<boolean>;
interface Snarkjs {
  groth16: { verify: SnarkjsVerify };
  plonk: { verify: SnarkjsVerify };
  fflonk: { verify: SnarkjsVerify };
}

/** PLONK or fflonk: full verify (parse included) and key pre-parsed, beside snarkjs's verify. */
async function kzgRows(
  h: BenchHarness,
  runs: number,
  scheme: 'plonk' | 'fflonk',
  anchorVerify: SnarkjsVerify,
  full: (vk: unknown, pub: unknown, proof: unknown) => boolean,
  parsed: (vk: unknown, pub: unknown, proof: unknown) => () => boolean,
): Promise<void> {
  const vk = load(`${scheme}.vkey.json`);
  const proof = load(`${scheme}.proof.json`);
  const pub = load(`${scheme}.public.json`);
  if (!full(vk, pub, proof)) throw new Error(`${scheme} fixture does not verify`);
  if (!(await anchorVerify(vk, pub, proof))) throw new Error(`snarkjs rejects ${scheme} fixture`);
  const anchor = await h.timeMsAsync(() => anchorVerify(vk, pub, proof), { runs });
  const anchorName = `snarkjs 0.7.6 ${scheme}.verify`;
  const keel = h.timeMs(() => full(vk, pub, proof), { runs });
  h.report({
    bench: 'zk',
    metric: `${scheme} verify (parse + MSM + 2-pairing product)`,
    value: keel,
    unit: 'ms',
    anchor: anchorName,
    anchorValue: anchor,
  });
  const pre = parsed(vk, pub, proof);
  const value = h.timeMs(pre, { runs });
  h.report({
    bench: 'zk',
    metric: `${scheme} verify, key pre-parsed`,
    value,
    unit: 'ms',
    anchor: anchorName,
    anchorValue: anchor,
  });
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
  await kzgRows(h, runs, 'plonk', snarkjs.plonk.verify, verifyPlonk, (v, s, p) => {
    const k = parsePlonkVerificationKey(v);
    const pp = parsePlonkProof(p);
    const ps = parsePublicSignals(s, k.nPublic);
    return () => verifyPlonkParsed(k, ps, pp);
  });
  await kzgRows(h, runs, 'fflonk', snarkjs.fflonk.verify, verifyFflonk, (v, s, p) => {
    const k = parseFflonkVerificationKey(v);
    const pp = parseFflonkProof(p);
    const ps = parsePublicSignals(s, k.nPublic);
    return () => verifyFflonkParsed(k, ps, pp);
  });
};
