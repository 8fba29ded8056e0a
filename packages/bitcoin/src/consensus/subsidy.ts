import { MAX_MONEY } from '../primitives/limits.ts';
import type { ConsensusParams } from './params.ts';

export const COIN = 100_000_000n;
/** Blocks a coinbase output must wait before it can be spent. */
export const COINBASE_MATURITY = 100;

/** Core's GetBlockSubsidy: 50 BTC halved every `subsidyHalvingInterval` blocks, zero after 64 halvings. */
export function blockSubsidy(height: number, params: ConsensusParams): bigint {
  const halvings = Math.floor(height / params.subsidyHalvingInterval);
  if (halvings >= 64) return 0n;
  return (50n * COIN) >> BigInt(halvings);
}

/** Core's MoneyRange: 0 <= value <= 21 million BTC. */
export function moneyRange(value: bigint): boolean {
  return value >= 0n && value <= MAX_MONEY;
}
