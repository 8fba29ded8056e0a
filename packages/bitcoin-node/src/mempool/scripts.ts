import type { Coin, Transaction } from '@keel/bitcoin';
import {
  createTxSignatureChecker,
  precomputeTxData,
  type SignatureCache,
  verifyScript,
} from '@keel/bitcoin/script';
import type { Secp256k1Backend } from '@keel/crypto';
import { MANDATORY_SCRIPT_VERIFY_FLAGS, STANDARD_SCRIPT_VERIFY_FLAGS } from './policy.ts';

export interface ScriptCheckEnv {
  backend: Secp256k1Backend;
  /** Shared with block validation, so a block's transactions seen in the mempool verify fast. */
  signatureCache?: SignatureCache | undefined;
}

/**
 * Core's PolicyScriptChecks: every input under the standard flags. A failure that passes
 * with only the mandatory (consensus) flags is a policy failure, otherwise a consensus one;
 * the reason names the first check's error, as Core does.
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
    return mandatory.ok
      ? { kind: 'not-standard', reason: `non-mandatory-script-verify-flag (${r.error})` }
      : { kind: 'consensus', reason: `mandatory-script-verify-flag-failed (${r.error})` };
  }
  return undefined;
}
