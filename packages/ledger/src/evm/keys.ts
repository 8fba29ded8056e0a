import { bigIntToBytes, bytesToBigInt, bytesToHex, concatBytes, utf8ToBytes } from '@keel/util';
import { LedgerError, LedgerErrorCode } from '../errors.ts';
import { StatePrefix } from '../state/keys.ts';

/**
 * Where the EVM lives in the ledger's key space (see `state/keys.ts` for the prefixes).
 *
 * Balances: ONE balance per account. The EVM address `A` (20 bytes) is the ledger account
 * `0x00 × 12 ‖ A` (32 bytes): its balance and nonce are that account's record (`account.ts`),
 * so a native `transfer` to `evmAccountAddress(A)` funds `A`, and an EVM transfer moves the
 * same balance. 1 wei = 1 base unit of the native coin. What only the EVM needs sits beside it:
 *
 * | key | value |
 * |---|---|
 * | `0x06 ‖ A` | keccak256 code hash (32) ‖ u64 BE count of non-zero storage slots; its presence marks the account as existing for the EVM |
 * | `0x07 ‖ codeHash` | EVM code |
 * | `0x08 ‖ A ‖ slot(32 BE)` | storage word, minimal big-endian (zero words are absent) |
 * | `0x09 ‖ number(u64 BE)` | Ethereum block-view hash of that height (the last 256, for BLOCKHASH) |
 * | `0x00 ‖ "evmChainId"` | EIP-155 chain id, u64 BE (present = the EVM is enabled) |
 * | `0x00 ‖ "evmHead"` | the last Ethereum block view's header data (`EvmHead`, 104 bytes) |
 */
export const META_EVM_CHAIN_ID = concatBytes(
  Uint8Array.of(StatePrefix.META),
  utf8ToBytes('evmChainId'),
);
export const META_EVM_HEAD = concatBytes(Uint8Array.of(StatePrefix.META), utf8ToBytes('evmHead'));

const EVM_PREFIX = new Uint8Array(12);

/** The 32-byte ledger account of a 20-byte EVM address. */
export function evmAccountAddress(address: Uint8Array): Uint8Array {
  return concatBytes(EVM_PREFIX, address);
}

/** The EVM address of a ledger account in the EVM range (12 leading zero bytes), else undefined. */
export function evmAddressOf(account: Uint8Array): Uint8Array | undefined {
  if (account.length !== 32) return undefined;
  for (let i = 0; i < 12; i++) if (account[i] !== 0) return undefined;
  return account.slice(12);
}

export const evmAccountKey = (a: Uint8Array): Uint8Array =>
  concatBytes(Uint8Array.of(StatePrefix.EVM_ACCOUNT), a);
export const evmCodeKey = (h: Uint8Array): Uint8Array =>
  concatBytes(Uint8Array.of(StatePrefix.EVM_CODE), h);
export const evmStorageKey = (a: Uint8Array, slot: bigint): Uint8Array =>
  concatBytes(Uint8Array.of(StatePrefix.EVM_STORAGE), a, bigIntToBytes(slot, 32));
export const evmBlockHashKey = (n: bigint): Uint8Array =>
  concatBytes(Uint8Array.of(StatePrefix.EVM_BLOCK_HASH), bigIntToBytes(n, 8));

/** The EVM part of an account record. */
export interface EvmAccountRecord {
  readonly codeHash: Uint8Array;
  readonly slots: bigint;
}

export function encodeEvmAccount(r: EvmAccountRecord): Uint8Array {
  return concatBytes(r.codeHash, bigIntToBytes(r.slots, 8));
}

export function decodeEvmAccount(b: Uint8Array): EvmAccountRecord {
  if (b.length !== 40)
    throw new LedgerError(LedgerErrorCode.CORRUPT_STATE, `EVM account record of ${b.length} bytes`);
  return { codeHash: b.slice(0, 32), slots: bytesToBigInt(b.subarray(32)) };
}

/** The header data of the last Ethereum block view (what the next one derives from). */
export interface EvmHead {
  readonly number: bigint;
  readonly hash: Uint8Array;
  readonly baseFee: bigint;
  readonly gasUsed: bigint;
  readonly gasLimit: bigint;
  readonly blobGasUsed: bigint;
  readonly excessBlobGas: bigint;
}

/** `number u64 ‖ hash 32 ‖ baseFee u256 ‖ gasUsed u64 ‖ gasLimit u64 ‖ blobGasUsed u64 ‖ excessBlobGas u64`, big-endian. */
export function encodeEvmHead(h: EvmHead): Uint8Array {
  return concatBytes(
    bigIntToBytes(h.number, 8),
    h.hash,
    bigIntToBytes(h.baseFee, 32),
    bigIntToBytes(h.gasUsed, 8),
    bigIntToBytes(h.gasLimit, 8),
    bigIntToBytes(h.blobGasUsed, 8),
    bigIntToBytes(h.excessBlobGas, 8),
  );
}

export function decodeEvmHead(b: Uint8Array): EvmHead {
  if (b.length !== 104)
    throw new LedgerError(LedgerErrorCode.CORRUPT_STATE, `EVM head record of ${b.length} bytes`);
  const n = (o: number, l: number) => bytesToBigInt(b.subarray(o, o + l));
  return {
    number: n(0, 8),
    hash: b.slice(8, 40),
    baseFee: n(40, 32),
    gasUsed: n(72, 8),
    gasLimit: n(80, 8),
    blobGasUsed: n(88, 8),
    excessBlobGas: n(96, 8),
  };
}

interface Reader {
  get(key: Uint8Array): Uint8Array | undefined;
}

/** The EIP-155 chain id of a state, or undefined when its genesis did not enable the EVM. */
export function evmChainIdOf(state: Reader): bigint | undefined {
  const b = state.get(META_EVM_CHAIN_ID);
  return b ? bytesToBigInt(b) : undefined;
}

export function evmHeadOf(state: Reader): EvmHead | undefined {
  const b = state.get(META_EVM_HEAD);
  return b ? decodeEvmHead(b) : undefined;
}

/** keccak256 of empty code. */
const EMPTY_CODE_HASH_HEX = 'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470';

/** Whether the EVM account `a` has code (EIP-3607: such an account sends no transactions). */
export function evmHasCode(state: Reader, a: Uint8Array): boolean {
  const b = state.get(evmAccountKey(a));
  return b !== undefined && bytesToHex(decodeEvmAccount(b).codeHash) !== EMPTY_CODE_HASH_HEX;
}
