import { blake2f } from './blake2f.ts';
import { bn254Add } from './bn254Add.ts';
import { bn254Mul } from './bn254Mul.ts';
import { bn254Pairing } from './bn254Pairing.ts';
import { ecrecover } from './ecrecover.ts';
import { identity } from './identity.ts';
import { modexp } from './modexp.ts';
import { pointEvaluation } from './pointEvaluation.ts';
import { ripemd160 } from './ripemd160.ts';
import { sha256 } from './sha256.ts';
import type { Precompile } from './types.ts';

export { modexpGas } from './modexp.ts';
export type { Precompile, PrecompileContext, PrecompileResult } from './types.ts';

/** Cancun's precompiles by the last byte of their address (0x01–0x0a). */
const BY_INDEX: readonly (Precompile | undefined)[] = [
  undefined,
  ecrecover,
  sha256,
  ripemd160,
  identity,
  modexp,
  bn254Add,
  bn254Mul,
  bn254Pairing,
  blake2f,
  pointEvaluation,
];

function addressOf(index: number): Uint8Array {
  const a = new Uint8Array(20);
  a[19] = index;
  return a;
}

/** The 20-byte addresses of Cancun's precompiles, 0x01…0x0a (warm from the start: EIP-2929). */
export const PRECOMPILE_ADDRESSES: readonly Uint8Array[] = Array.from(
  { length: BY_INDEX.length - 1 },
  (_, i) => addressOf(i + 1),
);

/** The precompile at `address` (20 bytes), or undefined when it is not one. */
export function getPrecompile(address: Uint8Array): Precompile | undefined {
  if (address.length !== 20) return undefined;
  for (let i = 0; i < 19; i++) if (address[i] !== 0) return undefined;
  return BY_INDEX[address[19] as number];
}
