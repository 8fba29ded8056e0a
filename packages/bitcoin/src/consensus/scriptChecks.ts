import type { Secp256k1Backend } from '@keel/crypto';
import type { Transaction } from '../primitives/transaction.ts';
import { createTxSignatureChecker, type SignatureCache } from '../script/checker.ts';
import { type PrecomputedTxData, precomputeTxData } from '../script/sighash.ts';
import { verifyScript } from '../script/verify.ts';
import type { ScriptCheckJob } from './connectBlock.ts';
import { fail, OK, type Verdict } from './verdict.ts';

/** Core's block reject reason for an input whose script fails. */
export function scriptFailureReason(error: string): string {
  return `mandatory-script-verify-flag-failed (${error})`;
}

/** Runs one job; `txData` is shared by the jobs of one transaction. */
export function runScriptCheck(
  job: ScriptCheckJob,
  txData: PrecomputedTxData,
  backend: Secp256k1Backend,
  cache?: SignatureCache,
): Verdict {
  const input = job.tx.inputs[job.inputIndex]!;
  const spent = job.spentOutputs[job.inputIndex]!;
  const checker = createTxSignatureChecker({
    tx: job.tx,
    inputIndex: job.inputIndex,
    amount: spent.value,
    spentOutputs: job.spentOutputs,
    txData,
    backend,
    cache,
  });
  const r = verifyScript(input.scriptSig, spent.scriptPubKey, input.witness, job.flags, checker);
  if (r.ok) return OK;
  return fail(scriptFailureReason(r.error), {
    txIndex: job.txIndex,
    inputIndex: job.inputIndex,
    detail: r.error,
  });
}

/**
 * Runs script-check jobs on this thread, in order, stopping at the first failure (the
 * single-threaded path; `createScriptCheckPool` runs the same jobs on worker threads and
 * reports the same first failure).
 */
export function runScriptChecks(
  jobs: readonly ScriptCheckJob[],
  backend: Secp256k1Backend,
  cache?: SignatureCache,
): Verdict {
  const txData = new Map<Transaction, PrecomputedTxData>();
  for (const job of jobs) {
    let data = txData.get(job.tx);
    if (!data) {
      data = precomputeTxData(job.tx, job.spentOutputs);
      txData.set(job.tx, data);
    }
    const r = runScriptCheck(job, data, backend, cache);
    if (!r.ok) return r;
  }
  return OK;
}
