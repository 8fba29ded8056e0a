// Shared helpers for the precompile tests: call by address, hex in and out.
import assert from 'node:assert/strict';
import { bytesToHex, hexToBytes } from '@keel/util';
import { getPrecompile } from '../../src/precompiles/index.ts';
import type { PrecompileContext, PrecompileResult } from '../../src/precompiles/types.ts';

export const NO_KZG: PrecompileContext = { kzg: undefined };

export function call(
  index: number,
  inputHex: string,
  gasLimit: bigint,
  ctx: PrecompileContext = NO_KZG,
): PrecompileResult {
  const address = new Uint8Array(20);
  address[19] = index;
  const pc = getPrecompile(address);
  assert.ok(pc, `no precompile at 0x${index.toString(16)}`);
  return pc(hexToBytes(inputHex.replace(/\s+/g, '')), gasLimit, ctx);
}

/** Asserts success with exactly this gas and output. */
export function expectOk(r: PrecompileResult, gasUsed: bigint, outputHex: string): void {
  assert.equal(r.ok, true, 'expected success');
  if (!r.ok) return;
  assert.equal(r.gasUsed, gasUsed, 'gas used');
  assert.equal(bytesToHex(r.output), outputHex.replace(/\s+/g, ''), 'output');
}

export function expectFail(r: PrecompileResult): void {
  assert.deepEqual(r, { ok: false });
}

export const word = (v: bigint): string => v.toString(16).padStart(64, '0');
