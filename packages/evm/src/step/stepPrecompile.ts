import { keccak256 } from '@keel/crypto';
import type { Precompile, PrecompileResult } from '../precompiles/types.ts';
import { decodeStepWitness, verifyStep } from './stepOnce.ts';
import { commitmentOf, decodeStepState } from './stepState.ts';

/**
 * The native step verifier for the rollup's fraud proofs, as a precompile (the keel L1 mounts
 * it at 0x…f0: `@keel/ledger`'s stepPrecompile.ts; here so any host EVM, e.g. an in-process
 * test L1, runs the very same code).
 *
 * Mode 0x01, verify: `0x01 ‖ preCommitment (32) ‖ claimedPost (32) ‖ preLen (4, big-endian) ‖
 * pre (the step state's encodeStepState bytes) ‖ witness (encodeStepWitness bytes)`. Runs
 * `verifyStep`, i.e. the stateless `stepOnce`: exactly one instruction of keel's EVM on the
 * pre state and the witness alone. Returns one word: 1 when the step yields `claimedPost`, 0
 * when it yields something else. Fails (consuming the gas) when the input is malformed, `pre`
 * does not commit to `preCommitment`, or the witness lacks a node/code the step reads.
 *
 * Mode 0x02, describe: `0x02 ‖ state` returns six words: the state's commitment, phase, step
 * count, accounts root, keccak256 of its static part (tx, block, pre-tx root) and the pre-tx
 * root — what the dispute game checks at the two ends of a transaction's step trace.
 *
 * Gas: verify 40 000 + 40 per 32-byte word of input; describe 5 000 + 12 per word. One step
 * executes one instruction whose work is bounded by the memory and data it carries, and both
 * are in the input; the per-word price covers decoding, hashing every witness node and code
 * and re-hashing the state, the base the fixed cost of the instruction, the trie writes and
 * the post commitment.
 */
export const STEP_VERIFY_GAS = { base: 40_000n, perWord: 40n } as const;
export const STEP_DESCRIBE_GAS = { base: 5_000n, perWord: 12n } as const;

const FAIL: PrecompileResult = { ok: false };

function word(n: bigint | number): Uint8Array {
  const w = new Uint8Array(32);
  let x = BigInt(n);
  for (let i = 31; i >= 0 && x > 0n; i--, x >>= 8n) w[i] = Number(x & 0xffn);
  return w;
}

function gasOf(g: { base: bigint; perWord: bigint }, len: number): bigint {
  return g.base + g.perWord * BigInt(Math.ceil(len / 32));
}

function verify(input: Uint8Array): Uint8Array {
  if (input.length < 69) throw new RangeError('short input');
  const pre = input.subarray(1, 33);
  const post = input.subarray(33, 65);
  const len = new DataView(input.buffer, input.byteOffset + 65, 4).getUint32(0);
  if (69 + len > input.length) throw new RangeError('pre length past the input');
  const state = input.subarray(69, 69 + len);
  const witness = decodeStepWitness(input.subarray(69 + len));
  return word(verifyStep(pre, state, witness, post) ? 1 : 0);
}

function describe(input: Uint8Array): Uint8Array {
  const s = decodeStepState(input.subarray(1));
  const out = new Uint8Array(6 * 32);
  out.set(commitmentOf(s), 0);
  out.set(word(s.phase), 32);
  out.set(word(s.steps), 64);
  out.set(s.accountsRoot, 96);
  out.set(keccak256(staticBytes(input.subarray(1))), 128);
  out.set(s.static.preRoot, 160);
  return out;
}

/** The static part's RLP bytes as they sit inside the state encoding (4th item). */
function staticBytes(state: Uint8Array): Uint8Array {
  let at = headerLen(state, 0).body;
  for (let i = 0; i < 3; i++) at = skip(state, at);
  return state.subarray(at, skip(state, at));
}

function headerLen(b: Uint8Array, at: number): { body: number; end: number } {
  const t = b[at] as number;
  if (t < 0x80) return { body: at, end: at + 1 };
  if (t < 0xb8) return { body: at + 1, end: at + 1 + t - 0x80 };
  if (t < 0xc0) return long(b, at, t - 0xb7);
  if (t < 0xf8) return { body: at + 1, end: at + 1 + t - 0xc0 };
  return long(b, at, t - 0xf7);
}

function long(b: Uint8Array, at: number, n: number): { body: number; end: number } {
  let len = 0;
  for (let i = 1; i <= n; i++) len = len * 256 + (b[at + i] as number);
  return { body: at + 1 + n, end: at + 1 + n + len };
}

function skip(b: Uint8Array, at: number): number {
  return headerLen(b, at).end;
}

/** The step verifier. Never throws: bad input is `ok: false`. */
export const stepPrecompile: Precompile = (input, gasLimit) => {
  const mode = input[0];
  const g = mode === 1 ? STEP_VERIFY_GAS : mode === 2 ? STEP_DESCRIBE_GAS : undefined;
  if (g === undefined) return FAIL;
  const gasUsed = gasOf(g, input.length);
  if (gasUsed > gasLimit) return FAIL;
  try {
    return { ok: true, gasUsed, output: mode === 1 ? verify(input) : describe(input) };
  } catch {
    return FAIL;
  }
};
