import { blobBaseFee } from '../params.ts';
import { PRECOMPILE_ADDRESSES } from '../precompiles/index.ts';
import type { WorldState } from '../state/types.ts';
import { intrinsicGas } from '../tx/intrinsicGas.ts';
import type { Address, Transaction } from '../tx/types.ts';
import { createAddress } from './address.ts';
import { END_HALT, END_SUCCESS, FRAME_CALL, FRAME_CREATE, Frame, type TxContext } from './frame.ts';
import { enterCall, enterCreate, leaveFrame, runFrames } from './system.ts';
import type {
  BlockEnv,
  InvalidTxReason,
  InvalidTxResult,
  RunTxOptions,
  RunTxResult,
  SystemCallResult,
  TxResult,
  VmOptions,
} from './types.ts';

const MAX_NONCE = 2n ** 64n - 1n;
const EMPTY = new Uint8Array(0);

function invalid(reason: InvalidTxReason, message: string): InvalidTxResult {
  return { valid: false, reason, message };
}

interface Checked {
  readonly intrinsic: bigint;
  readonly gasPrice: bigint;
  readonly blobGas: bigint;
  readonly blobFee: bigint;
}

/** The inclusion checks of execution-specs `validate_transaction` + `check_transaction`. */
function checkTx(
  state: WorldState,
  tx: Transaction,
  sender: Address,
  env: BlockEnv,
  opts: RunTxOptions,
): Checked | InvalidTxResult {
  const fork = opts.fork;
  const intrinsic = intrinsicGas(tx);
  if (intrinsic > tx.gasLimit) {
    return invalid(
      'INTRINSIC_GAS_TOO_LOW',
      `intrinsic gas ${intrinsic} > gas limit ${tx.gasLimit}`,
    );
  }
  if (tx.nonce >= MAX_NONCE) return invalid('NONCE_MAX', `nonce ${tx.nonce} >= 2^64-1`);
  if (tx.to === null && tx.data.length > fork.maxInitcodeSize) {
    return invalid('INITCODE_TOO_LARGE', `initcode of ${tx.data.length} bytes`);
  }
  const gasAvailable = opts.gasAvailable ?? env.gasLimit;
  if (tx.gasLimit > gasAvailable) {
    return invalid('GAS_LIMIT_EXCEEDS_BLOCK', `gas limit ${tx.gasLimit} > ${gasAvailable}`);
  }
  let gasPrice: bigint;
  let maxGasFee: bigint;
  if (tx.type === 2 || tx.type === 3) {
    if (tx.maxFeePerGas < tx.maxPriorityFeePerGas) {
      return invalid('PRIORITY_FEE_ABOVE_FEE_CAP', 'max priority fee per gas > max fee per gas');
    }
    if (tx.maxFeePerGas < env.baseFee) {
      return invalid('FEE_CAP_BELOW_BASE_FEE', `max fee per gas < base fee ${env.baseFee}`);
    }
    const tip = tx.maxFeePerGas - env.baseFee;
    gasPrice = env.baseFee + (tx.maxPriorityFeePerGas < tip ? tx.maxPriorityFeePerGas : tip);
    maxGasFee = tx.gasLimit * tx.maxFeePerGas;
  } else {
    if (tx.gasPrice < env.baseFee) {
      return invalid('GAS_PRICE_BELOW_BASE_FEE', `gas price < base fee ${env.baseFee}`);
    }
    gasPrice = tx.gasPrice;
    maxGasFee = tx.gasLimit * tx.gasPrice;
  }
  let blobGas = 0n;
  let blobFee = 0n;
  if (tx.type === 3) {
    if (!fork.cancunOpcodes) return invalid('TX_TYPE_NOT_SUPPORTED', `blob tx before Cancun`);
    if ((tx.to as Address | null) === null) return invalid('BLOB_CREATE', 'blob tx creates');
    const n = BigInt(tx.blobVersionedHashes.length);
    if (n === 0n) return invalid('BLOB_NONE', 'blob tx without blobs');
    blobGas = n * fork.blobGasPerBlob;
    if (blobGas > fork.maxBlobGasPerBlock) {
      return invalid(
        'BLOB_TOO_MANY',
        `${n} blobs, at most ${fork.maxBlobGasPerBlock / fork.blobGasPerBlob}`,
      );
    }
    const blobAvailable = opts.blobGasAvailable ?? fork.maxBlobGasPerBlock;
    if (blobGas > blobAvailable) {
      return invalid('BLOB_GAS_EXCEEDS_BLOCK', `${n} blobs exceed the block's blob gas`);
    }
    for (const h of tx.blobVersionedHashes) {
      if (h.length !== 32 || h[0] !== 0x01) {
        return invalid('BLOB_VERSIONED_HASH', 'blob versioned hash without version 0x01');
      }
    }
    const price = blobBaseFee(fork, env.excessBlobGas);
    if (tx.maxFeePerBlobGas < price) {
      return invalid('BLOB_FEE_CAP_BELOW_BLOB_BASE_FEE', `max fee per blob gas < ${price}`);
    }
    maxGasFee += blobGas * tx.maxFeePerBlobGas;
    blobFee = blobGas * price;
  }
  const nonce = state.getNonce(sender);
  if (nonce > tx.nonce) return invalid('NONCE_TOO_LOW', `nonce ${tx.nonce} < account ${nonce}`);
  if (nonce < tx.nonce) return invalid('NONCE_TOO_HIGH', `nonce ${tx.nonce} > account ${nonce}`);
  const balance = state.getBalance(sender);
  if (balance < maxGasFee + tx.value) {
    return invalid('INSUFFICIENT_FUNDS', `balance ${balance} < ${maxGasFee + tx.value}`);
  }
  // EIP-3607: a sender with code cannot originate transactions.
  if (state.getCode(sender).length !== 0) return invalid('SENDER_HAS_CODE', 'sender has code');
  return { intrinsic, gasPrice, blobGas, blobFee };
}

function txContext(
  state: WorldState,
  env: BlockEnv,
  opts: VmOptions,
  origin: Address,
  gasPrice: bigint,
  blobHashes: readonly Uint8Array[],
): TxContext {
  return {
    state,
    env,
    fork: opts.fork,
    origin,
    gasPrice,
    blobHashes,
    blobBaseFee: blobBaseFee(opts.fork, env.excessBlobGas),
    precompileCtx: { kzg: opts.kzg, extra: opts.extraPrecompiles },
    logs: [],
    refund: 0,
  };
}

/** A transaction entered and ready to run: its root frame, context and what `finishTx` needs. */
export interface TxRun {
  readonly ctx: TxContext;
  readonly root: Frame;
  readonly tx: Transaction;
  readonly sender: Address;
  readonly gasPrice: bigint;
  readonly blobGas: bigint;
  readonly createdAddress: Address | undefined;
  /** True when the root frame already ended on entry (precompile, empty code, collision). */
  readonly ended: boolean;
}

/**
 * The first part of `runTx`: the inclusion checks, fee purchase, EIP-2929/2930/3651 warm-up and
 * the entry of the root frame (not yet run). Shared by `runTx` and the step machine.
 */
export function beginTx(
  state: WorldState,
  tx: Transaction,
  sender: Address,
  env: BlockEnv,
  opts: RunTxOptions,
): TxRun | InvalidTxResult {
  const checked = checkTx(state, tx, sender, env, opts);
  if ('valid' in checked) return checked;
  const { intrinsic, gasPrice, blobGas, blobFee } = checked;
  state.beginTx();
  state.setNonce(sender, tx.nonce + 1n);
  state.setBalance(sender, state.getBalance(sender) - tx.gasLimit * gasPrice - blobFee);
  state.warmAddress(sender);
  for (const p of PRECOMPILE_ADDRESSES) state.warmAddress(p);
  state.warmAddress(env.coinbase);
  if (tx.type !== 0) {
    for (const e of tx.accessList) {
      state.warmAddress(e.address);
      for (const k of e.storageKeys) state.warmSlot(e.address, bytesToWordKey(k));
    }
  }
  const blobHashes = tx.type === 3 ? tx.blobVersionedHashes : [];
  const ctx = txContext(state, env, opts, sender, gasPrice, blobHashes);
  const gas = tx.gasLimit - intrinsic;
  let root: Frame;
  let createdAddress: Address | undefined;
  let ended: boolean;
  if (tx.to === null) {
    const address = createAddress(sender, tx.nonce);
    createdAddress = address;
    state.warmAddress(address);
    root = new Frame(
      FRAME_CREATE,
      sender,
      address,
      address,
      tx.value,
      EMPTY,
      tx.data,
      0,
      false,
      gas,
    );
    const collision =
      state.getNonce(address) !== 0n ||
      state.getCode(address).length !== 0 ||
      state.hasStorage(address);
    if (collision) {
      // No frame was entered: nothing to leave.
      root.setGas(0n);
      root.end = END_HALT;
      return { ctx, root, tx, sender, gasPrice, blobGas, createdAddress, ended: true };
    }
    ended = enterCreate(ctx, root);
  } else {
    state.warmAddress(tx.to);
    const code = state.getCode(tx.to);
    root = new Frame(FRAME_CALL, sender, tx.to, tx.to, tx.value, tx.data, code, 0, false, gas);
    ended = enterCall(ctx, root, true);
  }
  if (ended) leaveFrame(ctx, root);
  return { ctx, root, tx, sender, gasPrice, blobGas, createdAddress, ended };
}

/** The last part of `runTx` once the root frame ended: EIP-3529 refund, fees, clean-up. */
export function finishTx(run: TxRun): TxResult {
  const { ctx, root, tx, sender, gasPrice, createdAddress } = run;
  const state = ctx.state;
  const env = ctx.env;
  const ok = root.end === END_SUCCESS;
  const usedBeforeRefund = tx.gasLimit - root.gasLeft();
  const refundCap = usedBeforeRefund / 5n;
  const refund = ok ? BigInt(ctx.refund) : 0n;
  const gasUsed = usedBeforeRefund - (refund < refundCap ? refund : refundCap);
  state.addBalance(sender, (tx.gasLimit - gasUsed) * gasPrice);
  state.addBalance(env.coinbase, gasUsed * (gasPrice - env.baseFee));
  state.touch(env.coinbase);
  state.endTx();
  return {
    valid: true,
    status: ok ? 1 : 0,
    gasUsed,
    blobGasUsed: run.blobGas,
    logs: ok ? ctx.logs : [],
    ...(ok && createdAddress !== undefined ? { createdAddress } : {}),
    returnData: root.output,
  };
}

/**
 * Runs one transaction against `state`: the inclusion checks (an invalid transaction returns
 * `valid: false` and leaves the state untouched), fee purchase, EIP-2929/2930/3651 warm-up,
 * execution, EIP-3529 refund, priority fee to the coinbase, EIP-161/6780 clean-up. `sender` is
 * the recovered sender.
 */
export function runTx(
  state: WorldState,
  tx: Transaction,
  sender: Address,
  env: BlockEnv,
  opts: RunTxOptions,
): RunTxResult {
  const run = beginTx(state, tx, sender, env, opts);
  if ('valid' in run) return run;
  if (!run.ended) runFrames(run.ctx, run.root);
  return finishTx(run);
}

function bytesToWordKey(k: Uint8Array): bigint {
  let v = 0n;
  for (const b of k) v = (v << 8n) | BigInt(b);
  return v;
}

/**
 * A system call (EIP-4788 beacon roots): `caller` calls `to` with `data` and `gas`, no fee, no
 * nonce change, gas not counted in the block; changes are kept, then touched empty accounts
 * are cleared as after a transaction.
 */
export function systemCall(
  state: WorldState,
  caller: Address,
  to: Address,
  data: Uint8Array,
  env: BlockEnv,
  gas: bigint,
  opts: VmOptions,
): SystemCallResult {
  state.beginTx();
  const ctx = txContext(state, env, opts, caller, 0n, []);
  const root = new Frame(FRAME_CALL, caller, to, to, 0n, data, state.getCode(to), 0, false, gas);
  if (!enterCall(ctx, root, false)) runFrames(ctx, root);
  else leaveFrame(ctx, root);
  const success = root.end === END_SUCCESS;
  state.endTx();
  return {
    success,
    returnData: root.output,
    logs: success ? ctx.logs : [],
    gasUsed: gas - root.gasLeft(),
  };
}
