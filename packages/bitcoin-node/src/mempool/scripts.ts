import type { Coin, Transaction } from '@keel/bitcoin';
import {
  createTxSignatureChecker,
  precomputeTxData,
  type SignatureCache,
  verifyScript,
} from '@keel/bitcoin/script';
import type { Secp256k1Backend } from '@keel/crypto';
import { MANDATORY_SCRIPT_VERIFY_FLAGS, STANDARD_SCRIPT_VERIFY_FLAGS } from './policy.ts';
import { SCRIPT_ERROR_TEXT } from './scriptErrorText.ts';

export interface ScriptCheckEnv {
  backend: Secp256k1Backend;
  /** Shared with block validation, so a block's transactions seen in the mempool verify fast. */
  signatureCache?: SignatureCache | undefined;
}

/**
 * Core's PolicyScriptChecks: every input under the standard flags. Core 30 (#33183) reports
 * every mempool script failure as `mempool-script-verify-flag-failed (<ScriptErrorString>)`
 * (before 30: `non-mandatory-script-verify-flag (…)` for policy-only failures and
 * `mandatory-script-verify-flag-failed (…)` for consensus ones). The `kind` still tells them
 * apart: a failure that passes with only the mandatory flags is `not-standard`.
 */
export function runPolicyScriptChecks(
  env: ScriptCheckEnv,
  tx: Transaction,
  coins: readonly Coin[],
): { kind: 'not-standard' | 'consensus'; reason: string } | undefined {
  const txData = precomputeTxData(tx, coins);
  for (let i = 0; i < tx.inputs.length; i++) {
    const input = tx.inputs[i]!;
    const coin = coins[i]!;
    const checker = createTxSignatureChecker({
      tx,
      inputIndex: i,
      amount: coin.value,
      spentOutputs: coins,
      txData,
      backend: env.backend,
      cache: env.signatureCache,
    });
    const r = verifyScript(
      input.scriptSig,
      coin.scriptPubKey,
      input.witness,
      STANDARD_SCRIPT_VERIFY_FLAGS,
      checker,
    );
    if (r.ok) continue;
    const mandatory = verifyScript(
      input.scriptSig,
      coin.scriptPubKey,
      input.witness,
      MANDATORY_SCRIPT_VERIFY_FLAGS,
      checker,
    );
    const reason = `mempool-script-verify-flag-failed (${SCRIPT_ERROR_TEXT[r.error]})`;
    return { kind: mandatory.ok ? 'not-standard' : 'consensus', reason };
  }
  return undefined;
}
