import type { Transaction } from '../primitives/transaction.ts';
import type { Coin } from './coins.ts';
import { COINBASE_MATURITY, moneyRange } from './subsidy.ts';
import { fail, type RuleFailure } from './verdict.ts';

/**
 * Core's Consensus::CheckTxInputs for a transaction whose spent coins are `coins` (in input
 * order, undefined when missing): coins exist, coinbase outputs are mature, values are in
 * range and cover the outputs. Returns the fee, or a failure with the input index.
 */
export function checkTxInputs(
  tx: Transaction,
  coins: readonly (Coin | undefined)[],
  spendHeight: number,
): { ok: true; fee: bigint } | RuleFailure {
  const missing = coins.indexOf(undefined);
  if (missing >= 0) return fail('bad-txns-inputs-missingorspent', { inputIndex: missing });
  let valueIn = 0n;
  for (let i = 0; i < coins.length; i++) {
    const coin = coins[i]!;
    if (coin.coinbase && spendHeight - coin.height < COINBASE_MATURITY) {
      return fail('bad-txns-premature-spend-of-coinbase', {
        inputIndex: i,
        detail: `tried to spend coinbase at depth ${spendHeight - coin.height}`,
      });
    }
    valueIn += coin.value;
    if (!moneyRange(coin.value) || !moneyRange(valueIn)) {
      return fail('bad-txns-inputvalues-outofrange', { inputIndex: i });
    }
  }
  let valueOut = 0n;
  for (const o of tx.outputs) valueOut += o.value;
  if (valueIn < valueOut) {
    return fail('bad-txns-in-belowout', {
      detail: `value in (${valueIn}) < value out (${valueOut})`,
    });
  }
  const fee = valueIn - valueOut;
  if (!moneyRange(fee)) return fail('bad-txns-fee-outofrange');
  return { ok: true, fee };
}
