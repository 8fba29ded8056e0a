import { batchMapToScalarField, mapToScalarField } from '../crypto/banderwagon.ts';
import { bytesToNumberLE, numberToBytesLE } from '../crypto/field.ts';
import { commitSparse } from '../crypto/msm.ts';
import { VerkleError, VerkleErrorCode } from '../errors.ts';

/** EIP-6800 layout constants. */
export const BASIC_DATA_LEAF_KEY = 0;
export const CODE_HASH_LEAF_KEY = 1;
export const HEADER_STORAGE_OFFSET = 64n;
export const CODE_OFFSET = 128n;
export const VERKLE_NODE_WIDTH = 256n;
export const MAIN_STORAGE_OFFSET = 256n ** 31n;
export const STEM_SIZE = 31;
export const KEY_SIZE = 32;

const TWO_128 = 1n << 128n;
/** 2 + 256·64: the domain marker of the 64-byte Pedersen hash input. */
const HASH_MARKER = 2n + 256n * 64n;

function address32(address: Uint8Array): Uint8Array {
  if (!(address instanceof Uint8Array) || (address.length !== 20 && address.length !== 32)) {
    throw new VerkleError(VerkleErrorCode.INVALID_LENGTH, 'address must be 20 or 32 bytes');
  }
  if (address.length === 32) return address;
  const out = new Uint8Array(32);
  out.set(address, 12);
  return out;
}

function treeIndexLE(treeIndex: bigint): Uint8Array {
  if (treeIndex < 0n || treeIndex >= 1n << 256n) {
    throw new VerkleError(VerkleErrorCode.INVALID_INPUT, 'tree index must be a uint256');
  }
  return numberToBytesLE(treeIndex, 32);
}

function hashScalars(addr: Uint8Array, ti: Uint8Array): Array<readonly [number, bigint]> {
  return [
    [0, HASH_MARKER],
    [1, bytesToNumberLE(addr.subarray(0, 16))],
    [2, bytesToNumberLE(addr.subarray(16, 32))],
    [3, bytesToNumberLE(ti.subarray(0, 16))],
    [4, bytesToNumberLE(ti.subarray(16, 32))],
  ];
}

/**
 * EIP-6800 pedersen_hash(address32 ‖ tree_index_le32): commit to the marker and four 16-byte
 * little-endian chunks, then map the point to the scalar field, as 32 little-endian bytes.
 */
export function pedersenHash(address: Uint8Array, treeIndexLEBytes: Uint8Array): Uint8Array {
  if (!(treeIndexLEBytes instanceof Uint8Array) || treeIndexLEBytes.length !== 32) {
    throw new VerkleError(VerkleErrorCode.INVALID_LENGTH, 'tree index must be 32 bytes');
  }
  const p = commitSparse(hashScalars(address32(address), treeIndexLEBytes));
  return numberToBytesLE(mapToScalarField(p), 32);
}

/** The 31-byte stem shared by every key of (address, treeIndex). */
export function getStem(address: Uint8Array, treeIndex: bigint): Uint8Array {
  return pedersenHash(address, treeIndexLE(treeIndex)).slice(0, STEM_SIZE);
}

/** Stems for many (address, treeIndex) pairs with one field inversion. */
export function getStems(
  items: ReadonlyArray<{ address: Uint8Array; treeIndex: bigint }>,
): Uint8Array[] {
  const points = items.map((it) =>
    commitSparse(hashScalars(address32(it.address), treeIndexLE(it.treeIndex))),
  );
  return batchMapToScalarField(points).map((h) => numberToBytesLE(h, 32).slice(0, STEM_SIZE));
}

/** EIP-6800 get_tree_key(address, tree_index, sub_index) = stem ‖ sub_index. */
export function getTreeKey(address: Uint8Array, treeIndex: bigint, subIndex: number): Uint8Array {
  if (!Number.isInteger(subIndex) || subIndex < 0 || subIndex > 255) {
    throw new VerkleError(VerkleErrorCode.INVALID_INPUT, 'sub index must be 0..255');
  }
  const key = new Uint8Array(KEY_SIZE);
  key.set(getStem(address, treeIndex), 0);
  key[STEM_SIZE] = subIndex;
  return key;
}

export function getTreeKeyForBasicData(address: Uint8Array): Uint8Array {
  return getTreeKey(address, 0n, BASIC_DATA_LEAF_KEY);
}

export function getTreeKeyForCodeHash(address: Uint8Array): Uint8Array {
  return getTreeKey(address, 0n, CODE_HASH_LEAF_KEY);
}

/** Tree position of a code chunk: CODE_OFFSET + chunk, split into (tree index, sub index). */
export function codeChunkPosition(chunkId: bigint): { treeIndex: bigint; subIndex: number } {
  if (chunkId < 0n || chunkId >= 1n << 128n) {
    throw new VerkleError(VerkleErrorCode.INVALID_INPUT, 'code chunk number out of range');
  }
  const pos = CODE_OFFSET + chunkId;
  return { treeIndex: pos / VERKLE_NODE_WIDTH, subIndex: Number(pos % VERKLE_NODE_WIDTH) };
}

export function getTreeKeyForCodeChunk(address: Uint8Array, chunkId: bigint): Uint8Array {
  const { treeIndex, subIndex } = codeChunkPosition(chunkId);
  return getTreeKey(address, treeIndex, subIndex);
}

/** Storage slot position: header slots below 64 share the account stem, others go to main storage. */
export function storageSlotPosition(slot: bigint): { treeIndex: bigint; subIndex: number } {
  if (slot < 0n || slot >= 1n << 256n) {
    throw new VerkleError(VerkleErrorCode.INVALID_INPUT, 'storage slot must be a uint256');
  }
  const pos =
    slot < CODE_OFFSET - HEADER_STORAGE_OFFSET
      ? HEADER_STORAGE_OFFSET + slot
      : MAIN_STORAGE_OFFSET + slot;
  return { treeIndex: pos / VERKLE_NODE_WIDTH, subIndex: Number(pos % VERKLE_NODE_WIDTH) };
}

export function getTreeKeyForStorageSlot(address: Uint8Array, slot: bigint): Uint8Array {
  const { treeIndex, subIndex } = storageSlotPosition(slot);
  return getTreeKey(address, treeIndex, subIndex);
}

/** Leaf value split of EIP-6800: (low 16 bytes LE + 2^128 marker, high 16 bytes LE). */
export function leafValueScalars(value: Uint8Array): readonly [bigint, bigint] {
  if (!(value instanceof Uint8Array) || value.length !== 32) {
    throw new VerkleError(VerkleErrorCode.INVALID_LENGTH, 'leaf value must be 32 bytes');
  }
  return [
    bytesToNumberLE(value.subarray(0, 16)) + TWO_128,
    bytesToNumberLE(value.subarray(16, 32)),
  ];
}
