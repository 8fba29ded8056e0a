import { concatBytes, utf8ToBytes } from '@keel/util';

/**
 * State keys: one flat key space, committed by the sparse Merkle tree under sha256(key), and
 * the same keys (behind the store prefix in `layout.ts`) in a node's KvStore. A prefix byte
 * says what a key holds; retired prefixes are never reused.
 */
export const StatePrefix = {
  /** 0x00 ‖ name: chain metadata (`chainId`). */
  META: 0x00,
  /** 0x01 ‖ address(32): account record (see `account.ts`). */
  ACCOUNT: 0x01,
  /** 0x02 ‖ codeHash(32): contract code. */
  CODE: 0x02,
  /** 0x03 ‖ address(32) ‖ key: contract storage. */
  STORAGE: 0x03,
  /** 0x04 ‖ address(32): validator record (see `validators.ts`). */
  VALIDATOR: 0x04,
  /** 0x05 ‖ blsPublicKey(48): the validator address that registered a BLS key. */
  BLS_KEY: 0x05,
  /** 0x06 ‖ evmAddress(20): EVM account record, keccak code hash ‖ u64 slot count (`evm/keys.ts`). */
  EVM_ACCOUNT: 0x06,
  /** 0x07 ‖ keccak codeHash(32): EVM contract code. */
  EVM_CODE: 0x07,
  /** 0x08 ‖ evmAddress(20) ‖ slot(32, big-endian): EVM storage word (minimal big-endian, non-zero). */
  EVM_STORAGE: 0x08,
  /** 0x09 ‖ number(u64 BE): the hash of the Ethereum block view at that height (last 256 kept). */
  EVM_BLOCK_HASH: 0x09,
  /** 0x0a ‖ epoch(u32 BE): the consensus validator list of that epoch (see `epochs.ts`). */
  EPOCH_SET: 0x0a,
  /** 0x0b ‖ blsPublicKey(48) ‖ epoch(u32 BE): this offence (key, epoch) was slashed already. */
  SLASHED: 0x0b,
} as const;

export const META_CHAIN_ID = concatBytes(Uint8Array.of(StatePrefix.META), utf8ToBytes('chainId'));
/** Sorted concatenation of the validators' addresses. */
export const META_VALIDATORS = concatBytes(
  Uint8Array.of(StatePrefix.META),
  utf8ToBytes('validators'),
);

/** Epoch parameters (`epochs.ts`); absent: no epochs, the genesis set forever. */
export const META_EPOCHS = concatBytes(Uint8Array.of(StatePrefix.META), utf8ToBytes('epochs'));

const u32be = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
};

const tagged = (tag: number, ...parts: Uint8Array[]): Uint8Array =>
  concatBytes(Uint8Array.of(tag), ...parts);

export const accountKey = (address: Uint8Array): Uint8Array => tagged(StatePrefix.ACCOUNT, address);
export const codeKey = (codeHash: Uint8Array): Uint8Array => tagged(StatePrefix.CODE, codeHash);
export const storageKey = (address: Uint8Array, key: Uint8Array): Uint8Array =>
  tagged(StatePrefix.STORAGE, address, key);
export const validatorKey = (address: Uint8Array): Uint8Array =>
  tagged(StatePrefix.VALIDATOR, address);
export const blsKeyKey = (blsPublicKey: Uint8Array): Uint8Array =>
  tagged(StatePrefix.BLS_KEY, blsPublicKey);
export const epochSetKey = (epoch: number): Uint8Array =>
  tagged(StatePrefix.EPOCH_SET, u32be(epoch));
export const slashedKey = (blsPublicKey: Uint8Array, epoch: number): Uint8Array =>
  tagged(StatePrefix.SLASHED, blsPublicKey, u32be(epoch));
