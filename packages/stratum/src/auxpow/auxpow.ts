/**
 * Namecoin-style merged mining (AuxPoW). The parent (Bitcoin) coinbase scriptSig carries
 *   fa be 6d 6d ‖ aux merkle root (byte-reversed) ‖ tree size U32 LE ‖ nonce U32 LE
 * where the aux tree has 2^h leaves and each secondary chain's block hash sits in the slot
 * `expectedIndex(nonce, chainId, h)`. An AuxPoW proves a parent header's work for one aux block:
 * the parent coinbase, its merkle branch in the parent block, the aux chain branch and index,
 * and the parent header. `verifyAuxPow` applies the same checks as Namecoin's CAuxPow::check.
 */
import { decodeTransaction } from '@keel/bitcoin';
import { sha256d } from '@keel/crypto/hashes';
import { BufferReader, BufferWriter, bytesToHex, reverseBytes } from '@keel/util';
import { StratumError, StratumErrorCode } from '../errors.ts';

export const MERGED_MINING_MAGIC = Uint8Array.from([0xfa, 0xbe, 0x6d, 0x6d]);
/** Namecoin: the chain merkle branch may have at most 30 levels. */
export const MAX_CHAIN_MERKLE_HEIGHT = 30;
export const MERGED_MINING_COMMITMENT_SIZE = 44;

/** Namecoin's CAuxPow::getExpectedIndex, in wrapping uint32 arithmetic. */
export function expectedIndex(nonce: number, chainId: number, height: number): number {
  let rand = (Math.imul(nonce >>> 0, 1103515245) + 12345) >>> 0;
  rand = (rand + (chainId >>> 0)) >>> 0;
  rand = (Math.imul(rand, 1103515245) + 12345) >>> 0;
  return rand % 2 ** height;
}

/** Namecoin's CheckMerkleBranch: bit i of `index` says whether the node is a right child. */
export function checkMerkleBranch(
  hash: Uint8Array,
  branch: readonly Uint8Array[],
  index: number,
): Uint8Array {
  let h = hash;
  let idx = index;
  const buf = new Uint8Array(64);
  for (const b of branch) {
    if (idx & 1) {
      buf.set(b, 0);
      buf.set(h, 32);
    } else {
      buf.set(h, 0);
      buf.set(b, 32);
    }
    h = sha256d(buf);
    idx >>>= 1;
  }
  return h;
}

export interface AuxChainBlock {
  readonly chainId: number;
  /** Hash of the secondary chain's block to be proven (internal byte order). */
  readonly blockHash: Uint8Array;
}

export interface AuxMerkleTree {
  readonly height: number;
  readonly size: number;
  readonly nonce: number;
  /** Root in internal byte order. */
  readonly root: Uint8Array;
  /** The 44 bytes to place in the parent coinbase scriptSig. */
  readonly commitment: Uint8Array;
  /** Per chain id: its slot and its branch to the root. */
  readonly slots: ReadonlyMap<
    number,
    { readonly index: number; readonly branch: readonly Uint8Array[] }
  >;
}

export interface BuildAuxTreeOptions {
  /** Nonces tried per height before growing the tree. Default 256. */
  readonly noncesPerHeight?: number;
  /** First nonce tried. Default 0. */
  readonly startNonce?: number;
}

/**
 * Places every chain's block hash in its expected slot, choosing the smallest height (and the
 * first nonce at that height) with no two chains in one slot. Empty slots hold zero hashes.
 */
export function buildAuxMerkleTree(
  chains: readonly AuxChainBlock[],
  opts: BuildAuxTreeOptions = {},
): AuxMerkleTree {
  if (chains.length === 0) throw new StratumError(StratumErrorCode.AUXPOW, 'no aux chains');
  const ids = new Set(chains.map((c) => c.chainId));
  if (ids.size !== chains.length)
    throw new StratumError(StratumErrorCode.AUXPOW, 'duplicate aux chain id');
  for (const c of chains) {
    if (c.blockHash.length !== 32)
      throw new StratumError(StratumErrorCode.AUXPOW, 'aux block hash must be 32 bytes');
  }
  const tries = opts.noncesPerHeight ?? 256;
  let h = 0;
  while (2 ** h < chains.length) h++;
  for (; h <= MAX_CHAIN_MERKLE_HEIGHT; h++) {
    for (let i = 0; i < tries; i++) {
      const nonce = ((opts.startNonce ?? 0) + i) >>> 0;
      const slots = chains.map((c) => expectedIndex(nonce, c.chainId, h));
      if (new Set(slots).size === slots.length) return buildTree(chains, slots, h, nonce);
    }
  }
  throw new StratumError(StratumErrorCode.AUXPOW, 'no collision-free aux merkle tree found');
}

function buildTree(
  chains: readonly AuxChainBlock[],
  slots: number[],
  h: number,
  nonce: number,
): AuxMerkleTree {
  const size = 2 ** h;
  if (size > 1 << 16)
    throw new StratumError(
      StratumErrorCode.AUXPOW,
      `aux tree of ${size} leaves is too large to build`,
    );
  let level: Uint8Array[] = Array.from({ length: size }, () => new Uint8Array(32));
  chains.forEach((c, i) => {
    level[slots[i]!] = c.blockHash;
  });
  const levels: Uint8Array[][] = [level];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const buf = new Uint8Array(64);
      buf.set(level[i]!, 0);
      buf.set(level[i + 1]!, 32);
      next.push(sha256d(buf));
    }
    levels.push(next);
    level = next;
  }
  const root = level[0]!;
  const map = new Map<number, { index: number; branch: Uint8Array[] }>();
  chains.forEach((c, i) => {
    const branch: Uint8Array[] = [];
    let idx = slots[i]!;
    for (let d = 0; d < h; d++) {
      branch.push(levels[d]![idx ^ 1]!);
      idx >>= 1;
    }
    map.set(c.chainId, { index: slots[i]!, branch });
  });
  return {
    height: h,
    size,
    nonce,
    root,
    commitment: mergedMiningCommitment(root, size, nonce),
    slots: map,
  };
}

/** fa be 6d 6d ‖ reversed root ‖ size LE ‖ nonce LE. */
export function mergedMiningCommitment(root: Uint8Array, size: number, nonce: number): Uint8Array {
  return new BufferWriter(MERGED_MINING_COMMITMENT_SIZE)
    .bytes(MERGED_MINING_MAGIC)
    .bytes(reverseBytes(root))
    .u32le(size)
    .u32le(nonce)
    .finish();
}

export interface AuxPow {
  /** Parent coinbase, non-witness serialization. */
  readonly coinbaseTx: Uint8Array;
  /** Namecoin's unused hashBlock field (kept for byte-exact round trips). */
  readonly hashBlock: Uint8Array;
  /** Coinbase → parent merkle root branch. */
  readonly merkleBranch: readonly Uint8Array[];
  /** Coinbase index in the parent block; must be 0. */
  readonly index: number;
  readonly chainMerkleBranch: readonly Uint8Array[];
  readonly chainIndex: number;
  /** 80-byte parent block header. */
  readonly parentHeader: Uint8Array;
}

export function createAuxPow(p: {
  coinbaseTx: Uint8Array;
  merklePath: readonly Uint8Array[];
  tree: AuxMerkleTree;
  chainId: number;
  parentHeader: Uint8Array;
}): AuxPow {
  const slot = p.tree.slots.get(p.chainId);
  if (!slot)
    throw new StratumError(StratumErrorCode.AUXPOW, `chain ${p.chainId} is not in the aux tree`);
  return {
    coinbaseTx: p.coinbaseTx,
    hashBlock: new Uint8Array(32),
    merkleBranch: p.merklePath,
    index: 0,
    chainMerkleBranch: slot.branch,
    chainIndex: slot.index,
    parentHeader: p.parentHeader,
  };
}

/** Namecoin serialization: tx ‖ hashBlock ‖ vMerkleBranch ‖ nIndex ‖ vChainMerkleBranch ‖ nChainIndex ‖ header. */
export function encodeAuxPow(a: AuxPow): Uint8Array {
  const w = new BufferWriter(a.coinbaseTx.length + 200).bytes(a.coinbaseTx).bytes(a.hashBlock);
  w.compactSize(a.merkleBranch.length);
  for (const h of a.merkleBranch) w.bytes(h);
  w.i32le(a.index).compactSize(a.chainMerkleBranch.length);
  for (const h of a.chainMerkleBranch) w.bytes(h);
  return w.i32le(a.chainIndex).bytes(a.parentHeader).finish();
}

export function decodeAuxPow(bytes: Uint8Array): AuxPow {
  const r = new BufferReader(bytes);
  // The transaction's length is only known by parsing it; decodeTransaction is bounded.
  const txLen = transactionLength(bytes);
  const coinbaseTx = r.copyBytes(txLen, 'coinbase');
  const hashBlock = r.copyBytes(32, 'hashBlock');
  const merkleBranch = readBranch(r);
  const index = r.i32le();
  const chainMerkleBranch = readBranch(r);
  const chainIndex = r.i32le();
  const parentHeader = r.copyBytes(80, 'parent header');
  r.assertEnd('auxpow');
  return {
    coinbaseTx,
    hashBlock,
    merkleBranch,
    index,
    chainMerkleBranch,
    chainIndex,
    parentHeader,
  };
}

function readBranch(r: BufferReader): Uint8Array[] {
  const n = r.compactSize(64, 'merkle branch length');
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) out.push(r.copyBytes(32, 'merkle branch hash'));
  return out;
}

/** Length of the non-witness transaction at the start of `bytes`. */
function transactionLength(bytes: Uint8Array): number {
  const r = new BufferReader(bytes);
  r.skip(4);
  const nIn = r.compactSize(10_000, 'input count');
  if (nIn === 0)
    throw new StratumError(
      StratumErrorCode.AUXPOW,
      'auxpow coinbase must be non-witness serialized',
    );
  for (let i = 0; i < nIn; i++) {
    r.skip(36);
    r.skip(r.compactSize(10_000, 'scriptSig length'));
    r.skip(4);
  }
  const nOut = r.compactSize(100_000, 'output count');
  for (let i = 0; i < nOut; i++) {
    r.skip(8);
    r.skip(r.compactSize(100_000, 'script length'));
  }
  r.skip(4);
  return r.offset;
}

export interface VerifyAuxPowParameters {
  /** Hash of the aux block this proof is for (internal byte order). */
  readonly auxBlockHash: Uint8Array;
  readonly chainId: number;
  /** Reject a parent whose chain id (nVersion >> 16) equals ours (Namecoin's fStrictChainId). Default true. */
  readonly strictChainId?: boolean;
  /** When given, the parent header hash must be ≤ this target (the aux chain's PoW check). */
  readonly target?: bigint;
}

export type AuxPowVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

function indexOf(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** CAuxPow::check (and, with `target`, the parent PoW check). Never throws on bad proofs. */
export function verifyAuxPow(a: AuxPow, p: VerifyAuxPowParameters): AuxPowVerdict {
  const fail = (reason: string): AuxPowVerdict => ({ ok: false, reason });
  if (a.index !== 0) return fail('AuxPow is not a generate');
  if (a.parentHeader.length !== 80) return fail('parent header must be 80 bytes');
  const parentVersion = new DataView(a.parentHeader.buffer, a.parentHeader.byteOffset).getInt32(
    0,
    true,
  );
  if ((p.strictChainId ?? true) && parentVersion >> 16 === p.chainId)
    return fail('Aux POW parent has our chain ID');
  if (a.chainMerkleBranch.length > MAX_CHAIN_MERKLE_HEIGHT)
    return fail('Aux POW chain merkle branch too long');
  const rootReversed = reverseBytes(
    checkMerkleBranch(p.auxBlockHash, a.chainMerkleBranch, a.chainIndex),
  );
  const txid = sha256d(a.coinbaseTx);
  const parentRoot = a.parentHeader.subarray(36, 68);
  if (bytesToHex(checkMerkleBranch(txid, a.merkleBranch, a.index)) !== bytesToHex(parentRoot)) {
    return fail('Aux POW merkle root incorrect');
  }
  let script: Uint8Array;
  try {
    const tx = decodeTransaction(a.coinbaseTx);
    if (tx.inputs.length === 0) return fail('parent coinbase has no input');
    script = tx.inputs[0]!.scriptSig;
  } catch {
    return fail('parent coinbase does not parse');
  }
  const head = indexOf(script, MERGED_MINING_MAGIC);
  const pc = indexOf(script, rootReversed);
  if (pc < 0) return fail('Aux POW missing chain merkle root in parent coinbase');
  if (head >= 0) {
    if (indexOf(script, MERGED_MINING_MAGIC, head + 1) >= 0)
      return fail('Multiple merged mining headers in coinbase');
    if (head + MERGED_MINING_MAGIC.length !== pc)
      return fail('Merged mining header is not just before chain merkle root');
  } else if (pc > 20) {
    return fail(
      'Aux POW chain merkle root must start in the first 20 bytes of the parent coinbase',
    );
  }
  const after = pc + 32;
  if (script.length - after < 8)
    return fail('Aux POW missing chain merkle tree size and nonce in parent coinbase');
  const dv = new DataView(script.buffer, script.byteOffset + after, 8);
  const size = dv.getUint32(0, true);
  const height = a.chainMerkleBranch.length;
  if (size !== 2 ** height)
    return fail('Aux POW merkle branch size does not match parent coinbase');
  const nonce = dv.getUint32(4, true);
  if (a.chainIndex !== expectedIndex(nonce, p.chainId, height)) return fail('Aux POW wrong index');
  if (p.target !== undefined) {
    const h = sha256d(a.parentHeader);
    let v = 0n;
    for (let i = 31; i >= 0; i--) v = (v << 8n) | BigInt(h[i]!);
    if (v > p.target) return fail('AUX proof of work failed');
  }
  return { ok: true };
}
