import { equalBytes, InvalidArgumentError } from '@keel/util';
import type { Block } from '../primitives/block.ts';
import { MAX_BLOCK_SIGOPS_COST } from '../primitives/limits.ts';
import { type OutPoint, type Transaction, type TxOut, txid } from '../primitives/transaction.ts';
import { ScriptFlags } from '../script/flags.ts';
import { isUnspendable } from '../script/script.ts';
import { transactionSigOpCost } from '../script/sigops.ts';
import { blockScriptFlags } from './blockFlags.ts';
import { type ChainView, medianTimePast } from './chain.ts';
import type { Coin, CoinView } from './coins.ts';
import type { ConsensusParams } from './params.ts';
import { calculateSequenceLocks, evaluateSequenceLocks } from './sequenceLocks.ts';
import { blockSubsidy, moneyRange } from './subsidy.ts';
import { checkTxInputs } from './txInputs.ts';
import type { BlockUndo, TxUndo } from './undo.ts';
import { fail, type RuleFailure } from './verdict.ts';

/** From this height Core checks BIP30 again: BIP34 no longer guarantees unique coinbases. */
export const BIP34_IMPLIES_BIP30_LIMIT = 1_983_702;

/**
 * One input script to verify. Jobs of the same transaction share `tx` and `spentOutputs`
 * (every spent output, in input order, as BIP341 sighashes need them all).
 */
export interface ScriptCheckJob {
  txIndex: number;
  inputIndex: number;
  tx: Transaction;
  spentOutputs: readonly TxOut[];
  flags: number;
}

export interface ConnectBlockContext {
  params: ConsensusParams;
  /** Height of the block being connected. */
  height: number;
  /** Its hash (internal order): selects BIP30 and script-flag exception blocks. */
  hash: Uint8Array;
  /** Script flags to verify inputs with; default `blockScriptFlags(height, hash, params)`. */
  scriptFlags?: number;
  /**
   * Ancestors of the block: median times for BIP68 time locks and the block at the BIP34
   * height (for BIP30). Without it the block is assumed to be on the network's main chain
   * and a time-based BIP68 lock throws.
   */
  chain?: ChainView;
  /** Precomputed txids (internal order). */
  txids?: readonly Uint8Array[];
}

interface ConnectBase {
  undo: BlockUndo;
  scriptChecks: ScriptCheckJob[];
}
export type ConnectBlockResult =
  | ({ ok: true; fees: bigint; sigOpCost: number } & ConnectBase)
  | (RuleFailure & ConnectBase);

/**
 * Core's ConnectBlock over a prefetched view, minus script execution: BIP30, per-transaction
 * input checks (existence, maturity, values, fees), BIP68 sequence locks, the block sigop
 * cost limit and the coinbase amount. Inputs' script checks come back as jobs for the caller
 * (or a worker pool) to run. On success the view holds the new UTXO set and `undo` restores
 * it; on failure the view is left exactly as it was.
 */
export function connectBlock(
  block: Block,
  view: CoinView,
  ctx: ConnectBlockContext,
): ConnectBlockResult {
  const txids = ctx.txids ?? block.txs.map(txid);
  const journal = createJournal(view);
  const undo: BlockUndo = { txs: [] };
  const scriptChecks: ScriptCheckJob[] = [];
  const failed = (f: RuleFailure): ConnectBlockResult => {
    journal.rollback();
    return { ...f, undo: { txs: [] }, scriptChecks: [] };
  };

  if (enforceBIP30(ctx)) {
    const dup = findBIP30Conflict(block, txids, view);
    if (dup >= 0) return failed(fail('bad-txns-BIP30', { txIndex: dup }));
  }
  const flags = ctx.scriptFlags ?? blockScriptFlags(ctx.height, ctx.hash, ctx.params);
  const sigopOpts = {
    p2sh: (flags & ScriptFlags.P2SH) !== 0,
    witness: (flags & ScriptFlags.WITNESS) !== 0,
  };
  let fees = 0n;
  let sigOpCost = 0;
  for (let t = 0; t < block.txs.length; t++) {
    const tx = block.txs[t]!;
    const coins = t === 0 ? [] : tx.inputs.map((i) => view.get(i.prevout));
    let spent: readonly TxOut[] = [];
    if (t > 0) {
      const r = checkTxInputs(tx, coins, ctx.height);
      if (!r.ok) return failed({ ...r, txIndex: t });
      fees += r.fee;
      if (!moneyRange(fees))
        return failed(fail('bad-txns-accumulated-fee-outofrange', { txIndex: t }));
      // BIP68 binds version >= 2 transactions only (compared unsigned, as Core does)
      const bip68 = ctx.height >= ctx.params.csvHeight && tx.version >>> 0 >= 2;
      if (bip68 && !sequenceLocksOk(tx, coins as Coin[], ctx)) {
        return failed(
          fail('bad-txns-nonfinal', {
            txIndex: t,
            detail: 'contains a non-BIP68-final transaction',
          }),
        );
      }
      // a Coin is a TxOut (value, scriptPubKey) with more fields: no copies
      spent = coins as Coin[];
    }
    sigOpCost += transactionSigOpCost(tx, spent, sigopOpts);
    if (sigOpCost > MAX_BLOCK_SIGOPS_COST) return failed(fail('bad-blk-sigops', { txIndex: t }));
    for (let i = 0; t > 0 && i < tx.inputs.length; i++) {
      scriptChecks.push({ txIndex: t, inputIndex: i, tx, spentOutputs: spent, flags });
    }
    const txUndo = updateCoins(tx, txids[t]!, t === 0, ctx.height, journal);
    if (t > 0) undo.txs.push(txUndo);
  }
  let coinbaseOut = 0n;
  for (const o of block.txs[0]!.outputs) coinbaseOut += o.value;
  const limit = fees + blockSubsidy(ctx.height, ctx.params);
  if (coinbaseOut > limit) {
    return failed(
      fail('bad-cb-amount', {
        txIndex: 0,
        detail: `coinbase pays too much (actual=${coinbaseOut} vs limit=${limit})`,
      }),
    );
  }
  return { ok: true, undo, scriptChecks, fees, sigOpCost };
}

function isBIP30Exception(ctx: { params: ConsensusParams; height: number; hash: Uint8Array }) {
  return ctx.params.bip30Exceptions.some(
    (e) => e.height === ctx.height && equalBytes(e.hash, ctx.hash),
  );
}

/**
 * BIP30 (no transaction may overwrite an unspent output) is checked except for the two
 * historical exception blocks, and is implied by BIP34 on a chain through the BIP34 block,
 * until BIP34_IMPLIES_BIP30_LIMIT.
 */
function enforceBIP30(ctx: ConnectBlockContext): boolean {
  if (ctx.height >= BIP34_IMPLIES_BIP30_LIMIT) return true;
  if (isBIP30Exception(ctx)) return false;
  const p = ctx.params;
  if (p.bip34Hash.length === 0 || ctx.height <= p.bip34Height) return true;
  const anc = ctx.chain?.at(p.bip34Height);
  if (!ctx.chain) return false; // assumed on the main chain, which has the BIP34 block
  return !(anc && equalBytes(anc.hash, p.bip34Hash));
}

function findBIP30Conflict(block: Block, txids: readonly Uint8Array[], view: CoinView): number {
  for (let t = 0; t < block.txs.length; t++) {
    const n = block.txs[t]!.outputs.length;
    for (let v = 0; v < n; v++) if (view.has({ txid: txids[t]!, vout: v })) return t;
  }
  return -1;
}

function sequenceLocksOk(
  tx: Transaction,
  coins: readonly Coin[],
  ctx: ConnectBlockContext,
): boolean {
  const enforce = ctx.height >= ctx.params.csvHeight;
  const mtpAt = (h: number) => {
    if (!ctx.chain) {
      throw new InvalidArgumentError('a BIP68 time lock needs ctx.chain (median time past)', {
        height: h,
      });
    }
    return medianTimePast(ctx.chain, h);
  };
  const lock = calculateSequenceLocks(
    tx,
    enforce,
    coins.map((c) => c.height),
    mtpAt,
  );
  if (lock.minHeight < 0 && lock.minTime < 0) return true;
  const prevMTP = lock.minTime < 0 ? Number.POSITIVE_INFINITY : mtpAt(ctx.height - 1);
  return evaluateSequenceLocks(lock, ctx.height, prevMTP);
}

/** Coin changes made while connecting, so a failed connect can be undone exactly. */
interface Journal {
  spend(o: OutPoint): Coin;
  add(o: OutPoint, coin: Coin, overwrite: boolean): void;
  rollback(): void;
}

function createJournal(view: CoinView): Journal {
  const ops: Array<{ o: OutPoint; before: Coin | undefined }> = [];
  return {
    spend(o) {
      const coin = view.spend(o)!;
      ops.push({ o, before: coin });
      return coin;
    },
    add(o, coin, overwrite) {
      if (overwrite) {
        ops.push({ o, before: view.get(o) });
        view.add(o, coin, true);
      } else {
        // add throws if a coin is there, so nothing is overwritten and there is no 'before'
        view.add(o, coin, false);
        ops.push({ o, before: undefined });
      }
    },
    rollback() {
      for (let i = ops.length - 1; i >= 0; i--) {
        const { o, before } = ops[i]!;
        view.spend(o);
        if (before) view.add(o, before, true);
      }
      ops.length = 0;
    },
  };
}

/** Core's UpdateCoins: spend the inputs (recording undo), add the spendable outputs. */
function updateCoins(
  tx: Transaction,
  id: Uint8Array,
  coinbase: boolean,
  height: number,
  j: Journal,
): TxUndo {
  const spent: Coin[] = [];
  if (!coinbase) for (const input of tx.inputs) spent.push(j.spend(input.prevout));
  tx.outputs.forEach((o, vout) => {
    if (isUnspendable(o.scriptPubKey)) return;
    // only a coinbase may overwrite (the BIP30 exception blocks); otherwise it is a bug
    j.add(
      { txid: id, vout },
      { value: o.value, scriptPubKey: o.scriptPubKey, height, coinbase },
      coinbase,
    );
  });
  return { spent };
}

export type DisconnectResult = 'clean' | 'unclean' | 'failed';

/**
 * Core's DisconnectBlock: removes the block's outputs and restores the coins it spent from
 * `undo`, last transaction first. 'unclean' means the view did not hold exactly what the
 * block created (the change was still applied); 'failed' means the undo data does not fit.
 */
export function disconnectBlock(
  block: Block,
  undo: BlockUndo,
  view: CoinView,
  ctx: { params: ConsensusParams; height: number; hash: Uint8Array; txids?: readonly Uint8Array[] },
): DisconnectResult {
  if (undo.txs.length + 1 !== block.txs.length) return 'failed';
  for (let t = 1; t < block.txs.length; t++) {
    if (undo.txs[t - 1]!.spent.length !== block.txs[t]!.inputs.length) return 'failed';
  }
  const txids = ctx.txids ?? block.txs.map(txid);
  const bip30Exception = isBIP30Exception(ctx);
  let clean = true;
  for (let t = block.txs.length - 1; t >= 0; t--) {
    const tx = block.txs[t]!;
    tx.outputs.forEach((o, vout) => {
      if (isUnspendable(o.scriptPubKey)) return;
      const had = view.spend({ txid: txids[t]!, vout });
      const same =
        had !== undefined &&
        had.value === o.value &&
        equalBytes(had.scriptPubKey, o.scriptPubKey) &&
        had.height === ctx.height &&
        had.coinbase === (t === 0);
      // the BIP30 exception coinbases were overwritten, so their outputs may be gone
      if (!same && !(t === 0 && bip30Exception)) clean = false;
    });
    if (t === 0) break;
    const spent = undo.txs[t - 1]!.spent;
    for (let i = tx.inputs.length - 1; i >= 0; i--) {
      const o = tx.inputs[i]!.prevout;
      if (view.has(o)) clean = false;
      view.add(o, spent[i]!, true);
    }
  }
  return clean ? 'clean' : 'unclean';
}
