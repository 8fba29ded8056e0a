/**
 * A tiny chain for mempool tests: funding coins in a UTXO map, a fixed tip, and a wallet
 * (the regtest generator's RegtestKeys) that signs every spend for real.
 */
import type { Coin, OutPoint, Transaction, TxOut } from '@keel/bitcoin';
import { txid } from '@keel/bitcoin';
import { sha256 } from '@keel/crypto';
import { loadSecp256k1Backend, type Secp256k1Backend } from '@keel/crypto/secp256k1';
import { secp256k1Preference } from '@keel/test-utils';
import { SeededRng, utf8ToBytes } from '@keel/util';
import type { AcceptContext, ChainTip } from '../../src/mempool/accept.ts';
import { MempoolCore } from '../../src/mempool/core.ts';
import type { MempoolPolicy } from '../../src/mempool/policy.ts';
import { type OutputKind, RegtestKeys } from '../../src/regtest/wallet.ts';

export interface WalletCoin {
  outpoint: OutPoint;
  value: bigint;
  scriptPubKey: Uint8Array;
  kind: OutputKind;
  slot: number;
}

export const TIP_HEIGHT = 500;
export const TIP_MTP = 1_700_000_000;
export const NOW = 1_700_000_600;

export class MempoolFixture {
  readonly utxo = new Map<string, Coin>();
  readonly tip: ChainTip = {
    height: TIP_HEIGHT,
    medianTimePast: TIP_MTP,
    medianTimePastAt: (h) => TIP_MTP - (TIP_HEIGHT - h) * 600,
  };
  private counter = 0;

  private constructor(
    readonly backend: Secp256k1Backend,
    readonly keys: RegtestKeys,
  ) {}

  static async create(): Promise<MempoolFixture> {
    const backend = await loadSecp256k1Backend(secp256k1Preference());
    return new MempoolFixture(backend, new RegtestKeys(backend, new SeededRng('mempool'), 2));
  }

  core(policy: Partial<MempoolPolicy> = {}): MempoolCore {
    return new MempoolCore({ backend: this.backend, policy });
  }

  ctx(extra: Partial<AcceptContext> = {}): AcceptContext {
    return {
      now: NOW,
      tip: this.tip,
      coin: (o) => this.utxo.get(key(o)),
      ...extra,
    };
  }

  /** A confirmed coin of `kind` (a fresh fake funding txid at `height`). */
  fund(value: bigint, kind: OutputKind = 'p2wpkh', height = 100, coinbase = false): WalletCoin {
    const id = sha256(utf8ToBytes(`funding ${this.counter++}`));
    const coin = this.coinAt({ txid: id, vout: 0 }, value, kind);
    this.utxo.set(key(coin.outpoint), {
      value,
      scriptPubKey: coin.scriptPubKey,
      height,
      coinbase,
    });
    return coin;
  }

  coinAt(outpoint: OutPoint, value: bigint, kind: OutputKind = 'p2wpkh', slot = 0): WalletCoin {
    return { outpoint, value, scriptPubKey: this.keys.scriptPubKey(kind, slot), kind, slot };
  }

  /**
   * A signed spend of `coins` paying `outputs` (values; to P2WPKH unless scripts are given).
   * `mutate` runs before signing.
   */
  spend(
    coins: readonly WalletCoin[],
    outputs: readonly (bigint | TxOut)[],
    mutate?: (tx: Transaction) => void,
  ): Transaction {
    const tx: Transaction = {
      version: 2,
      inputs: coins.map((c) => ({
        prevout: c.outpoint,
        scriptSig: new Uint8Array(0),
        sequence: 0xfffffffd,
        witness: [],
      })),
      outputs: outputs.map((o) =>
        typeof o === 'bigint' ? { value: o, scriptPubKey: this.keys.scriptPubKey('p2wpkh', 0) } : o,
      ),
      locktime: 0,
    };
    mutate?.(tx);
    this.keys.sign(tx, coins);
    return tx;
  }

  /** Output `vout` of `tx` as a wallet coin (P2WPKH slot 0 unless told). */
  out(tx: Transaction, vout = 0, kind: OutputKind = 'p2wpkh'): WalletCoin {
    return this.coinAt({ txid: txid(tx), vout }, tx.outputs[vout]!.value, kind);
  }
}

export function key(o: OutPoint): string {
  return `${Buffer.from(o.txid).toString('hex')}:${o.vout}`;
}
