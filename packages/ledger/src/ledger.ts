import { type BlsBackend, type Ed25519, ed25519, nobleBls, sha256 } from '@keel/crypto';
import {
  createRuntime,
  type ExecutionResult,
  ModuleValidationError,
  type Runtime,
  RuntimeError,
} from '@keel/runtime';
import {
  bigIntToBytesLE,
  concatBytes,
  InvalidArgumentError,
  isKeelError,
  utf8ToBytes,
} from '@keel/util';
import { InvalidTxError, LedgerError, LedgerErrorCode, TxRejectReason } from './errors.ts';
import { type EthBlockView, EvmBlockRun, nextBaseFee } from './evm/block.ts';
import { type EthCallParameters, type EthCallResult, ethCall, ethEstimateGas } from './evm/call.ts';
import { checkEthTxStateless, ethMaxCost, feeCap, isEthTx } from './evm/ethTx.ts';
import { evmAccountAddress, evmChainIdOf, evmHasCode, evmHeadOf } from './evm/keys.ts';
import {
  defaultLedgerParams,
  defaultTxLimits,
  type LedgerParams,
  type TxLimits,
} from './params.ts';
import { readAccount, writeAccount } from './state/account.ts';
import {
  applySlash,
  type EpochParams,
  type EpochValidator,
  type EvidenceVerifier,
  epochOfHeight,
  processEpochBoundary,
  readEpochParams,
  readEpochSet,
  type SlashResult,
} from './state/epochs.ts';
import { codeKey, META_CHAIN_ID } from './state/keys.ts';
import { type LedgerState, StateOverlay, type StateWrite } from './state/ledgerState.ts';
import { LedgerRuntimeState } from './state/runtimeState.ts';
import { decodeTx, encodeTx, TX_SIGNING_DOMAIN, txHash } from './tx/encoding.ts';
import { decodeEvidenceTx, evidenceTxHash, isEvidenceTx } from './tx/evidence.ts';
import type { SignedTx } from './tx/types.ts';
import type { LedgerBlockContext, Receipt, ReceiptStatus } from './types.ts';
import { addStake, readValidatorSet, removeStake, type ValidatorRecord } from './validators.ts';

export interface CreateLedgerOptions {
  readonly params?: Partial<LedgerParams>;
  readonly limits?: Partial<TxLimits>;
  /** A runtime to share (its module cache); default: one with ed25519 verification wired. */
  readonly runtime?: Runtime;
  /** Checks proofs of possession on stake; default: noble (pure TS). */
  readonly bls?: BlsBackend;
  readonly ed25519?: Ed25519;
  /**
   * Checks the signatures of evidence transactions (the node passes `@keel/consensus`'s
   * `verifyEquivocationEvidence`). Without one, every evidence transaction is refused.
   */
  readonly evidenceVerifier?: EvidenceVerifier;
}

export type CheckTxResult =
  | {
      readonly ok: true;
      readonly txHash: Uint8Array;
      readonly intrinsicGas: number;
      /** Most the sender can spend: gasLimit × gasPrice + amount/value. */
      readonly maxCost: bigint;
      /** The nonce is ahead of the account's (allowed with `allowFutureNonce`). */
      readonly futureNonce: boolean;
      /** The sender's ledger account (an EVM sender's is `evmAccountAddress(sender)`). */
      readonly from: Uint8Array;
      readonly nonce: bigint;
      /** Priority in a mempool: gasPrice, or maxFeePerGas for EIP-1559 transactions. */
      readonly feePerGas: bigint;
      /** Ethereum transactions: their type (0..3). */
      readonly ethType?: number;
    }
  | { readonly ok: false; readonly reason: TxRejectReason; readonly error: InvalidTxError };

export interface ApplyBlockOptions {
  /** Drop invalid transactions (block building) instead of failing the block. */
  readonly skipInvalid?: boolean;
  /** The caller already verified every signature (e.g. on mempool entry). */
  readonly signaturesVerified?: boolean;
}

export interface BlockResult {
  readonly state: LedgerState;
  readonly stateRoot: Uint8Array;
  readonly receipts: readonly Receipt[];
  /** Indexes of the transactions applied (all of them unless `skipInvalid`). */
  readonly applied: readonly number[];
  readonly rejected: readonly { readonly index: number; readonly error: InvalidTxError }[];
  readonly gasUsed: number;
  readonly validatorSetChanged: boolean;
  /** The Ethereum view of the block, when the chain's genesis enabled the EVM. */
  readonly eth?: EthBlockView;
  /** The block's net state writes (what a node persists, see `stateWritesToKvOps`). */
  readonly writes: readonly StateWrite[];
  /** Epochs: the block was the last of its epoch and fixed the list of this epoch. */
  readonly epochFixed?: number;
  /** Evidence transactions of the block that slashed someone. */
  readonly slashed?: readonly SlashResult[];
}

export interface CallContractParameters {
  readonly to: Uint8Array;
  readonly method: string;
  readonly input?: Uint8Array;
  readonly caller?: Uint8Array;
  readonly value?: bigint;
  readonly gasLimit?: number;
  readonly block?: { readonly height: bigint; readonly time: bigint };
}

/** The address of a contract deployed by `from` with transaction nonce `nonce`. */
export function contractAddress(from: Uint8Array, nonce: bigint): Uint8Array {
  return sha256(concatBytes(utf8ToBytes('keel/contract'), from, bigIntToBytesLE(nonce, 8)));
}

const ZERO_ADDRESS = new Uint8Array(32);
const MAX_NONCE = (1n << 64n) - 1n;

/**
 * The ledger's state transition: transaction checks, `applyBlock`, read-only contract calls.
 * Holds no state of its own besides the runtime's compiled-module cache; every function takes
 * a `LedgerState` and returns a new one.
 */
export class Ledger {
  readonly params: LedgerParams;
  readonly limits: TxLimits;
  readonly runtime: Runtime;
  private readonly bls: BlsBackend;
  private readonly ed25519: Ed25519;
  /** See `CreateLedgerOptions.evidenceVerifier` (settable: a node wires it after genesis). */
  evidenceVerifier: EvidenceVerifier | undefined;

  constructor(opts: CreateLedgerOptions = {}) {
    this.params = { ...defaultLedgerParams, ...opts.params };
    const p = this.params;
    if (p.powerUnit <= 0n || p.minStake < p.powerUnit || p.minStake <= 0n)
      throw new InvalidArgumentError('params: need 0 < powerUnit <= minStake (power >= 1)');
    if (p.minGasPrice < 0n || p.maxTxGas <= 0 || p.maxBlockGas < p.maxTxGas)
      throw new InvalidArgumentError('params: need minGasPrice >= 0, 0 < maxTxGas <= maxBlockGas');
    this.limits = { ...defaultTxLimits, ...opts.limits };
    this.ed25519 = opts.ed25519 ?? ed25519;
    const ed = this.ed25519;
    this.runtime =
      opts.runtime ??
      createRuntime({
        verifiers: { ed25519: { verify: (pk, msg, sig) => ed.verify(sig, msg, pk) } },
      });
    this.bls = opts.bls ?? nobleBls;
    this.evidenceVerifier = opts.evidenceVerifier;
  }

  /** Gas a transaction pays before anything runs. */
  intrinsicGas(tx: SignedTx, encodedLength?: number): number {
    const p = this.params;
    const len = encodedLength ?? encodeTx(tx, this.limits).length;
    let g = p.txBaseGas + p.txByteGas * len;
    if (tx.kind === 'deploy') g += p.deployByteGas * tx.code.length;
    if (tx.kind === 'stake' || tx.kind === 'unstake') g += p.stakeGas;
    return g;
  }

  /** Everything about a transaction that does not depend on state. Throws `InvalidTxError`. */
  private checkStateless(
    want: string | undefined,
    tx: SignedTx,
    encoded: Uint8Array,
    verifySig: boolean,
  ): number {
    if (tx.chainId !== want)
      throw new InvalidTxError(
        TxRejectReason.CHAIN_ID,
        `chain id "${tx.chainId}" is not "${want}"`,
      );
    if (tx.gasPrice < this.params.minGasPrice)
      throw new InvalidTxError(
        TxRejectReason.GAS_PRICE_TOO_LOW,
        `gas price ${tx.gasPrice} is below the minimum ${this.params.minGasPrice}`,
      );
    if (tx.gasLimit > this.params.maxTxGas)
      throw new InvalidTxError(
        TxRejectReason.GAS_LIMIT_TOO_HIGH,
        `gas limit ${tx.gasLimit} exceeds ${this.params.maxTxGas}`,
      );
    const intrinsic = this.intrinsicGas(tx, encoded.length);
    if (tx.gasLimit < intrinsic)
      throw new InvalidTxError(
        TxRejectReason.INTRINSIC_GAS,
        `gas limit ${tx.gasLimit} is below the intrinsic gas ${intrinsic}`,
      );
    if (verifySig) {
      // the signing payload is the domain tag and the encoding without its signature
      const payload = new Uint8Array(TX_SIGNING_DOMAIN.length + encoded.length - 64);
      payload.set(TX_SIGNING_DOMAIN, 0);
      payload.set(encoded.subarray(0, encoded.length - 64), TX_SIGNING_DOMAIN.length);
      if (!this.ed25519.verify(tx.signature, payload, tx.from))
        throw new InvalidTxError(TxRejectReason.SIGNATURE, 'invalid signature');
    }
    return intrinsic;
  }

  private maxCost(tx: SignedTx): bigint {
    const gas = BigInt(tx.gasLimit) * tx.gasPrice;
    if (tx.kind === 'transfer' || tx.kind === 'stake') return gas + tx.amount;
    if (tx.kind === 'call') return gas + tx.value;
    return gas;
  }

  private checkStateful(state: StateReader, tx: SignedTx, allowFutureNonce: boolean): boolean {
    const acct = readAccount(state, tx.from);
    if (tx.nonce < acct.nonce)
      throw new InvalidTxError(
        TxRejectReason.NONCE_TOO_LOW,
        `nonce ${tx.nonce} is below the account nonce ${acct.nonce}`,
        { expected: acct.nonce.toString() },
      );
    if (acct.nonce === MAX_NONCE)
      throw new InvalidTxError(TxRejectReason.NONCE_TOO_HIGH, 'the account nonce is exhausted');
    if (tx.nonce > acct.nonce && !allowFutureNonce)
      throw new InvalidTxError(
        TxRejectReason.NONCE_TOO_HIGH,
        `nonce ${tx.nonce} is above the account nonce ${acct.nonce}`,
        { expected: acct.nonce.toString() },
      );
    const cost = this.maxCost(tx);
    if (acct.balance < cost)
      throw new InvalidTxError(
        TxRejectReason.INSUFFICIENT_BALANCE,
        `balance ${acct.balance} is below the maximum cost ${cost}`,
      );
    return tx.nonce > acct.nonce;
  }

  /**
   * The mempool check: chain id, signature, gas price and limit, nonce, balance for the
   * maximum cost, and deployable code. Never throws for a bad transaction (a verdict instead).
   * `tx` may be the encoded bytes (decode errors become a verdict too).
   */
  checkTx(
    state: LedgerState,
    tx: SignedTx | Uint8Array,
    opts: { allowFutureNonce?: boolean } = {},
  ): CheckTxResult {
    if (tx instanceof Uint8Array && isEthTx(tx)) return this.checkEthTx(state, tx, opts);
    try {
      const t = tx instanceof Uint8Array ? decodeTx(tx, this.limits) : tx;
      const encoded = tx instanceof Uint8Array ? tx : encodeTx(t, this.limits);
      const intrinsicGas = this.checkStateless(chainIdOf(state), t, encoded, true);
      const futureNonce = this.checkStateful(state, t, opts.allowFutureNonce ?? false);
      if (t.kind === 'deploy') {
        try {
          this.runtime.validate(t.code);
        } catch (e) {
          if (!(e instanceof RuntimeError)) throw e;
          throw new InvalidTxError(TxRejectReason.INVALID_CODE, e.message, { code: e.code });
        }
      }
      return {
        ok: true,
        txHash: txHash(encoded),
        intrinsicGas,
        maxCost: this.maxCost(t),
        futureNonce,
        from: t.from,
        nonce: t.nonce,
        feePerGas: t.gasPrice,
      };
    } catch (e) {
      if (e instanceof InvalidTxError) return { ok: false, reason: e.reason, error: e };
      if (isKeelError(e)) {
        const err = new InvalidTxError(
          TxRejectReason.MALFORMED,
          `malformed transaction: ${e.message}`,
        );
        return { ok: false, reason: err.reason, error: err };
      }
      throw e;
    }
  }

  /**
   * Applies a block's transactions in order; deterministic in (state, txs, block). A
   * transaction that fails its checks makes the whole block invalid (`LedgerError`
   * INVALID_BLOCK) unless `skipInvalid`; one whose execution fails (revert, out of gas, trap,
   * rejected stake/code) is included with its receipt: nonce used, fee paid, effects undone.
   */
  applyBlock(
    state: LedgerState,
    txs: readonly (SignedTx | Uint8Array)[],
    block: LedgerBlockContext,
    opts: ApplyBlockOptions = {},
  ): BlockResult {
    const overlay = new StateOverlay(state);
    const chainId = chainIdOf(state);
    const receipts: Receipt[] = [];
    const applied: number[] = [];
    const rejected: { index: number; error: InvalidTxError }[] = [];
    let gasUsed = 0;
    let gasBudget = this.params.maxBlockGas;
    let validatorSetChanged = false;
    const evmChainId = evmChainIdOf(state);
    let evm: EvmBlockRun | undefined;
    const slashed: SlashResult[] = [];
    for (let i = 0; i < txs.length; i++) {
      const raw = txs[i]!;
      if (raw instanceof Uint8Array && isEvidenceTx(raw)) {
        try {
          const r = this.applyEvidence(overlay, raw, block.height);
          slashed.push(r);
          receipts.push(evidenceReceipt(raw));
          applied.push(i);
          validatorSetChanged = true;
        } catch (e) {
          if (!(e instanceof InvalidTxError)) throw e;
          if (opts.skipInvalid) {
            rejected.push({ index: i, error: e });
            continue;
          }
          throw new LedgerError(
            LedgerErrorCode.INVALID_BLOCK,
            `transaction ${i} is invalid: ${e.message}`,
            { index: i, reason: e.reason },
          );
        }
        continue;
      }
      if (raw instanceof Uint8Array && isEthTx(raw)) {
        const mark = overlay.mark();
        try {
          if (raw.length > this.limits.maxTxBytes)
            throw new InvalidTxError(
              TxRejectReason.MALFORMED,
              `transaction is ${raw.length} bytes, over the ${this.limits.maxTxBytes} limit`,
            );
          evm ??= this.evmRun(overlay, evmChainId, block);
          const r = evm.run(checkEthTxStateless(raw, evmChainId!));
          gasUsed += r.gasUsed;
          receipts.push(r);
          applied.push(i);
        } catch (e) {
          overlay.rollback(mark);
          const err =
            e instanceof InvalidTxError
              ? e
              : isKeelError(e)
                ? new InvalidTxError(
                    TxRejectReason.MALFORMED,
                    `malformed transaction: ${e.message}`,
                  )
                : undefined;
          if (!err) throw e;
          if (opts.skipInvalid) {
            rejected.push({ index: i, error: err });
            continue;
          }
          throw new LedgerError(
            LedgerErrorCode.INVALID_BLOCK,
            `transaction ${i} is invalid: ${err.message}`,
            { index: i, reason: err.reason },
          );
        }
        continue;
      }
      let tx: SignedTx;
      let encoded: Uint8Array;
      try {
        tx = raw instanceof Uint8Array ? decodeTx(raw, this.limits) : raw;
        encoded = raw instanceof Uint8Array ? raw : encodeTx(tx, this.limits);
        this.checkStateless(chainId, tx, encoded, !opts.signaturesVerified);
        this.checkStateful(overlay, tx, false);
        if (tx.gasLimit > gasBudget)
          throw new InvalidTxError(TxRejectReason.GAS_LIMIT_TOO_HIGH, 'block gas limit exceeded');
      } catch (e) {
        const err =
          e instanceof InvalidTxError
            ? e
            : isKeelError(e)
              ? new InvalidTxError(TxRejectReason.MALFORMED, `malformed transaction: ${e.message}`)
              : undefined;
        if (!err) throw e;
        if (opts.skipInvalid) {
          rejected.push({ index: i, error: err });
          continue;
        }
        throw new LedgerError(
          LedgerErrorCode.INVALID_BLOCK,
          `transaction ${i} is invalid: ${err.message}`,
          { index: i, reason: err.reason },
        );
      }
      gasBudget -= tx.gasLimit;
      const r = this.applyTx(overlay, tx, encoded, block);
      if (r.status === 'ok' && (tx.kind === 'stake' || tx.kind === 'unstake'))
        validatorSetChanged = true;
      gasUsed += r.gasUsed;
      receipts.push(r);
      applied.push(i);
    }
    const epochs = readEpochParams(overlay);
    const boundary =
      !!epochs &&
      processEpochBoundary(overlay, epochs, this.params, block.height, (address, amount) => {
        const a = readAccount(overlay, address);
        writeAccount(overlay, address, { ...a, balance: a.balance + amount });
      });
    const eth =
      evmChainId === undefined
        ? undefined
        : (evm ?? this.evmRun(overlay, evmChainId, block)).finish();
    const next = overlay.commit();
    return {
      state: next,
      stateRoot: next.root(),
      receipts,
      applied,
      rejected,
      gasUsed,
      validatorSetChanged,
      ...(eth ? { eth } : {}),
      writes: overlay.changes(),
      ...(boundary ? { epochFixed: epochOfHeight(epochs!, block.height) + 2 } : {}),
      ...(slashed.length ? { slashed } : {}),
    };
  }

  /**
   * Verifies and applies one evidence transaction in a block at `height`: decodes it, checks
   * its epoch (not after the block's), the signatures through `evidenceVerifier` against the
   * stored list of the offence epoch (expired past the unbonding period), refuses a second
   * slash of the same offence, then slashes and jails. Throws `InvalidTxError` (`evidence`,
   * `evidence_duplicate`, `malformed`).
   */
  private applyEvidence(overlay: StateOverlay, raw: Uint8Array, height: bigint): SlashResult {
    const ep = readEpochParams(overlay);
    if (!ep)
      throw new InvalidTxError(TxRejectReason.EVIDENCE, 'evidence: this chain has no epochs');
    let e: ReturnType<typeof decodeEvidenceTx>;
    try {
      e = decodeEvidenceTx(raw);
    } catch (err) {
      if (!isKeelError(err)) throw err;
      throw new InvalidTxError(TxRejectReason.MALFORMED, `malformed evidence: ${err.message}`);
    }
    const current = epochOfHeight(ep, height);
    if (e.epoch > current)
      throw new InvalidTxError(
        TxRejectReason.EVIDENCE,
        `evidence: offence epoch ${e.epoch} is after the block's epoch ${current}`,
      );
    const verify = this.evidenceVerifier;
    if (!verify)
      throw new InvalidTxError(TxRejectReason.EVIDENCE, 'evidence: no evidence verifier');
    try {
      verify(e, {
        currentEpoch: current,
        unbondingEpochs: ep.unbondingEpochs,
        validatorsOf: (epoch) => readEpochSet(overlay, epoch),
      });
    } catch (err) {
      if (!isKeelError(err)) throw err;
      throw new InvalidTxError(TxRejectReason.EVIDENCE, err.message, { code: err.code });
    }
    const r = applySlash(overlay, ep, this.params, e, current);
    if (typeof r === 'string') throw new InvalidTxError(TxRejectReason.EVIDENCE_DUPLICATE, r);
    return r;
  }

  /**
   * The mempool check of an evidence transaction: would it apply in a block at `height` on
   * `state`? A verdict, never a throw for bad evidence.
   */
  checkEvidence(
    state: LedgerState,
    raw: Uint8Array,
    height: bigint,
  ):
    | { ok: true; txHash: Uint8Array }
    | { ok: false; reason: TxRejectReason; error: InvalidTxError } {
    try {
      this.applyEvidence(new StateOverlay(state), raw, height);
      return { ok: true, txHash: evidenceTxHash(raw) };
    } catch (e) {
      if (e instanceof InvalidTxError) return { ok: false, reason: e.reason, error: e };
      throw e;
    }
  }

  /** The chain's epoch parameters (undefined: no epochs). */
  epochParams(state: LedgerState): EpochParams | undefined {
    return readEpochParams(state);
  }

  /** The consensus list of `epoch`, when the state holds it (recent epochs only). */
  epochValidators(state: LedgerState, epoch: number): EpochValidator[] | undefined {
    return readEpochSet(state, epoch);
  }

  private evmRun(
    overlay: StateOverlay,
    chainId: bigint | undefined,
    block: LedgerBlockContext,
  ): EvmBlockRun {
    const head = evmHeadOf(overlay);
    if (chainId === undefined || !head)
      throw new InvalidTxError(
        TxRejectReason.MALFORMED,
        'Ethereum transactions are not enabled on this chain (its genesis has no evmChainId)',
      );
    return new EvmBlockRun(overlay, chainId, head, block, this.params);
  }

  /**
   * The mempool check of an Ethereum transaction: decoding, chain id, signature, the fee cap
   * against the next block's base fee, nonce, balance for the maximum cost, sender without code.
   */
  private checkEthTx(
    state: LedgerState,
    raw: Uint8Array,
    opts: { allowFutureNonce?: boolean },
  ): CheckTxResult {
    try {
      if (raw.length > this.limits.maxTxBytes)
        throw new InvalidTxError(
          TxRejectReason.MALFORMED,
          `transaction is ${raw.length} bytes, over the ${this.limits.maxTxBytes} limit`,
        );
      const chainId = evmChainIdOf(state);
      const head = evmHeadOf(state);
      if (chainId === undefined || !head)
        throw new InvalidTxError(
          TxRejectReason.MALFORMED,
          'Ethereum transactions are not enabled on this chain (its genesis has no evmChainId)',
        );
      const t = checkEthTxStateless(raw, chainId);
      if (t.tx.gasLimit > BigInt(this.params.evmBlockGasLimit))
        throw new InvalidTxError(
          TxRejectReason.GAS_LIMIT_TOO_HIGH,
          `gas limit ${t.tx.gasLimit} exceeds the block gas limit ${this.params.evmBlockGasLimit}`,
        );
      const baseFee = nextBaseFee(head, this.params);
      if (feeCap(t.tx) < baseFee)
        throw new InvalidTxError(
          TxRejectReason.GAS_PRICE_TOO_LOW,
          `max fee per gas ${feeCap(t.tx)} is below the base fee ${baseFee}`,
        );
      const from = evmAccountAddress(t.sender);
      const acct = readAccount(state, from);
      if (t.tx.nonce < acct.nonce)
        throw new InvalidTxError(
          TxRejectReason.NONCE_TOO_LOW,
          `nonce ${t.tx.nonce} is below the account nonce ${acct.nonce}`,
          { expected: acct.nonce.toString() },
        );
      if (t.tx.nonce > acct.nonce && !opts.allowFutureNonce)
        throw new InvalidTxError(
          TxRejectReason.NONCE_TOO_HIGH,
          `nonce ${t.tx.nonce} is above the account nonce ${acct.nonce}`,
          { expected: acct.nonce.toString() },
        );
      const cost = ethMaxCost(t.tx);
      if (acct.balance < cost)
        throw new InvalidTxError(
          TxRejectReason.INSUFFICIENT_BALANCE,
          `insufficient funds: balance ${acct.balance} is below the maximum cost ${cost}`,
        );
      if (evmHasCode(state, t.sender))
        throw new InvalidTxError(TxRejectReason.MALFORMED, 'sender has code (EIP-3607)');
      return {
        ok: true,
        txHash: t.hash,
        intrinsicGas: Number(t.intrinsicGas),
        maxCost: cost,
        futureNonce: t.tx.nonce > acct.nonce,
        from,
        nonce: t.tx.nonce,
        feePerGas: feeCap(t.tx),
        ethType: t.tx.type,
      };
    } catch (e) {
      if (e instanceof InvalidTxError) return { ok: false, reason: e.reason, error: e };
      throw e;
    }
  }

  /** A read-only Ethereum call (eth_call) on `state`; nothing is kept. */
  ethCall(state: LedgerState, p: EthCallParameters, block: LedgerBlockContext): EthCallResult {
    return ethCall(state, p, block, this.params);
  }

  /** The least gas limit under which the call succeeds (eth_estimateGas). */
  ethEstimateGas(
    state: LedgerState,
    p: EthCallParameters,
    block: LedgerBlockContext,
  ): { gas: bigint } | { error: EthCallResult } {
    return ethEstimateGas(state, p, block, this.params);
  }

  /** Executes one checked transaction: charge, run, refund, pay the fee. */
  private applyTx(
    overlay: StateOverlay,
    tx: SignedTx,
    encoded: Uint8Array,
    block: LedgerBlockContext,
  ): Receipt {
    const hash = txHash(encoded);
    const intrinsic = this.intrinsicGas(tx, encoded.length);
    const acct = readAccount(overlay, tx.from);
    const reserved = BigInt(tx.gasLimit) * tx.gasPrice;
    writeAccount(overlay, tx.from, {
      ...acct,
      balance: acct.balance - reserved,
      nonce: acct.nonce + 1n,
    });
    const mark = overlay.mark();
    const out = this.execute(overlay, tx, intrinsic, block);
    if (out.status !== 'ok') overlay.rollback(mark);
    const gasUsed = Math.min(tx.gasLimit, out.gasUsed);
    const fee = BigInt(gasUsed) * tx.gasPrice;
    const after = readAccount(overlay, tx.from);
    writeAccount(overlay, tx.from, { ...after, balance: after.balance + reserved - fee });
    if (block.feeRecipient && fee > 0n) {
      const fr = readAccount(overlay, block.feeRecipient);
      writeAccount(overlay, block.feeRecipient, { ...fr, balance: fr.balance + fee });
    }
    return {
      txHash: hash,
      kind: tx.kind,
      status: out.status,
      gasUsed,
      fee,
      returnData: out.returnData ?? new Uint8Array(0),
      logs: out.logs ?? [],
      ...(out.contractAddress ? { contractAddress: out.contractAddress } : {}),
      ...(out.error ? { error: out.error } : {}),
    };
  }

  private execute(
    overlay: StateOverlay,
    tx: SignedTx,
    intrinsic: number,
    block: LedgerBlockContext,
  ): Outcome {
    switch (tx.kind) {
      case 'transfer': {
        const from = readAccount(overlay, tx.from);
        writeAccount(overlay, tx.from, { ...from, balance: from.balance - tx.amount });
        const to = readAccount(overlay, tx.to);
        writeAccount(overlay, tx.to, { ...to, balance: to.balance + tx.amount });
        return { status: 'ok', gasUsed: intrinsic };
      }
      case 'deploy':
        return this.deploy(overlay, tx, intrinsic, block);
      case 'call': {
        const r = this.run(overlay, {
          to: tx.to,
          caller: tx.from,
          method: tx.method,
          input: tx.input,
          value: tx.value,
          gasLimit: tx.gasLimit - intrinsic,
          block,
        });
        return { ...r, gasUsed: intrinsic + r.gasUsed };
      }
      case 'stake': {
        const err = addStake(
          overlay,
          {
            address: tx.from,
            amount: tx.amount,
            blsPublicKey: tx.blsPublicKey,
            blsPop: tx.blsPop,
            vrfPublicKey: tx.vrfPublicKey,
          },
          this.params,
          this.bls,
        );
        if (err) return rejectedOutcome(intrinsic, err);
        const a = readAccount(overlay, tx.from);
        writeAccount(overlay, tx.from, { ...a, balance: a.balance - tx.amount });
        return { status: 'ok', gasUsed: intrinsic };
      }
      case 'unstake': {
        const ep = readEpochParams(overlay);
        const r = removeStake(
          overlay,
          tx.from,
          tx.amount,
          this.params,
          ep
            ? { epoch: epochOfHeight(ep, block.height), unbondingEpochs: ep.unbondingEpochs }
            : undefined,
        );
        if ('error' in r) return rejectedOutcome(intrinsic, r.error);
        const a = readAccount(overlay, tx.from);
        writeAccount(overlay, tx.from, { ...a, balance: a.balance + r.credit });
        return { status: 'ok', gasUsed: intrinsic };
      }
    }
  }

  private deploy(
    overlay: StateOverlay,
    tx: Extract<SignedTx, { kind: 'deploy' }>,
    intrinsic: number,
    block: LedgerBlockContext,
  ): Outcome {
    let methods: readonly string[];
    let codeHash: Uint8Array;
    try {
      ({ methods, codeHash } = this.runtime.validate(tx.code));
    } catch (e) {
      if (!(e instanceof ModuleValidationError || e instanceof RuntimeError)) throw e;
      // an honest mempool never lets this through (checkTx validates): all gas is kept
      return {
        ...rejectedOutcome(tx.gasLimit, e.message),
        error: { code: e.code, message: e.message },
      };
    }
    const address = contractAddress(tx.from, tx.nonce);
    const existing = readAccount(overlay, address);
    if (existing.codeHash) return rejectedOutcome(intrinsic, 'a contract exists at the address');
    if (!overlay.get(codeKey(codeHash))) overlay.set(codeKey(codeHash), tx.code.slice());
    writeAccount(overlay, address, { ...existing, codeHash });
    if (!methods.includes('init'))
      return { status: 'ok', gasUsed: intrinsic, contractAddress: address };
    const r = this.run(overlay, {
      to: address,
      caller: tx.from,
      method: 'init',
      input: tx.initInput,
      value: 0n,
      gasLimit: tx.gasLimit - intrinsic,
      block,
    });
    return { ...r, gasUsed: intrinsic + r.gasUsed, contractAddress: address };
  }

  /** One runtime transaction over the overlay: commits on `ok`, rolls back otherwise. */
  private run(
    overlay: StateOverlay,
    p: {
      to: Uint8Array;
      caller: Uint8Array;
      method: string;
      input: Uint8Array;
      value: bigint;
      gasLimit: number;
      block: { height: bigint; time: bigint };
    },
  ): ExecutionResult {
    const rs = new LedgerRuntimeState(overlay);
    rs.beginTx();
    const r = this.runtime.execute({
      state: rs,
      address: p.to,
      caller: p.caller,
      method: p.method,
      input: p.input,
      value: p.value,
      gasLimit: p.gasLimit,
      block: { height: p.block.height, time: p.block.time },
    });
    if (r.status === 'ok') rs.commitTx();
    else rs.rollbackTx();
    return r;
  }

  /**
   * A read-only contract call (RPC `call`): runs against `state`, keeps nothing. Caller
   * defaults to the zero address, gas to the transaction maximum, block to height 0 / time 0.
   */
  callContract(state: LedgerState, p: CallContractParameters): ExecutionResult {
    const overlay = new StateOverlay(state);
    return this.run(overlay, {
      to: p.to,
      caller: p.caller ?? ZERO_ADDRESS,
      method: p.method,
      input: p.input ?? new Uint8Array(0),
      value: p.value ?? 0n,
      gasLimit: p.gasLimit ?? this.params.maxTxGas,
      block: p.block ?? { height: 0n, time: 0n },
    });
  }

  /** The validator set of `state`, ordered by address. */
  validatorSet(state: LedgerState): ValidatorRecord[] {
    return readValidatorSet(state, this.params);
  }

  /** Stake registration for genesis (same rules as a stake transaction, PoP included). */
  stakeAtGenesis(overlay: StateOverlay, req: Parameters<typeof addStake>[1]): string | undefined {
    return addStake(overlay, req, this.params, this.bls);
  }
}

function chainIdOf(state: StateReader): string | undefined {
  const b = state.get(META_CHAIN_ID);
  return b ? new TextDecoder().decode(b) : undefined;
}

interface StateReader {
  get(key: Uint8Array): Uint8Array | undefined;
}

interface Outcome {
  status: ReceiptStatus;
  gasUsed: number;
  returnData?: Uint8Array;
  logs?: ExecutionResult['logs'];
  contractAddress?: Uint8Array;
  error?: { code: string; message: string };
}

function evidenceReceipt(raw: Uint8Array): Receipt {
  return {
    txHash: evidenceTxHash(raw),
    kind: 'evidence',
    status: 'ok',
    gasUsed: 0,
    fee: 0n,
    returnData: new Uint8Array(0),
    logs: [],
  };
}

function rejectedOutcome(gasUsed: number, message: string): Outcome {
  return { status: 'rejected', gasUsed, error: { code: LedgerErrorCode.INVALID_TX, message } };
}

export function createLedger(opts: CreateLedgerOptions = {}): Ledger {
  return new Ledger(opts);
}
