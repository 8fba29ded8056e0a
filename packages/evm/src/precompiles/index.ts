import { ecrecover } from './ecrecover.ts';
import { identity } from './identity.ts';
import { ripemd160 } from './ripemd160.ts';
import { sha256 } from './sha256.ts';
import type { Precompile } from './types.ts';

export type { Precompile, PrecompileContext, PrecompileResult } from './types.ts';

/** Cancun's precompiles by the last byte of their address (0x01–0x0a). */
const BY_INDEX: readonly (Precompile | undefined)[] = [
  undefined,
  ecrecover,
  sha256,
  ripemd160,
  identity,
];

/** The highest precompile address at Cancun (0x0a, point evaluation). */
const LAST_INDEX = 0x0a;

function addressOf(index: number): Uint8Array {
  const a = new Uint8Array(20);
  a[19] = index;
  return a;
}

/** The 20-byte addresses of Cancun's precompiles, 0x01…0x0a (warm from the start: EIP-2929). */
export const PRECOMPILE_ADDRESSES: readonly Uint8Array[] = Array.from(
  { length: LAST_INDEX },
  (_, i) => addressOf(i + 1),
);

/** The precompile at `address` (20 bytes), or undefined when it is not one. */
export function getPrecompile(address: Uint8Array): Precompile | undefined {
  if (address.length !== 20) return undefined;
  for (let i = 0; i < 19; i++) if (address[i] !== 0) return undefined;
  const index = address[19] as number;
  return BY_INDEX[index];
}
