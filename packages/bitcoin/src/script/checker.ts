import type { Secp256k1Backend } from '@keel/crypto';
import { parseDerLax } from '@keel/crypto/secp256k1';
import { bytesToHex, equalBytes } from '@keel/util';
import type { Transaction, TxOut } from '../primitives/transaction.ts';
import type { ScriptErrorName } from './errors.ts';
import {
  legacySighash,
  type PrecomputedTxData,
  precomputeTxData,
  segwitV0Sighash,
  taprootSighash,
} from './sighash.ts';
import { type ExecutionData, SigVersion } from './sigversion.ts';
import { taprootOutputKey } from './taproot.ts';

/**
 * What the interpreter asks of the transaction it runs in (Core's BaseSignatureChecker).
 * Signature methods get the raw stack items; encoding rules have already been applied.
 */
export interface SignatureChecker {
  /** `sig` is DER plus hash-type byte; false for any failure (including an empty sig). */
  checkECDSASignature(
    sig: Uint8Array,
    pubkey: Uint8Array,
    scriptCode: Uint8Array,
    sigversion: SigVersion,
  ): boolean;
  /**
   * BIP340/341/342: `sig` is 64 or 65 bytes, `pubkey` 32. Returns undefined when valid,
   * else the Core error (SCHNORR_SIG_SIZE, SCHNORR_SIG_HASHTYPE, SCHNORR_SIG).
   */
  checkSchnorrSignature(
    sig: Uint8Array,
    pubkey: Uint8Array,
    sigversion: SigVersion,
    execData: ExecutionData,
  ): ScriptErrorName | undefined;
  /** BIP65 against the transaction's nLockTime and this input's nSequence. */
  checkLockTime(lockTime: number): boolean;
  /** BIP112 against this input's nSequence and the transaction version. */
  checkSequence(sequence: number): boolean;
  /**
   * BIP341 commitment: is `outputKey` (x-only) with Y parity `parity` equal to
   * `internalKey` + TaggedHash("TapTweak", internalKey ‖ merkleRoot)·G?
   */
  checkTapTweak(
    internalKey: Uint8Array,
    merkleRoot: Uint8Array,
    outputKey: Uint8Array,
    parity: number,
  ): boolean;
}

/** A checker that fails every signature and time lock (for scripts run outside a transaction). */
export const nullSignatureChecker: SignatureChecker = {
  checkECDSASignature: () => false,
  checkSchnorrSignature: () => 'SCHNORR_SIG',
  checkLockTime: () => false,
  checkSequence: () => false,
  checkTapTweak: () => false,
};

/** A verified signature, as a cache key. */
export interface SignatureCacheEntry {
  kind: 'ecdsa' | 'schnorr';
  sighash: Uint8Array;
  pubkey: Uint8Array;
  /** 64-byte r‖s (ECDSA, after lax DER parsing) or the 64-byte Schnorr signature. */
  sig: Uint8Array;
}

/**
 * Remembers (sighash, pubkey, sig) triples that verified, so a signature checked in the
 * mempool is not checked again in a block. Only valid signatures are added.
 */
export interface SignatureCache {
  has(entry: SignatureCacheEntry): boolean;
  add(entry: SignatureCacheEntry): void;
}

/** An in-memory SignatureCache holding at most `maxEntries` (oldest evicted first). */
export function createMemorySignatureCache(maxEntries = 50_000): SignatureCache {
  const set = new Set<string>();
  const key = (e: SignatureCacheEntry) =>
    `${e.kind}:${bytesToHex(e.sighash)}:${bytesToHex(e.pubkey)}:${bytesToHex(e.sig)}`;
  return {
    has: (e) => set.has(key(e)),
    add(e) {
      if (set.size >= maxEntries) {
        const first = set.values().next();
        if (!first.done) set.delete(first.value);
      }
      set.add(key(e));
    },
  };
}

export interface CreateTxSignatureCheckerParameters {
  tx: Transaction;
  inputIndex: number;
  /** Value of the output being spent (BIP143 signs it). */
  amount: bigint;
  /** Every output the transaction spends, in input order; needed for taproot. */
  spentOutputs?: readonly TxOut[] | undefined;
  /** Shared across a transaction's inputs; computed from tx/spentOutputs when omitted. */
  txData?: PrecomputedTxData | undefined;
  backend: Secp256k1Backend;
  cache?: SignatureCache | undefined;
}

const SEQUENCE_FINAL = 0xffffffff;
const LOCKTIME_THRESHOLD = 500_000_000;
const SEQ_DISABLE_FLAG = 0x80000000;
const SEQ_TYPE_FLAG = 1 << 22;
const SEQ_MASK = SEQ_TYPE_FLAG | 0xffff;

/**
 * The transaction signature checker (Core's GenericTransactionSignatureChecker). One is made
 * per input, so it is a class: one object, methods on the prototype, no closures.
 */
class TxSignatureChecker implements SignatureChecker {
  readonly #tx: Transaction;
  readonly #inputIndex: number;
  readonly #amount: bigint;
  readonly #txData: PrecomputedTxData;
  readonly #backend: Secp256k1Backend;
  readonly #cache: SignatureCache | undefined;

  constructor(p: CreateTxSignatureCheckerParameters) {
    this.#tx = p.tx;
    this.#inputIndex = p.inputIndex;
    this.#amount = p.amount;
    this.#txData = p.txData ?? precomputeTxData(p.tx, p.spentOutputs);
    this.#backend = p.backend;
    this.#cache = p.cache;
  }

  #verify(kind: 'ecdsa' | 'schnorr', sighash: Uint8Array, pubkey: Uint8Array, sig: Uint8Array) {
    const cache = this.#cache;
    const entry = cache ? { kind, sighash, pubkey, sig } : undefined;
    if (entry && cache!.has(entry)) return true;
    const ok =
      kind === 'ecdsa'
        ? this.#backend.ecdsaVerify(sig, sighash, pubkey)
        : this.#backend.schnorrVerify(sig, sighash, pubkey);
    if (ok && entry) cache!.add(entry);
    return ok;
  }

  checkECDSASignature(
    sig: Uint8Array,
    pubkey: Uint8Array,
    scriptCode: Uint8Array,
    sigversion: SigVersion,
  ): boolean {
    if (sig.length === 0) return false;
    const hashType = sig[sig.length - 1]!;
    const rs = parseDerLax(sig.subarray(0, sig.length - 1));
    if (!rs) return false;
    const tx = this.#tx;
    const i = this.#inputIndex;
    const sighash =
      sigversion === SigVersion.WITNESS_V0
        ? segwitV0Sighash(tx, i, scriptCode, this.#amount, hashType, this.#txData)
        : legacySighash(tx, i, scriptCode, hashType, this.#txData);
    return this.#verify('ecdsa', sighash, pubkey, rs);
  }

  checkSchnorrSignature(
    sig: Uint8Array,
    pubkey: Uint8Array,
    sigversion: SigVersion,
    execData: ExecutionData,
  ): ScriptErrorName | undefined {
    if (sig.length !== 64 && sig.length !== 65) return 'SCHNORR_SIG_SIZE';
    let hashType = 0;
    if (sig.length === 65) {
      hashType = sig[64]!;
      // BIP341: an explicit 0x00 hash type is not allowed (it must be omitted).
      if (hashType === 0) return 'SCHNORR_SIG_HASHTYPE';
      sig = sig.subarray(0, 64);
    }
    const tapscript = sigversion === SigVersion.TAPSCRIPT;
    const sighash = taprootSighash(this.#txData, this.#inputIndex, hashType, {
      annexHash: execData.annexHash,
      tapleafHash: tapscript ? execData.tapleafHash : undefined,
      codeSeparatorPos: tapscript ? execData.codeSeparatorPos : undefined,
    });
    if (!sighash) return 'SCHNORR_SIG_HASHTYPE';
    return this.#verify('schnorr', sighash, pubkey, sig) ? undefined : 'SCHNORR_SIG';
  }

  checkLockTime(lockTime: number): boolean {
    const txLock = this.#tx.locktime;
    // Both must be heights or both times.
    if (txLock < LOCKTIME_THRESHOLD !== lockTime < LOCKTIME_THRESHOLD) return false;
    if (lockTime > txLock) return false;
    // A final input makes nLockTime ineffective, so the lock could be bypassed.
    return this.#tx.inputs[this.#inputIndex]!.sequence !== SEQUENCE_FINAL;
  }

  checkSequence(sequence: number): boolean {
    const txSeq = this.#tx.inputs[this.#inputIndex]!.sequence;
    if (this.#tx.version >>> 0 < 2) return false; // BIP68 applies from version 2 (compared unsigned)
    if (txSeq & SEQ_DISABLE_FLAG) return false;
    const txMasked = txSeq & SEQ_MASK;
    const masked = sequence & SEQ_MASK;
    if (txMasked < SEQ_TYPE_FLAG !== masked < SEQ_TYPE_FLAG) return false;
    return masked <= txMasked;
  }

  checkTapTweak(
    internalKey: Uint8Array,
    merkleRoot: Uint8Array,
    outputKey: Uint8Array,
    parity: number,
  ): boolean {
    const q = taprootOutputKey(this.#backend, internalKey, merkleRoot);
    return q !== null && q.parity === parity && equalBytes(q.xOnly, outputKey);
  }
}

/** The transaction signature checker (Core's GenericTransactionSignatureChecker). */
export function createTxSignatureChecker(p: CreateTxSignatureCheckerParameters): SignatureChecker {
  return new TxSignatureChecker(p);
}
