// bcoin native (bcoin 2.2.0 with bcrypto's native binding) validating the same block with
// the same prevouts, in this process: the same-run anchor for `bitcoin-validate`. It does what
// bcoin's Chain.verify + verifyInputs do for a block on a known parent, minus the database:
// decode, checkBody (sizes, coinbase, merkle root, CheckTransaction, legacy sigops), the
// witness commitment, then per transaction spend its inputs in a CoinView, count sigop cost,
// CheckTxInputs (maturity, values, fee), add its outputs, and finally verify every input
// script synchronously (`tx.verify(view, flags)`; bcoin's worker pool is off, as in keel's
// 1-thread run). The built copy comes from scripts/bcoin.mjs (cached in ~/.cache/keel).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PrevoutEntry } from '../src/suites/blocks.ts';

/* The slice of bcoin's CommonJS API used here (it ships no types). */
interface BcoinTx {
  isCoinbase(): boolean;
  inputs: Array<{ prevout: unknown }>;
  hash(): Buffer;
  checkInputs(view: BcoinView, height: number): [number, string, number];
  getSigopsCost(view: BcoinView, flags: number): number;
  verify(view: BcoinView, flags: number): boolean;
}
interface BcoinBlock {
  txs: BcoinTx[];
  checkBody(): [boolean, string, number];
  getCommitmentHash(): Buffer | null;
  createCommitmentHash(): Buffer;
}
interface BcoinView {
  addCoin(coin: unknown): unknown;
  getEntry(prevout: unknown): { spent: boolean } | null;
  addTX(tx: BcoinTx, height: number): unknown;
}
interface Bcoin {
  Block: { fromRaw(b: Buffer): BcoinBlock };
  CoinView: new () => BcoinView;
  Coin: { fromOptions(o: Record<string, unknown>): unknown };
  Script: { fromRaw(b: Buffer): unknown };
}

export interface BcoinAnchor {
  readonly dir: string;
  /**
   * A fresh view holding the block's prevouts (built outside the timer), except those the
   * block creates itself (`inBlock`: txids in display hex).
   */
  view(entries: readonly PrevoutEntry[], inBlock: ReadonlySet<string>): BcoinView;
  /** Validates `raw` over `view`; throws with bcoin's reject reason if bcoin rejects it. */
  validate(raw: Uint8Array, view: BcoinView, flags: number, height: number): void;
}

const VERIFY_WITNESS = 1 << 11;

/** Loads the built bcoin copy (building it once if needed); null with a reason if it cannot. */
export function loadBcoinAnchor(log: (m: string) => void): BcoinAnchor | null {
  const script = fileURLToPath(new URL('../scripts/bcoin.mjs', import.meta.url));
  let dir: string;
  try {
    dir = execFileSync(process.execPath, [script], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
  } catch (e) {
    log(`bcoin anchor unavailable: ${(e as Error).message}`);
    return null;
  }
  if (!existsSync(join(dir, 'node_modules/bcrypto/build/Release/bcrypto.node'))) {
    log('bcoin anchor unavailable: bcrypto native binding not built');
    return null;
  }
  const req = createRequire(join(dir, 'package.json'));
  const b: Bcoin = {
    Block: req('./lib/primitives/block.js'),
    CoinView: req('./lib/coins/coinview.js'),
    Coin: req('./lib/primitives/coin.js'),
    Script: req('./lib/script/script.js'),
  };
  return {
    dir,
    view(entries, inBlock) {
      const view = new b.CoinView();
      for (const e of entries) {
        if (inBlock.has(e.prevTxid)) continue;
        view.addCoin(
          b.Coin.fromOptions({
            version: 1,
            height: e.height ?? 0,
            value: e.value,
            script: b.Script.fromRaw(Buffer.from(e.scriptPubKey, 'hex')),
            coinbase: e.coinbase ?? false,
            hash: Buffer.from(e.prevTxid, 'hex').reverse(),
            index: e.prevVout,
          }),
        );
      }
      return view;
    },
    validate(raw, view, flags, height) {
      const block = b.Block.fromRaw(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
      const [ok, reason] = block.checkBody();
      if (!ok) throw new Error(`bcoin: ${reason}`);
      if (flags & VERIFY_WITNESS) {
        const commit = block.getCommitmentHash();
        if (commit && !commit.equals(block.createCommitmentHash())) {
          throw new Error('bcoin: bad-witness-merkle-match');
        }
      }
      let sigops = 0;
      for (let i = 0; i < block.txs.length; i++) {
        const tx = block.txs[i]!;
        if (i > 0) {
          for (const input of tx.inputs) {
            const coin = view.getEntry(input.prevout);
            if (!coin || coin.spent) throw new Error('bcoin: bad-txns-inputs-missingorspent');
            coin.spent = true;
          }
        }
        sigops += tx.getSigopsCost(view, flags);
        if (sigops > 80_000) throw new Error('bcoin: bad-blk-sigops');
        if (i > 0) {
          const [fee, why] = tx.checkInputs(view, height);
          if (fee === -1) throw new Error(`bcoin: ${why}`);
        }
        view.addTX(tx, height);
      }
      for (let i = 1; i < block.txs.length; i++) {
        if (!block.txs[i]!.verify(view, flags)) {
          throw new Error(`bcoin: mandatory-script-verify-flag-failed (tx ${i})`);
        }
      }
    },
  };
}
