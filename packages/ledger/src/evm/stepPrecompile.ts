import { type Precompile, stepPrecompile } from '@keel/evm';

export { STEP_DESCRIBE_GAS, STEP_VERIFY_GAS, stepPrecompile } from '@keel/evm';

/**
 * The keel L1's native step verifier for the rollup's fraud proofs: `@keel/evm`'s
 * `stepPrecompile` (stateless `stepOnce` of keel's EVM, modes verify 0x01 / describe 0x02, gas
 * 40 000 + 40 per input word / 5 000 + 12 per word; see its doc comment) mounted at
 * 0x00000000000000000000000000000000000000f0, after Cancun's 0x01–0x0a and not pre-warmed.
 */
export const STEP_PRECOMPILE_ADDRESS: Uint8Array = (() => {
  const a = new Uint8Array(20);
  a[19] = 0xf0;
  return a;
})();

/** The ledger's precompiles beyond Cancun's, for `VmOptions.extraPrecompiles`. */
export function ledgerPrecompiles(address: Uint8Array): Precompile | undefined {
  if (address.length !== 20 || address[19] !== 0xf0) return undefined;
  for (let i = 0; i < 19; i++) if (address[i] !== 0) return undefined;
  return stepPrecompile;
}
