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
  // one fromCharCode call with 16 arguments: no intermediate strings
  return (
    String.fromCharCode(
      t[0]! | (t[1]! << 8),
      t[2]! | (t[3]! << 8),
      t[4]! | (t[5]! << 8),
      t[6]! | (t[7]! << 8),
      t[8]! | (t[9]! << 8),
      t[10]! | (t[11]! << 8),
      t[12]! | (t[13]! << 8),
      t[14]! | (t[15]! << 8),
      t[16]! | (t[17]! << 8),
      t[18]! | (t[19]! << 8),
      t[20]! | (t[21]! << 8),
      t[22]! | (t[23]! << 8),
      t[24]! | (t[25]! << 8),
      t[26]! | (t[27]! << 8),
      t[28]! | (t[29]! << 8),
      t[30]! | (t[31]! << 8),
    ) + o.vout
  );
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
