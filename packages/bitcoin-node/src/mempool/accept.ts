/**
 * Single-transaction admission, in the order of Core 30's MemPoolAccept (PreChecks,
 * ReplacementChecks, PolicyScriptChecks, Finalize), with Core's reject reasons. Pure: the
 * chain's coins, tip and clock come in through `AcceptContext`.
 */
import {
  type Coin,
  checkTransaction,
  isCoinbase,
  type OutPoint,
  type Transaction,
  transactionSizes,
  txid as txidOf,
  wtxid as wtxidOf,
} from '@keel/bitcoin';
import {
  calculateSequenceLocks,
  checkTxInputs,
  evaluateSequenceLocks,
  isFinalTx,
} from '@keel/bitcoin/consensus';
import { transactionSigOpCost } from '@keel/bitcoin/script';
import { bytesToHex } from '@keel/util';
import { ancestorsOf, estimateUsage, type MempoolEntry, totals, withDescendants } from './entry.ts';
import {
  feeFor,
  MAX_STANDARD_TX_SIGOPS_COST,
  type MempoolPolicy,
  MIN_STANDARD_TX_NONWITNESS_SIZE,
  virtualSize,
} from './policy.ts';
import type { MempoolState, RemovedEntry } from './pool.ts';
import { replacementChecks } from './rbf.ts';
import { runPolicyScriptChecks, type ScriptCheckEnv } from './scripts.ts';
import { areInputsStandard, dustOutputs, isStandardTx, isWitnessStandard } from './standard.ts';
import { singleTrucChecks } from './truc.ts';

/** The height Core gives coins created by mempool transactions. */
export const MEMPOOL_HEIGHT = 0x7fffffff;

/** The active chain's tip, as admission needs it. */
export interface ChainTip {
  height: number;
  /** Median time past of the tip (BIP113 locktime cutoff, BIP68 time locks). */
  medianTimePast: number;
  /** Median time past of the block at `height` (≤ tip), for BIP68 time locks of confirmed coins. */
  medianTimePastAt(height: number): number;
}

export interface AcceptContext {
  /** Unix seconds. */
  now: number;
  tip: ChainTip;
  /** The chain's unspent coin at `o` (the shell prefetches them), or undefined. */
  coin(o: OutPoint): Coin | undefined;
  /** Reorg re-adds: skip the fee floors and the size limit (Core's bypass_limits). */
  bypassLimits?: boolean;
  /** testmempoolaccept: run every check, change nothing. */
  testOnly?: boolean;
  /** False where replacements are not allowed (Core's m_allow_replacement). */
  allowReplacement?: boolean;
}

/** Core's TxValidationResult, for callers deciding what a rejection means. */
export type RejectKind =
  | 'consensus'
  | 'inputs-not-standard'
  | 'not-standard'
  | 'missing-inputs'
  | 'premature-spend'
  | 'conflict'
  | 'mempool-policy'
  | 'reconsiderable';

export interface AcceptRejected {
  ok: false;
  reason: string;
  kind: RejectKind;
  detail?: string;
  /** missing-inputs: the txids of parents we do not have (orphan handling). */
  missingParents?: Uint8Array[];
}

export interface AcceptAccepted {
  ok: true;
  /** The new entry (for testOnly, what it would have been; never added). */
  entry: MempoolEntry;
  /** Entries evicted as replaced (direct conflicts and their descendants). */
  replaced: MempoolEntry[];
  /** Entries removed afterwards by expiry or the size limit. */
  trimmed: RemovedEntry[];
}

export type AcceptResult = AcceptAccepted | AcceptRejected;

export interface AcceptEnv extends ScriptCheckEnv {
  state: MempoolState;
  policy: MempoolPolicy;
}

const reject = (
  kind: RejectKind,
  reason: string,
  detail?: string,
  extra: Partial<AcceptRejected> = {},
): AcceptRejected =>
  detail === undefined
    ? { ok: false, reason, kind, ...extra }
    : { ok: false, reason, kind, detail, ...extra };

interface Prepared {
  tx: Transaction;
  txid: Uint8Array;
  wtxid: Uint8Array;
  sizes: { base: number; total: number; weight: number };
  conflicts: Set<MempoolEntry>;
  coins: Coin[];
  parents: Set<MempoolEntry>;
}

/** PreChecks up to the coins: context-free checks, standardness, finality, duplicates, conflicts. */
function checkShape(
  env: AcceptEnv,
  tx: Transaction,
  ctx: AcceptContext,
): Prepared | AcceptRejected {
  const ct = checkTransaction(tx);
  if (!ct.ok) return reject('consensus', ct.reason);
  if (isCoinbase(tx)) return reject('consensus', 'coinbase');
  if (env.policy.requireStandard) {
    const why = isStandardTx(tx, env.policy);
    if (why) return reject('not-standard', why);
  }
  const sizes = transactionSizes(tx);
  if (sizes.base < MIN_STANDARD_TX_NONWITNESS_SIZE) return reject('not-standard', 'tx-size-small');
  if (!isFinalTx(tx, ctx.tip.height + 1, ctx.tip.medianTimePast)) {
    return reject('premature-spend', 'non-final', 'non-final transaction');
  }
  const txid = txidOf(tx);
  const wtxid = wtxidOf(tx);
  if (env.state.getByWtxid(wtxid)) return reject('conflict', 'txn-already-in-mempool');
  if (env.state.get(txid)) return reject('conflict', 'txn-same-nonwitness-data-in-mempool');
  const conflicts = new Set<MempoolEntry>();
  for (const input of tx.inputs) {
    const c = env.state.spender(input.prevout);
    if (c) conflicts.add(c);
  }
  if (conflicts.size > 0) {
    if (ctx.allowReplacement === false)
      return reject('mempool-policy', 'bip125-replacement-disallowed');
    if (!env.policy.fullRbf && ![...conflicts].some(signalsRbf)) {
      return reject('conflict', 'txn-mempool-conflict');
    }
  }
  return { tx, txid, wtxid, sizes, conflicts, coins: [], parents: new Set() };
}

/** BIP125 opt-in signal of the conflict itself (only consulted when full RBF is off). */
function signalsRbf(e: MempoolEntry): boolean {
  return e.tx.inputs.some((i) => i.sequence >>> 0 < 0xfffffffe);
}

/** The coins spent, from mempool parents first, then the chain (Core's CCoinsViewMemPool). */
function gatherCoins(env: AcceptEnv, p: Prepared, ctx: AcceptContext): AcceptRejected | undefined {
  const missing: Uint8Array[] = [];
  for (const input of p.tx.inputs) {
    const parent = env.state.get(input.prevout.txid);
    const out = parent?.tx.outputs[input.prevout.vout];
    if (parent && out) {
      p.coins.push({
        value: out.value,
        scriptPubKey: out.scriptPubKey,
        height: MEMPOOL_HEIGHT,
        coinbase: false,
      });
      p.parents.add(parent);
      continue;
    }
    const coin = parent ? undefined : ctx.coin(input.prevout);
    if (coin) p.coins.push(coin);
    else missing.push(input.prevout.txid);
  }
  if (missing.length === 0) return undefined;
  // Already confirmed? Then one of its own outputs is in the UTXO set.
  if (p.tx.outputs.some((_, vout) => ctx.coin({ txid: p.txid, vout }))) {
    return reject('conflict', 'txn-already-known');
  }
  return reject('missing-inputs', 'bad-txns-inputs-missingorspent', undefined, {
    missingParents: missing,
  });
}

/** BIP68 at the next block: mempool coins count as created at tip + 1. */
function checkSequenceLocks(p: Prepared, ctx: AcceptContext): AcceptRejected | undefined {
  const next = ctx.tip.height + 1;
  const heights = p.coins.map((c) => (c.height === MEMPOOL_HEIGHT ? next : c.height));
  const mtpAt = (h: number) =>
    h >= ctx.tip.height ? ctx.tip.medianTimePast : ctx.tip.medianTimePastAt(h);
  const lock = calculateSequenceLocks(p.tx, true, heights, mtpAt);
  if (!evaluateSequenceLocks(lock, next, ctx.tip.medianTimePast)) {
    return reject('premature-spend', 'non-BIP68-final');
  }
  return undefined;
}

interface ChainLimits {
  ancestorCount: number;
  ancestorSize: number;
  descendantCount: number;
  descendantSize: number;
}

/** Core's CalculateMemPoolAncestors with limits: the first limit broken, or undefined. */
function chainLimitError(
  ancestors: ReadonlySet<MempoolEntry>,
  vsize: number,
  lim: ChainLimits,
): string | undefined {
  if (ancestors.size + 1 > lim.ancestorCount) {
    return `too many unconfirmed ancestors [limit: ${lim.ancestorCount}]`;
  }
  if (totals(ancestors).vsize + vsize > lim.ancestorSize) {
    return `exceeds ancestor size limit [limit: ${lim.ancestorSize}]`;
  }
  for (const a of ancestors) {
    const d = totals(withDescendants(a));
    const id = bytesToHex(a.txid.slice().reverse());
    if (d.count + 1 > lim.descendantCount) {
      return `too many descendants for tx ${id} [limit: ${lim.descendantCount}]`;
    }
    if (d.vsize + vsize > lim.descendantSize) {
      return `exceeds descendant size limit for tx ${id} [limit: ${lim.descendantSize}]`;
    }
  }
  return undefined;
}

/** Core's EXTRA_DESCENDANT_TX_SIZE_LIMIT: the CPFP carve-out's size cap (vbytes). */
export const EXTRA_DESCENDANT_TX_SIZE_LIMIT = 10_000;

/**
 * Chain limits as Core 30's PreChecks applies them: the one-conflict allowance for
 * replacements, then — on failure — the CPFP carve-out (a small non-TRUC transaction with a
 * single unconfirmed ancestor may be one descendant over the limit).
 */
function checkChainLimits(
  env: AcceptEnv,
  p: Prepared,
  vsize: number,
): { ancestors: Set<MempoolEntry> } | AcceptRejected {
  const lim: ChainLimits = {
    ancestorCount: env.policy.ancestorLimit,
    ancestorSize: env.policy.ancestorSizeLimitVBytes,
    descendantCount: env.policy.descendantLimit,
    descendantSize: env.policy.descendantSizeLimitVBytes,
  };
  if (p.conflicts.size === 1) {
    const [c] = p.conflicts;
    lim.descendantCount += 1;
    lim.descendantSize += totals(withDescendants(c!)).vsize;
  }
  const ancestors = ancestorsOf(p.parents);
  const error = chainLimitError(ancestors, vsize, lim);
  if (error === undefined) return { ancestors };
  const carveOut: ChainLimits = {
    ancestorCount: 2,
    ancestorSize: lim.ancestorSize,
    descendantCount: lim.descendantCount + 1,
    descendantSize: lim.descendantSize + EXTRA_DESCENDANT_TX_SIZE_LIMIT,
  };
  const eligible = vsize <= EXTRA_DESCENDANT_TX_SIZE_LIMIT && p.tx.version !== 3;
  if (eligible && chainLimitError(ancestors, vsize, carveOut) === undefined) return { ancestors };
  return reject('mempool-policy', 'too-long-mempool-chain', error);
}

/** Fee floors: the rolling mempool minimum, then the min relay fee (Core's CheckFeeRate). */
function checkFeeRate(
  env: AcceptEnv,
  fee: bigint,
  vsize: number,
  ctx: AcceptContext,
): AcceptRejected | undefined {
  const { policy } = env;
  const poolMin = feeFor(
    env.state.minFee(ctx.now, policy.maxMempoolBytes, policy.incrementalRelayFee),
    vsize,
  );
  if (poolMin > 0n && fee < poolMin) {
    return reject('reconsiderable', 'mempool min fee not met', `${fee} < ${poolMin}`);
  }
  const relayMin = feeFor(policy.minRelayTxFee, vsize);
  if (fee < relayMin)
    return reject('reconsiderable', 'min relay fee not met', `${fee} < ${relayMin}`);
  return undefined;
}

/** The checks that need the spent coins: inputs, standardness of inputs/witness, sigops, fees. */
function checkWithCoins(
  env: AcceptEnv,
  p: Prepared,
  ctx: AcceptContext,
): { fee: bigint; vsize: number; sigops: number } | AcceptRejected {
  const inputs = checkTxInputs(p.tx, p.coins, ctx.tip.height + 1);
  if (!inputs.ok) {
    const kind =
      inputs.reason === 'bad-txns-premature-spend-of-coinbase' ? 'premature-spend' : 'consensus';
    return reject(kind, inputs.reason, inputs.detail);
  }
  const { policy } = env;
  if (policy.requireStandard && !areInputsStandard(p.tx, p.coins)) {
    return reject('inputs-not-standard', 'bad-txns-nonstandard-inputs');
  }
  if (
    policy.requireStandard &&
    p.sizes.total !== p.sizes.base &&
    !isWitnessStandard(p.tx, p.coins)
  ) {
    return reject('not-standard', 'bad-witness-nonstandard');
  }
  const sigops = transactionSigOpCost(p.tx, p.coins, { p2sh: true, witness: true });
  const vsize = virtualSize(p.sizes.weight, sigops, policy.bytesPerSigop);
  const fee = inputs.fee;
  // Ephemeral dust: one dust output is allowed only in a transaction paying no fee itself.
  if (policy.requireStandard && fee !== 0n && dustOutputs(p.tx, policy.dustRelayFee).length > 0) {
    return reject('not-standard', 'dust', 'tx with dust output must be 0-fee');
  }
  if (sigops > MAX_STANDARD_TX_SIGOPS_COST) {
    return reject('not-standard', 'bad-txns-too-many-sigops', String(sigops));
  }
  if (!ctx.bypassLimits) {
    const low = checkFeeRate(env, fee, vsize, ctx);
    if (low) return low;
  }
  return { fee, vsize, sigops };
}

/** Admits `tx` into `env.state` (unless `ctx.testOnly`) or says why not, as Core would. */
export function acceptTransaction(
  env: AcceptEnv,
  tx: Transaction,
  ctx: AcceptContext,
): AcceptResult {
  const p = checkShape(env, tx, ctx);
  if ('ok' in p) return p;
  const missing = gatherCoins(env, p, ctx);
  if (missing) return missing;
  const locked = checkSequenceLocks(p, ctx);
  if (locked) return locked;
  const c = checkWithCoins(env, p, ctx);
  if ('ok' in c) return c;
  const limits = checkChainLimits(env, p, c.vsize);
  if ('ok' in limits) return limits;
  for (const a of limits.ancestors) {
    if (p.conflicts.has(a)) {
      return reject(
        'consensus',
        'bad-txns-spends-conflicting-tx',
        `${bytesToHex(p.txid.slice().reverse())} spends conflicting transaction ${bytesToHex(a.txid.slice().reverse())}`,
      );
    }
  }
  const truc = singleTrucChecks(
    { version: tx.version, txid: p.txid, wtxid: p.wtxid, vsize: c.vsize },
    limits.ancestors,
    p.conflicts,
  );
  let sibling = false;
  if (truc && 'detail' in truc) return reject('not-standard', 'TRUC-violation', truc.detail);
  if (truc) {
    p.conflicts.add(truc.sibling);
    sibling = true;
  }
  let replaced = new Set<MempoolEntry>();
  if (p.conflicts.size > 0) {
    const r = replacementChecks(
      { tx, txid: p.txid, fee: c.fee, vsize: c.vsize },
      p.conflicts,
      env.state,
      env.policy.incrementalRelayFee,
    );
    if ('reason' in r) {
      const kind = r.reason === 'insufficient fee' ? 'reconsiderable' : 'mempool-policy';
      return reject(
        kind,
        sibling ? `${r.reason} (including sibling eviction)` : r.reason,
        r.detail,
      );
    }
    replaced = r.all;
  }
  const scripts = runPolicyScriptChecks(env, tx, p.coins);
  if (scripts) return reject(scripts.kind, scripts.reason);
  const entry: MempoolEntry = {
    tx,
    txid: p.txid,
    wtxid: p.wtxid,
    txidKey: bytesToHex(p.txid),
    wtxidKey: bytesToHex(p.wtxid),
    fee: c.fee,
    vsize: c.vsize,
    weight: p.sizes.weight,
    sigopCost: c.sigops,
    time: ctx.now,
    height: ctx.tip.height,
    usage: estimateUsage(tx, p.sizes.total),
    spendsCoinbase: p.coins.some((coin) => coin.coinbase),
    parents: new Set(),
    children: new Set(),
  };
  if (ctx.testOnly) return { ok: true, entry, replaced: [...replaced], trimmed: [] };
  env.state.removeSet(replaced, 'replaced');
  env.state.add(entry);
  let trimmed: RemovedEntry[] = [];
  if (!ctx.bypassLimits) {
    trimmed = [
      ...env.state.expire(ctx.now - env.policy.expirySeconds),
      ...env.state.trimToSize(env.policy.maxMempoolBytes, env.policy.incrementalRelayFee),
    ];
    if (!env.state.getByWtxid(p.wtxid)) return reject('reconsiderable', 'mempool full');
  }
  return { ok: true, entry, replaced: [...replaced], trimmed };
}
