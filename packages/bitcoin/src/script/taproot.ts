import type { Secp256k1Backend, XOnlyTweakResult } from '@keel/crypto';
import { taggedHash } from '@keel/crypto';
import { BufferWriter, compareBytes } from '@keel/util';

/** BIP342 leaf version of tapscript. */
export const TAPSCRIPT_LEAF_VERSION = 0xc0;
/** Mask selecting the leaf version from a control block's first byte. */
export const TAPROOT_LEAF_MASK = 0xfe;
/** BIP341: the annex is a last witness item starting with 0x50. */
export const ANNEX_TAG = 0x50;
export const TAPROOT_CONTROL_BASE_SIZE = 33;
export const TAPROOT_CONTROL_NODE_SIZE = 32;
export const TAPROOT_CONTROL_MAX_NODE_COUNT = 128;
export const TAPROOT_CONTROL_MAX_SIZE =
  TAPROOT_CONTROL_BASE_SIZE + TAPROOT_CONTROL_NODE_SIZE * TAPROOT_CONTROL_MAX_NODE_COUNT;

/** BIP341 tapleaf hash: TaggedHash("TapLeaf", leaf_version ‖ compact_size(script) ‖ script). */
export function tapleafHash(leafVersion: number, script: Uint8Array): Uint8Array {
  return taggedHash(
    'TapLeaf',
    new BufferWriter(script.length + 6).u8(leafVersion).varBytes(script).finish(),
  );
}

/** BIP341 branch hash: the two children in lexicographic order. */
export function tapBranchHash(a: Uint8Array, b: Uint8Array): Uint8Array {
  return compareBytes(a, b) <= 0 ? taggedHash('TapBranch', a, b) : taggedHash('TapBranch', b, a);
}

/** BIP341 tweak: TaggedHash("TapTweak", internal_key ‖ merkle_root?). */
export function tapTweakHash(internalKey: Uint8Array, merkleRoot?: Uint8Array | null): Uint8Array {
  return merkleRoot
    ? taggedHash('TapTweak', internalKey, merkleRoot)
    : taggedHash('TapTweak', internalKey);
}

/** The merkle root a control block's path commits `leafHash` to. */
export function taprootMerkleRootFromControl(
  control: Uint8Array,
  leafHash: Uint8Array,
): Uint8Array {
  let k = leafHash;
  for (
    let off = TAPROOT_CONTROL_BASE_SIZE;
    off < control.length;
    off += TAPROOT_CONTROL_NODE_SIZE
  ) {
    k = tapBranchHash(k, control.subarray(off, off + TAPROOT_CONTROL_NODE_SIZE));
  }
  return k;
}

/** The BIP341 output key Q = P + H(P‖root)·G; null when P is not a valid x-only key. */
export function taprootOutputKey(
  backend: Secp256k1Backend,
  internalKey: Uint8Array,
  merkleRoot?: Uint8Array | null,
): XOnlyTweakResult | null {
  return backend.xOnlyTweakAdd(internalKey, tapTweakHash(internalKey, merkleRoot));
}
