/**
 * Mempool policy defaults, as Bitcoin Core 30.x ships them (src/policy/policy.h,
 * src/kernel/mempool_options.h, src/policy/rbf.h). Core 30 is the newest release that still
 * limits ancestors/descendants and applies the BIP125-derived replacement rules; Core 31's
 * cluster mempool replaces both with cluster limits and feerate-diagram checks.
 */
import { ScriptFlags } from '@keel/bitcoin/script';

/** Fee rates are satoshis per 1,000 virtual bytes, as Core's CFeeRate. */
export type FeeRatePerKvB = bigint;

/** Core 30 (and 29.1): -minrelaytxfee, 100 sat/kvB = 0.1 sat/vB (it was 1,000 before). */
export const DEFAULT_MIN_RELAY_TX_FEE: FeeRatePerKvB = 100n;
/** Core 30 (and 29.1): -incrementalrelayfee, 100 sat/kvB (it was 1,000 before). */
export const DEFAULT_INCREMENTAL_RELAY_FEE: FeeRatePerKvB = 100n;
/** -dustrelayfee: 3,000 sat/kvB, unchanged since 0.15. */
export const DUST_RELAY_TX_FEE: FeeRatePerKvB = 3000n;
/** TX_MAX_STANDARD_VERSION: versions 1, 2 and 3 (TRUC, BIP431) are standard since Core 28. */
export const TX_MAX_STANDARD_VERSION = 3;
export const MAX_STANDARD_TX_WEIGHT = 400_000;
/** Non-witness size below this is "tx-size-small" (64-byte txs collide with merkle nodes). */
export const MIN_STANDARD_TX_NONWITNESS_SIZE = 65;
export const MAX_STANDARD_SCRIPTSIG_SIZE = 1650;
export const MAX_P2SH_SIGOPS = 15;
/** Core 30: at most 2,500 legacy (non-witness) sigops per transaction (BIP54's limit, as policy). */
export const MAX_TX_LEGACY_SIGOPS = 2500;
export const MAX_STANDARD_TX_SIGOPS_COST = 80_000 / 5;
export const DEFAULT_BYTES_PER_SIGOP = 20;
export const MAX_STANDARD_P2WSH_STACK_ITEMS = 100;
export const MAX_STANDARD_P2WSH_STACK_ITEM_SIZE = 80;
export const MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE = 80;
export const MAX_STANDARD_P2WSH_SCRIPT_SIZE = 3600;
/** Ephemeral dust (Core 29): at most one dust output, and only in a 0-fee transaction. */
export const MAX_DUST_OUTPUTS_PER_TX = 1;
/**
 * Core 30: -datacarriersize defaults to 100,000 bytes over the sum of all OP_RETURN
 * scriptPubKeys, with any number of OP_RETURN outputs (the 83-byte single-output cap is gone).
 */
export const MAX_OP_RETURN_RELAY = MAX_STANDARD_TX_WEIGHT / 4;
export const DEFAULT_ANCESTOR_LIMIT = 25;
export const DEFAULT_ANCESTOR_SIZE_LIMIT_KVB = 101;
export const DEFAULT_DESCENDANT_LIMIT = 25;
export const DEFAULT_DESCENDANT_SIZE_LIMIT_KVB = 101;
/** -maxmempool in MB. */
export const DEFAULT_MAX_MEMPOOL_SIZE_MB = 300;
/** -mempoolexpiry in hours. */
export const DEFAULT_MEMPOOL_EXPIRY_HOURS = 336;
/** BIP125 rule 5 as Core applies it: direct conflicts plus their descendants. */
export const MAX_REPLACEMENT_CANDIDATES = 100;
/** The rolling minimum fee halves every 12 hours (faster while the pool is small). */
export const ROLLING_FEE_HALFLIFE = 60 * 60 * 12;
/** Core's DEFAULT_MAX_ORPHAN_TRANSACTIONS. */
export const DEFAULT_MAX_ORPHAN_TRANSACTIONS = 100;
/** Orphans expire after 20 minutes (Core's ORPHAN_TX_EXPIRE_TIME until 29). */
export const ORPHAN_TX_EXPIRE_TIME = 20 * 60;

/** Core's MANDATORY_SCRIPT_VERIFY_FLAGS: the consensus flags every new transaction must pass. */
export const MANDATORY_SCRIPT_VERIFY_FLAGS =
  ScriptFlags.P2SH |
  ScriptFlags.DERSIG |
  ScriptFlags.NULLDUMMY |
  ScriptFlags.CHECKLOCKTIMEVERIFY |
  ScriptFlags.CHECKSEQUENCEVERIFY |
  ScriptFlags.WITNESS |
  ScriptFlags.TAPROOT;

/** Core's STANDARD_SCRIPT_VERIFY_FLAGS. */
export const STANDARD_SCRIPT_VERIFY_FLAGS =
  MANDATORY_SCRIPT_VERIFY_FLAGS |
  ScriptFlags.STRICTENC |
  ScriptFlags.MINIMALDATA |
  ScriptFlags.DISCOURAGE_UPGRADABLE_NOPS |
  ScriptFlags.CLEANSTACK |
  ScriptFlags.MINIMALIF |
  ScriptFlags.NULLFAIL |
  ScriptFlags.LOW_S |
  ScriptFlags.DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM |
  ScriptFlags.WITNESS_PUBKEYTYPE |
  ScriptFlags.CONST_SCRIPTCODE |
  ScriptFlags.DISCOURAGE_UPGRADABLE_TAPROOT_VERSION |
  ScriptFlags.DISCOURAGE_OP_SUCCESS |
  ScriptFlags.DISCOURAGE_UPGRADABLE_PUBKEYTYPE;

export interface MempoolPolicy {
  minRelayTxFee: FeeRatePerKvB;
  incrementalRelayFee: FeeRatePerKvB;
  dustRelayFee: FeeRatePerKvB;
  /** -permitbaremultisig */
  permitBareMultisig: boolean;
  /** -datacarrier / -datacarriersize: undefined means OP_RETURN outputs are not relayed. */
  maxDatacarrierBytes: number | undefined;
  /** -acceptnonstdtxn (regtest/testnet only in Core): skip the standardness rules. */
  requireStandard: boolean;
  bytesPerSigop: number;
  ancestorLimit: number;
  ancestorSizeLimitVBytes: number;
  descendantLimit: number;
  descendantSizeLimitVBytes: number;
  /** -maxmempool in bytes (of the usage estimate, see README). */
  maxMempoolBytes: number;
  /** -mempoolexpiry in seconds. */
  expirySeconds: number;
  /** Replace conflicting transactions (full RBF, Core's only behaviour since 28). */
  fullRbf: boolean;
  maxOrphanTransactions: number;
}

export const defaultMempoolPolicy: MempoolPolicy = {
  minRelayTxFee: DEFAULT_MIN_RELAY_TX_FEE,
  incrementalRelayFee: DEFAULT_INCREMENTAL_RELAY_FEE,
  dustRelayFee: DUST_RELAY_TX_FEE,
  permitBareMultisig: true,
  maxDatacarrierBytes: MAX_OP_RETURN_RELAY,
  requireStandard: true,
  bytesPerSigop: DEFAULT_BYTES_PER_SIGOP,
  ancestorLimit: DEFAULT_ANCESTOR_LIMIT,
  ancestorSizeLimitVBytes: DEFAULT_ANCESTOR_SIZE_LIMIT_KVB * 1000,
  descendantLimit: DEFAULT_DESCENDANT_LIMIT,
  descendantSizeLimitVBytes: DEFAULT_DESCENDANT_SIZE_LIMIT_KVB * 1000,
  maxMempoolBytes: DEFAULT_MAX_MEMPOOL_SIZE_MB * 1_000_000,
  expirySeconds: DEFAULT_MEMPOOL_EXPIRY_HOURS * 3600,
  fullRbf: true,
  maxOrphanTransactions: DEFAULT_MAX_ORPHAN_TRANSACTIONS,
};

/** Core's CFeeRate::GetFee: fee for `vbytes` at `rate` sat/kvB, rounded up (at least 1 for a positive rate). */
export function feeFor(rate: FeeRatePerKvB, vbytes: number): bigint {
  const size = BigInt(vbytes);
  let fee = (rate * size + 999n) / 1000n;
  if (rate < 0n) fee = (rate * size) / 1000n;
  if (fee === 0n && size !== 0n && rate > 0n) fee = 1n;
  return fee;
}

/** Core's CFeeRate(fee, vbytes): sat/kvB, truncated. */
export function feeRateOf(fee: bigint, vbytes: number): FeeRatePerKvB {
  return vbytes > 0 ? (fee * 1000n) / BigInt(vbytes) : 0n;
}

/** Core's GetVirtualTransactionSize: weight or sigop-weighted size, in vbytes rounded up. */
export function virtualSize(weight: number, sigopCost: number, bytesPerSigop: number): number {
  return Math.ceil(Math.max(weight, sigopCost * bytesPerSigop) / 4);
}
