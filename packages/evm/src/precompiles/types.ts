import type { KzgBackend } from '@keel/crypto/kzg';

/**
 * A precompile's answer. `ok: false` is an exceptional halt: the call fails and consumes all the
 * gas it was given. `ok: true` returns the output and the gas it used (never more than the limit).
 */
export type PrecompileResult = { ok: true; gasUsed: bigint; output: Uint8Array } | { ok: false };

/** What a precompile may need beyond its input: only the KZG backend (0x0a). */
export interface PrecompileContext {
  /** Point evaluation (0x0a) fails without one. */
  kzg: KzgBackend | undefined;
  /** Precompiles a host chain adds (the keel L1's step verifier); consulted after Cancun's. */
  extra?: ((address: Uint8Array) => Precompile | undefined) | undefined;
}

/**
 * A precompiled contract. It never throws on any input (bad input is `{ ok: false }` or, where
 * the EIP says so, a successful empty output), and never allocates more than the gas allows.
 */
export type Precompile = (
  input: Uint8Array,
  gasLimit: bigint,
  ctx: PrecompileContext,
) => PrecompileResult;
