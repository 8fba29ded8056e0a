import { type Address, bigintToRLPBytes } from '@keel/evm';
import { bigIntToBytes, bytesToHex, concatBytes, utf8ToBytes } from '@keel/util';
import {
  BASIC_DATA_LEAF_KEY,
  CODE_HASH_LEAF_KEY,
  codeChunkPosition,
  getStem,
  STEM_SIZE,
  storageSlotPosition,
} from '@keel/verkle';
import { LedgerError, LedgerErrorCode } from '../errors.ts';
import { StatePrefix } from '../state/keys.ts';

/**
 * The EVM state backend chosen at genesis. `mpt` (the default) commits the EVM inside the
 * ledger's own hashed tree and reports that root in the Ethereum block view; `verkle` also
 * keeps the EVM accounts in an EIP-6800 verkle tree whose root commitment is the view's
 * `stateRoot` and which yields per-block execution witnesses.
 */
export const EvmStateMode = { MPT: 'mpt', VERKLE: 'verkle' } as const;
export type EvmStateMode = (typeof EvmStateMode)[keyof typeof EvmStateMode];

/** `0x00 ‖ "evmState"` = `"verkle"` on verkle chains (absent = `mpt`, so old roots stay). */
export const META_EVM_STATE = concatBytes(Uint8Array.of(StatePrefix.META), utf8ToBytes('evmState'));

export function evmStateModeOf(state: {
  get(k: Uint8Array): Uint8Array | undefined;
}): EvmStateMode {
  const b = state.get(META_EVM_STATE);
  if (b === undefined) return EvmStateMode.MPT;
  const s = new TextDecoder().decode(b);
  if (s !== EvmStateMode.VERKLE)
    throw new LedgerError(LedgerErrorCode.CORRUPT_STATE, `unknown EVM state mode ${s}`);
  return EvmStateMode.VERKLE;
}

// A stem costs a Pedersen hash (a 5-point MSM): keep the recent ones. Pure memo, bounded.
const stems = new Map<string, Uint8Array>();
const MAX_STEMS = 65_536;

function stemOf(address: Address, treeIndex: bigint): Uint8Array {
  const id = `${bytesToHex(address)}:${treeIndex}`;
  let s = stems.get(id);
  if (s === undefined) {
    if (stems.size >= MAX_STEMS) stems.clear();
    // EIP-6800 addresses are 32 bytes: the 20-byte EVM address left-padded with zeros.
    s = getStem(concatBytes(new Uint8Array(12), address), treeIndex);
    stems.set(id, s);
  }
  return s;
}

function keyAt(address: Address, treeIndex: bigint, sub: number): Uint8Array {
  const k = new Uint8Array(STEM_SIZE + 1);
  k.set(stemOf(address, treeIndex), 0);
  k[STEM_SIZE] = sub;
  return k;
}

export const verkleBasicDataKey = (a: Address): Uint8Array => keyAt(a, 0n, BASIC_DATA_LEAF_KEY);
export const verkleCodeHashKey = (a: Address): Uint8Array => keyAt(a, 0n, CODE_HASH_LEAF_KEY);

export function verkleCodeChunkKey(a: Address, chunk: number): Uint8Array {
  const p = codeChunkPosition(BigInt(chunk));
  return keyAt(a, p.treeIndex, p.subIndex);
}

export function verkleStorageKey(a: Address, slot: bigint): Uint8Array {
  const p = storageSlotPosition(slot);
  return keyAt(a, p.treeIndex, p.subIndex);
}

/**
 * EIP-6800 basic data leaf: version (1) ‖ reserved (4) ‖ code size (3) ‖ nonce (8) ‖
 * balance (16), all big-endian.
 */
export function encodeBasicData(p: {
  readonly nonce: bigint;
  readonly balance: bigint;
  readonly codeSize: number;
}): Uint8Array {
  const out = new Uint8Array(32);
  out.set(bigIntToBytes(BigInt(p.codeSize), 3), 5);
  out.set(bigIntToBytes(p.nonce, 8), 8);
  out.set(bigIntToBytes(p.balance, 16), 16);
  return out;
}

/** A storage word as a 32-byte big-endian leaf value. */
export function storageLeafValue(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  const b = bigintToRLPBytes(v);
  out.set(b, 32 - b.length);
  return out;
}

const PUSH1 = 0x60;
const PUSH32 = 0x7f;

/**
 * EIP-6800 code chunks: 31 code bytes each behind one byte telling how many of them, from
 * the chunk's start, are PUSH data carried over from the previous chunk (so a stateless
 * client can tell jump destinations apart from data). The last chunk is zero-padded.
 */
export function chunkifyCode(code: Uint8Array): Uint8Array[] {
  const n = Math.ceil(code.length / 31);
  const chunks: Uint8Array[] = [];
  let pushEnd = 0; // first byte after the current PUSH's data
  for (let c = 0; c < n; c++) {
    const start = c * 31;
    const chunk = new Uint8Array(32);
    chunk[0] = Math.min(Math.max(pushEnd - start, 0), 31);
    chunk.set(code.subarray(start, start + 31), 1);
    for (let i = Math.max(start, pushEnd); i < Math.min(start + 31, code.length); ) {
      const op = code[i]!;
      i = op >= PUSH1 && op <= PUSH32 ? i + 1 + (op - PUSH1 + 1) : i + 1;
      pushEnd = i;
    }
    chunks.push(chunk);
  }
  return chunks;
}
