import { differentialSuite } from './body.ts';
import { loadWasmOracle } from './oracle.ts';

// rust-verkle via verkle-cryptography-wasm@0.4.8 (a devDependency).
differentialSuite(
  'rust-verkle wasm',
  await loadWasmOracle(),
  Number(process.env.KEEL_VERKLE_DIFF_SCALE ?? '1'),
);
