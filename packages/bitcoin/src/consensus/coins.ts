import { bytesToHex, InvariantError } from '@keel/util';
import type { OutPoint } from '../primitives/transaction.ts';

/** An unspent output with what consensus needs to know about its creation. */
export interface Coin {
  value: bigint;
  scriptPubKey: Uint8Array;
  /** Height of the block whose transaction created the output. */
  height: number;
  /** Created by a coinbase transaction (spendable only after COINBASE_MATURITY blocks). */
  coinbase: boolean;
}

/**
 * The UTXO set as block connection sees it. `connectBlock` is synchronous, so an I/O shell
 * prefetches every coin a block spends into a view before calling it.
 */
export interface CoinView {
  get(outpoint: OutPoint): Coin | undefined;
  has(outpoint: OutPoint): boolean;
  /**
   * Adds a coin. With `overwrite` false an existing unspent coin at the outpoint is a bug
   * in the caller and throws; Core allows overwriting only for the BIP30 exception coinbases.
   */
  add(outpoint: OutPoint, coin: Coin, overwrite: boolean): void;
  /** Removes and returns the coin, or undefined if it is not there. */
  spend(outpoint: OutPoint): Coin | undefined;
}

/** The map key of an outpoint: txid hex (internal order) and output index. */
export function outpointKey(o: OutPoint): string {
  return `${bytesToHex(o.txid)}:${o.vout}`;
}

/** A compact key for the in-memory map: the txid's 32 bytes as latin1 chars, then the index. */
function mapKey(o: OutPoint): string {
  // 16 UTF-16 code units (two txid bytes each) plus the index: cheap to build and hash.
  const t = o.txid;
  let k = '';
  for (let i = 0; i < 32; i += 2) k += String.fromCharCode(t[i]! | (t[i + 1]! << 8));
  return k + o.vout;
}

/** An in-memory CoinView (tests, the vector suite, single-block validation in the CLI). */
export class MemoryCoinView implements CoinView {
  private readonly coins = new Map<string, Coin>();

  get size(): number {
    return this.coins.size;
  }

  get(o: OutPoint): Coin | undefined {
    return this.coins.get(mapKey(o));
  }

  has(o: OutPoint): boolean {
    return this.coins.has(mapKey(o));
  }

  add(o: OutPoint, coin: Coin, overwrite: boolean): void {
    const key = mapKey(o);
    if (!overwrite && this.coins.has(key)) {
      throw new CoinOverwriteError(outpointKey(o));
    }
    this.coins.set(key, coin);
  }

  spend(o: OutPoint): Coin | undefined {
    const key = mapKey(o);
    const coin = this.coins.get(key);
    if (coin) this.coins.delete(key);
    return coin;
  }

  /** Every coin, keyed by `outpointKey` (for snapshots and comparisons in tests). */
  *entries(): IterableIterator<[string, Coin]> {
    for (const [k, coin] of this.coins) {
      // undo mapKey: 16 UTF-16 units of two txid bytes each, then the index in decimal
      const txid = new Uint8Array(32);
      for (let i = 0; i < 16; i++) {
        const u = k.charCodeAt(i);
        txid[2 * i] = u & 0xff;
        txid[2 * i + 1] = u >>> 8;
      }
      yield [outpointKey({ txid, vout: Number(k.slice(16)) }), coin];
    }
  }
}

/** A coin was added over an unspent one without permission: a bug in the caller. */
export class CoinOverwriteError extends InvariantError {
  constructor(key: string) {
    super(`coin ${key} already exists and overwrite was not allowed`, { outpoint: key });
  }
}
