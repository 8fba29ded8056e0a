import { keccak256 } from '@keel/crypto/hashes';
import { equalBytes } from '@keel/util';
import { EvmError, EvmErrorCode } from '../errors.ts';
import { encodeRLP } from '../rlp/index.ts';
import { type ChainConfig, forkAt } from './chainConfig.ts';
import { calcBaseFee, isValidGasLimit } from './eip1559.ts';
import { calcExcessBlobGas, GAS_PER_BLOB, MAX_BLOB_GAS_PER_BLOCK } from './eip4844.ts';
import { type BlockHeader, headerHash } from './header.ts';

/** keccak256(rlp([])): the ommers hash of every post-merge block. */
export const EMPTY_OMMERS_HASH: Uint8Array = keccak256(encodeRLP([]));

/** Largest `extraData` (yellow paper: 32 bytes). */
export const MAX_EXTRA_DATA_BYTES = 32;

const ZERO_NONCE = new Uint8Array(8);

function invalid(reason: string, header: BlockHeader): never {
  throw new EvmError(EvmErrorCode.BLOCK_INVALID, `block ${header.number}: ${reason}`, {
    number: header.number.toString(),
  });
}

/** The fork-dependent fields: present from the fork that added them, absent before. */
function checkForkFields(h: BlockHeader, config: ChainConfig): void {
  const cancun = forkAt(config, h.timestamp) === 'cancun';
  if (h.baseFeePerGas === undefined) invalid('header has no baseFeePerGas', h);
  if (h.withdrawalsRoot === undefined) invalid('header has no withdrawalsRoot (Shanghai)', h);
  const blobFields = [h.blobGasUsed, h.excessBlobGas, h.parentBeaconBlockRoot];
  if (cancun && blobFields.some((x) => x === undefined)) {
    invalid('header lacks blobGasUsed, excessBlobGas or parentBeaconBlockRoot (Cancun)', h);
  }
  if (!cancun && blobFields.some((x) => x !== undefined)) {
    invalid('header has Cancun fields (blob gas, parent beacon root) before Cancun', h);
  }
}

/** EIP-4844: the blob gas fields against the parent and the per-block bounds. */
function checkBlobGas(h: BlockHeader, parent: BlockHeader): void {
  if (h.blobGasUsed === undefined || h.excessBlobGas === undefined) return;
  const expected = calcExcessBlobGas(parent);
  if (h.excessBlobGas !== expected) {
    invalid(`excessBlobGas ${h.excessBlobGas}, expected ${expected}`, h);
  }
  if (h.blobGasUsed > MAX_BLOB_GAS_PER_BLOCK) {
    invalid(`blobGasUsed ${h.blobGasUsed} exceeds ${MAX_BLOB_GAS_PER_BLOCK}`, h);
  }
  if (h.blobGasUsed % GAS_PER_BLOB !== 0n) {
    invalid(`blobGasUsed ${h.blobGasUsed} is not a multiple of ${GAS_PER_BLOB}`, h);
  }
}

/**
 * Checks a post-merge header against its parent, everything that does not need execution:
 * parent hash and number, gas limit bounds, gas used ≤ limit, the EIP-1559 base fee, a later
 * timestamp, extraData ≤ 32 bytes, the proof-of-stake constants (EIP-3675: difficulty 0, nonce
 * 0, no ommers), the fork's fields, and EIP-4844's excess blob gas. Throws `BLOCK_INVALID`.
 */
export function validateHeader(h: BlockHeader, parent: BlockHeader, config: ChainConfig): void {
  checkForkFields(h, config);
  if (!equalBytes(h.parentHash, headerHash(parent))) invalid('parentHash is not the parent', h);
  if (h.number !== parent.number + 1n) invalid(`number is not parent's ${parent.number} + 1`, h);
  if (h.gasUsed > h.gasLimit) invalid(`gasUsed ${h.gasUsed} exceeds gasLimit ${h.gasLimit}`, h);
  if (!isValidGasLimit(h.gasLimit, parent.gasLimit)) {
    invalid(`gasLimit ${h.gasLimit} out of bounds for parent gasLimit ${parent.gasLimit}`, h);
  }
  const baseFee = calcBaseFee(parent);
  if (h.baseFeePerGas !== baseFee)
    invalid(`baseFeePerGas ${h.baseFeePerGas}, expected ${baseFee}`, h);
  if (h.timestamp <= parent.timestamp) {
    invalid(`timestamp ${h.timestamp} not after parent's ${parent.timestamp}`, h);
  }
  if (h.extraData.length > MAX_EXTRA_DATA_BYTES) {
    invalid(`extraData is ${h.extraData.length} bytes, over ${MAX_EXTRA_DATA_BYTES}`, h);
  }
  if (h.difficulty !== 0n) invalid('difficulty is not 0 after the merge', h);
  if (!equalBytes(h.nonce, ZERO_NONCE)) invalid('nonce is not 0 after the merge', h);
  if (!equalBytes(h.ommersHash, EMPTY_OMMERS_HASH)) invalid('ommersHash is not the empty list', h);
  checkBlobGas(h, parent);
}
