import { differentialSuite } from './body.ts';
import { loadMicroOracle } from './oracle.ts';

// micro-eth-signer@0.15.0 (pure JS on @noble/curves 1.9.1), when scripts/install-oracle.mjs has
// put it in the cache folder; skipped with the reason otherwise. Pure JS is slow: a fifth of the
// wasm counts unless KEEL_VERKLE_DIFF_SCALE says otherwise.
differentialSuite(
  'micro-eth-signer',
  await loadMicroOracle(),
  Number(process.env.KEEL_VERKLE_DIFF_SCALE ?? '0.2'),
  { oracleRawVerify: false },
);
