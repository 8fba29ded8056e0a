/** Account and contract addresses are 32 opaque bytes (the ledger decides how they are derived). */
export const ADDRESS_BYTES = 32;
/** Amounts (balances, call value) are unsigned 128-bit, 16 bytes little-endian in contract memory. */
export const AMOUNT_BYTES = 16;
export const MAX_AMOUNT = (1n << 128n) - 1n;
/** Log topics are 32 bytes each. */
export const TOPIC_BYTES = 32;

export type Address = Uint8Array;

export interface Log {
  readonly address: Address;
  readonly topics: readonly Uint8Array[];
  readonly data: Uint8Array;
}

/** Block context handed in by the caller: the runtime never reads a clock. */
export interface BlockContext {
  readonly height: bigint;
  /** Unix milliseconds, as agreed by consensus. */
  readonly time: bigint;
}

/**
 * A signature check, injected so the runtime does not pick a backend. ed25519: 32-byte key,
 * any message, 64-byte signature. secp256k1: 33-byte compressed key, 32-byte message hash,
 * 64-byte compact (r || s) signature. Returns false for invalid input; may throw, which the
 * host function also treats as "invalid".
 */
export interface SignatureVerifier {
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

export interface Verifiers {
  readonly ed25519?: SignatureVerifier;
  readonly secp256k1?: SignatureVerifier;
}

export type ExecutionStatus = 'ok' | 'revert' | 'out_of_gas' | 'trap';

export interface ExecutionResult {
  readonly status: ExecutionStatus;
  /** Gas consumed. Equals the limit on `out_of_gas` and `trap` (an exceptional halt keeps all gas). */
  readonly gasUsed: number;
  /** `return_data` output on `ok`, `revert` data on `revert`, empty otherwise. */
  readonly returnData: Uint8Array;
  /** Logs of the whole call tree, in order; empty unless `ok`. */
  readonly logs: readonly Log[];
  /** Why the call did not succeed (`ok` has none). */
  readonly error?: { readonly code: string; readonly message: string };
}
