// Differential harness: one input script evaluated by keel and by bcoin 2.2.0's interpreter
// (lib/script/script.js, a second implementation nobody on keel wrote) under the same flags.
// bcoin comes from the cached native build (scripts/bcoin.mjs); without it the shared source
// folder is loaded with bcrypto's pure-JS backend (same results, slower signatures).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Secp256k1Backend } from '@keel/crypto';
import { bcoinSource, findBcoin } from '../../scripts/bcoin.mjs';
import type { Transaction, TxOut } from '../../src/primitives/transaction.ts';
import { encodeTransaction } from '../../src/primitives/transaction.ts';
import { createTxSignatureChecker } from '../../src/script/checker.ts';
import { precomputeTxData } from '../../src/script/sighash.ts';
import { verifyScript } from '../../src/script/verify.ts';

/** The flags bcoin 2.2.0 knows (Core's bits 0..16; it has no taproot). */
export const BCOIN_FLAGS = (1 << 17) - 1;

interface BcoinScriptError {
  type: string;
  code: string;
}
interface BcoinTx {
  inputs: Array<{ script: unknown; witness: unknown }>;
  verify(view: unknown, flags: number): boolean;
  checkSanity(): [boolean, string, number];
}
interface BcoinLib {
  TX: { fromRaw(b: Buffer): BcoinTx };
  CoinView: new () => { addCoin(c: unknown): unknown };
  Coin: { fromOptions(o: Record<string, unknown>): unknown };
  Script: {
    fromRaw(b: Buffer): unknown;
    verify(
      input: unknown,
      witness: unknown,
      output: unknown,
      tx: BcoinTx,
      index: number,
      value: number,
      flags: number,
    ): void;
  };
}

export interface Bcoin {
  /** Where it was loaded from, and whether bcrypto runs native code. */
  readonly where: string;
  readonly native: boolean;
  /** 'OK' or bcoin's ScriptError code (Core's names). */
  verify(tx: Transaction, index: number, spent: TxOut, flags: number): string;
  /** bcoin's whole-transaction verifier (`tx.verify(view, flags)`) over these spent outputs. */
  verifyTx(raw: Uint8Array, spent: readonly Prevout[], flags: number): boolean;
  /** bcoin's CheckTransaction (`tx.checkSanity()`): 'OK' or its reject reason. */
  checkSanity(raw: Uint8Array): string;
}

export interface Prevout {
  /** Internal byte order. */
  txid: Uint8Array;
  vout: number;
  value: bigint;
  scriptPubKey: Uint8Array;
}

/** bcoin, or a precise reason why it cannot be loaded. */
export function loadBcoin(): Bcoin | string {
  let dir = findBcoin();
  const native = dir !== null;
  if (!dir) {
    dir = bcoinSource();
    if (!dir)
      return 'bcoin not found (../shared/peers/bcoin) and no built copy in the cache (~/.cache/keel)';
    // bcrypto reads this when first loaded: its JS code, no native binding needed
    process.env.NODE_BACKEND = 'js';
  }
  if (!existsSync(join(dir, 'lib/script/script.js'))) return `no lib/script/script.js in ${dir}`;
  const req = createRequire(join(dir, 'package.json'));
  const lib: BcoinLib = {
    TX: req('./lib/primitives/tx.js'),
    Script: req('./lib/script/script.js'),
    CoinView: req('./lib/coins/coinview.js'),
    Coin: req('./lib/primitives/coin.js'),
  };
  return {
    where: dir,
    native,
    verify(tx, index, spent, flags) {
      const raw = encodeTransaction(tx);
      const btx = lib.TX.fromRaw(Buffer.from(raw));
      const input = btx.inputs[index]!;
      const spk = lib.Script.fromRaw(Buffer.from(spent.scriptPubKey));
      try {
        lib.Script.verify(input.script, input.witness, spk, btx, index, Number(spent.value), flags);
        return 'OK';
      } catch (e) {
        const err = e as BcoinScriptError;
        if (err.type === 'ScriptError') return err.code;
        throw e;
      }
    },
    verifyTx(raw, spent, flags) {
      const btx = lib.TX.fromRaw(Buffer.from(raw));
      const view = new lib.CoinView();
      for (const p of spent) {
        view.addCoin(
          lib.Coin.fromOptions({
            version: 1,
            height: 1,
            value: Number(p.value),
            script: lib.Script.fromRaw(Buffer.from(p.scriptPubKey)),
            coinbase: false,
            hash: Buffer.from(p.txid),
            index: p.vout,
          }),
        );
      }
      return btx.verify(view, flags);
    },
    checkSanity(raw) {
      const [ok, reason] = lib.TX.fromRaw(Buffer.from(raw)).checkSanity();
      return ok ? 'OK' : reason;
    },
  };
}

/** keel's verdict for the same input: 'OK' or Core's error name. */
export function keelVerify(
  tx: Transaction,
  index: number,
  spent: readonly TxOut[],
  flags: number,
  backend: Secp256k1Backend,
): string {
  const checker = createTxSignatureChecker({
    tx,
    inputIndex: index,
    amount: spent[index]!.value,
    spentOutputs: spent,
    txData: precomputeTxData(tx, spent),
    backend,
  });
  const input = tx.inputs[index]!;
  const v = verifyScript(
    input.scriptSig,
    spent[index]!.scriptPubKey,
    input.witness,
    flags,
    checker,
  );
  return v.ok ? 'OK' : v.error;
}

/** A small deterministic generator (xorshift32), seeded per test so failures replay. */
export function rng(seed: number): { int(n: number): number; bytes(n: number): Uint8Array } {
  let s = seed >>> 0 || 0x9e3779b9;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  return {
    int: (n) => next() % n,
    bytes: (n) => Uint8Array.from({ length: n }, () => next() & 0xff),
  };
}

/**
 * Flags as Core's interpreter requires them: CLEANSTACK needs P2SH and WITNESS, WITNESS
 * needs P2SH (Core asserts both; neither side defines the behaviour otherwise).
 */
export function consistentFlags(flags: number): number {
  let f = flags & BCOIN_FLAGS;
  if (f & (1 << 8)) f |= (1 << 0) | (1 << 11);
  if (f & (1 << 11)) f |= 1 << 0;
  return f;
}
