import type { OutPoint } from '@keel/bitcoin';
import {
  type Coin,
  CoinOverwriteError,
  type CoinView,
  coinHashBytes,
  MuHash3072,
  outpointKey,
} from '@keel/bitcoin/consensus';
import { BufferReader, BufferWriter, DecodeError, DecodeErrorCode, type KvOp } from '@keel/util';
import type { ChainstateDb } from './kv/db.ts';
import { coinKey } from './layout.ts';

interface Entry {
  outpoint: OutPoint;
  /** undefined = spent (or known absent). */
  coin: Coin | undefined;
  /** Changed since the last flush. */
  dirty: boolean;
  /** The database holds an unspent coin here (so a spend must be written as a delete). */
  inDb: boolean;
}

/** Running statistics of the UTXO set, as Core's gettxoutsetinfo reports them. */
export interface UtxoStats {
  muhash: MuHash3072;
  txouts: number;
  amount: bigint;
}

/**
 * Heap cost of a cache entry beyond its script bytes: Map slot, key string, entry, outpoint and
 * coin objects, the script's own typed-array header. Measured on Node 20: ~480 bytes for an
 * entry with a 22-byte script (heapUsed + arrayBuffers over 100k entries).
 */
const ENTRY_OVERHEAD = 460;

export function encodeCoin(c: Coin): Uint8Array {
  const w = new BufferWriter(16 + c.scriptPubKey.length);
  w.u32le(((c.height << 1) | (c.coinbase ? 1 : 0)) >>> 0);
  w.i64le(c.value);
  w.bytes(c.scriptPubKey);
  return w.finish();
}

export function decodeCoin(b: Uint8Array): Coin {
  const r = new BufferReader(b);
  const code = r.u32le();
  const value = r.i64le();
  if (value < 0n) throw new DecodeError(DecodeErrorCode.INVALID_VALUE, 'stored coin value < 0');
  return {
    height: code >>> 1,
    coinbase: (code & 1) === 1,
    value,
    scriptPubKey: r.copyBytes(r.remaining),
  };
}

/**
 * A write-back coin cache over the chainstate database (Core's CCoinsViewCache): reads fall
 * through to the database synchronously, changes stay in memory until `takeChanges` hands
 * them to a flush. Every add and spend also updates the running UTXO-set statistics (MuHash,
 * count, amount), so they always describe exactly the set this view holds — including
 * connectBlock's own rollback of a failed block and overwrites of the BIP30 exceptions.
 */
export class CoinCache implements CoinView {
  private readonly map = new Map<string, Entry>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly db: ChainstateDb,
    readonly stats: UtxoStats,
  ) {}

  /** Estimated memory held by cached entries (bytes). */
  get usage(): number {
    return this.bytes;
  }

  get entries(): number {
    return this.map.size;
  }

  private entry(o: OutPoint): Entry {
    const k = mapKey(o);
    const hit = this.map.get(k);
    if (hit) {
      this.hits++;
      return hit;
    }
    this.misses++;
    const raw = this.db.getSync(coinKey(o.txid, o.vout));
    const coin = raw ? decodeCoin(raw) : undefined;
    const e: Entry = { outpoint: o, coin, dirty: false, inDb: coin !== undefined };
    this.map.set(k, e);
    this.bytes += ENTRY_OVERHEAD + (coin?.scriptPubKey.length ?? 0);
    return e;
  }

  get(o: OutPoint): Coin | undefined {
    return this.entry(o).coin;
  }

  has(o: OutPoint): boolean {
    return this.entry(o).coin !== undefined;
  }

  add(o: OutPoint, coin: Coin, overwrite: boolean): void {
    const e = this.entry(o);
    if (e.coin) {
      if (!overwrite) throw new CoinOverwriteError(outpointKey(o));
      this.account(o, e.coin, -1);
      this.bytes -= e.coin.scriptPubKey.length;
    }
    e.coin = coin;
    e.dirty = true;
    this.bytes += coin.scriptPubKey.length;
    this.account(o, coin, 1);
  }

  spend(o: OutPoint): Coin | undefined {
    const e = this.entry(o);
    const coin = e.coin;
    if (!coin) return undefined;
    this.account(o, coin, -1);
    e.coin = undefined;
    e.dirty = true;
    this.bytes -= coin.scriptPubKey.length;
    if (!e.inDb) {
      // never written: nothing to delete (Core's FRESH coin spent before a flush)
      this.map.delete(mapKey(o));
      this.bytes -= ENTRY_OVERHEAD;
    }
    return coin;
  }

  private account(o: OutPoint, coin: Coin, sign: 1 | -1): void {
    const s = this.stats;
    const bytes = coinHashBytes(o, coin);
    if (sign > 0) s.muhash.insert(bytes);
    else s.muhash.remove(bytes);
    s.txouts += sign;
    s.amount += sign > 0 ? coin.value : -coin.value;
  }

  /** The database writes for every change since the last flush, and empties the cache. */
  takeChanges(): KvOp[] {
    const ops: KvOp[] = [];
    for (const e of this.map.values()) {
      if (!e.dirty) continue;
      const key = coinKey(e.outpoint.txid, e.outpoint.vout);
      if (e.coin) ops.push({ key, value: encodeCoin(e.coin) });
      else if (e.inDb) ops.push({ key, value: undefined });
    }
    this.map.clear();
    this.bytes = 0;
    return ops;
  }

  /** Drops every change (after a failed flush nothing in memory can be trusted). */
  discard(): void {
    this.map.clear();
    this.bytes = 0;
  }
}

function mapKey(o: OutPoint): string {
  const t = o.txid;
  let k = '';
  for (let i = 0; i < 32; i += 2) k += String.fromCharCode(t[i]! | (t[i + 1]! << 8));
  return k + o.vout;
}

/** A fresh, empty statistics record. */
export function emptyUtxoStats(): UtxoStats {
  return { muhash: new MuHash3072(), txouts: 0, amount: 0n };
}
