import { type Address, CANCUN, intrinsicGas, type LegacyTx, type Log, runTx } from '@keel/evm';
import { InvalidArgumentError } from '@keel/util';
import type { LedgerParams } from '../params.ts';
import { type LedgerState, StateOverlay } from '../state/ledgerState.ts';
import type { LedgerBlockContext } from '../types.ts';
import { blockEnv } from './block.ts';
import { evmChainIdOf, evmHeadOf } from './keys.ts';
import { ledgerPrecompiles } from './stepPrecompile.ts';
import { LedgerWorldState } from './worldState.ts';

export interface EthCallParameters {
  readonly from?: Address;
  /** null: a contract creation with `data` as initcode. */
  readonly to: Address | null;
  readonly data?: Uint8Array;
  readonly value?: bigint;
  /** Default: the block gas limit. */
  readonly gas?: bigint;
}

export interface EthCallResult {
  /** `invalid`: the call cannot run at all (e.g. value above the sender's balance). */
  readonly status: 'ok' | 'revert' | 'invalid';
  readonly gasUsed: bigint;
  readonly returnData: Uint8Array;
  readonly logs: readonly Log[];
  readonly error?: string;
}

function run(
  state: LedgerState,
  p: EthCallParameters,
  block: LedgerBlockContext,
  params: LedgerParams,
  gas: bigint,
): EthCallResult {
  const chainId = evmChainIdOf(state);
  const head = evmHeadOf(state);
  if (chainId === undefined || !head)
    throw new InvalidArgumentError('the EVM is not enabled on this chain');
  const overlay = new StateOverlay(state);
  const world = new LedgerWorldState(overlay);
  // eth_call semantics: no fee (gas price 0, base fee 0), the sender's current nonce.
  const env = { ...blockEnv(overlay, chainId, head, block, params), baseFee: 0n };
  const from = p.from ?? new Uint8Array(20);
  const tx: LegacyTx = {
    type: 0,
    nonce: world.getNonce(from),
    gasPrice: 0n,
    gasLimit: gas,
    to: p.to,
    value: p.value ?? 0n,
    data: p.data ?? new Uint8Array(0),
    v: 0n,
    r: 0n,
    s: 0n,
  };
  const r = runTx(world, tx, from, env, {
    fork: CANCUN,
    gasAvailable: gas,
    extraPrecompiles: ledgerPrecompiles,
  });
  if (!r.valid)
    return {
      status: 'invalid',
      gasUsed: 0n,
      returnData: new Uint8Array(0),
      logs: [],
      error: r.message,
    };
  return {
    status: r.status === 1 ? 'ok' : 'revert',
    gasUsed: r.gasUsed,
    returnData: r.returnData,
    logs: r.logs,
  };
}

/** eth_call: runs `p` on `state` as the next block would, keeps nothing. */
export function ethCall(
  state: LedgerState,
  p: EthCallParameters,
  block: LedgerBlockContext,
  params: LedgerParams,
): EthCallResult {
  return run(state, p, block, params, p.gas ?? BigInt(params.evmBlockGasLimit));
}

/**
 * eth_estimateGas: the least gas limit (within 1.5 %, as geth) under which the call succeeds,
 * by bisection between the gas used at the cap and the cap. A call failing at the cap is
 * returned as the error.
 */
export function ethEstimateGas(
  state: LedgerState,
  p: EthCallParameters,
  block: LedgerBlockContext,
  params: LedgerParams,
): { gas: bigint } | { error: EthCallResult } {
  const cap = p.gas ?? BigInt(params.evmBlockGasLimit);
  const full = run(state, p, block, params, cap);
  if (full.status !== 'ok') return { error: full };
  const floor = intrinsicGas({
    type: 0,
    nonce: 0n,
    gasPrice: 0n,
    gasLimit: cap,
    to: p.to,
    value: 0n,
    data: p.data ?? new Uint8Array(0),
    v: 0n,
    r: 0n,
    s: 0n,
  });
  let lo = (full.gasUsed > floor ? full.gasUsed : floor) - 1n;
  let hi = cap;
  // Most calls succeed with what they used plus the refund and the 63/64 reserve.
  const guess = (full.gasUsed * 64n) / 63n + 2300n;
  if (guess < hi && run(state, p, block, params, guess).status === 'ok') hi = guess;
  for (let i = 0; i < 40 && hi - lo > 1n && (hi - lo) * 1000n > hi * 15n; i++) {
    const mid = (lo + hi) / 2n;
    if (run(state, p, block, params, mid).status === 'ok') hi = mid;
    else lo = mid;
  }
  return { gas: hi };
}
