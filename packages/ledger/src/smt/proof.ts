import { sha256 } from '@keel/crypto';
import { BufferReader, BufferWriter, DecodeError, DecodeErrorCode, equalBytes } from '@keel/util';
import { Branch, branchHash, EMPTY_HASH, keyBit, Leaf, leafHash, type TreeNode } from './tree.ts';

/**
 * A proof that a key is or is not in the tree. `siblings[i]` is the hash beside the path at
 * depth i (root first). The path ends at `leaf` (the key's own leaf: inclusion; another key's
 * leaf whose key shares the path: non-inclusion) or at an empty subtree (`leaf` undefined:
 * non-inclusion).
 */
export interface StateProof {
  readonly siblings: readonly Uint8Array[];
  readonly leaf?: { readonly key: Uint8Array; readonly valueHash: Uint8Array };
}

export function proveKey(root: TreeNode, key: Uint8Array): StateProof {
  const siblings: Uint8Array[] = [];
  let n = root;
  for (let depth = 0; n instanceof Branch; depth++) {
    const right = keyBit(key, depth) === 1;
    siblings.push((right ? n.left : n.right)?.hash ?? EMPTY_HASH);
    n = right ? n.right : n.left;
  }
  if (n instanceof Leaf) return { siblings, leaf: { key: n.key, valueHash: n.valueHash } };
  return { siblings };
}

function commonPrefixBits(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 256; i++) if (keyBit(a, i) !== keyBit(b, i)) return i;
  return 256;
}

/**
 * Checks `proof` against `root` for tree key `key` (sha256 of the state key): with `value`
 * defined, that the key maps to it; with `value` undefined, that the key is absent.
 */
export function verifyProof(
  root: Uint8Array,
  key: Uint8Array,
  value: Uint8Array | undefined,
  proof: StateProof,
): boolean {
  if (key.length !== 32 || root.length !== 32 || proof.siblings.length > 256) return false;
  let h: Uint8Array;
  if (value !== undefined) {
    if (!proof.leaf || !equalBytes(proof.leaf.key, key)) return false;
    if (!equalBytes(proof.leaf.valueHash, sha256(value))) return false;
    h = leafHash(key, proof.leaf.valueHash);
  } else if (proof.leaf) {
    if (equalBytes(proof.leaf.key, key)) return false;
    // the other leaf must sit on this key's path, or it proves nothing about this key
    if (commonPrefixBits(proof.leaf.key, key) < proof.siblings.length) return false;
    h = leafHash(proof.leaf.key, proof.leaf.valueHash);
  } else {
    h = EMPTY_HASH;
  }
  for (let i = proof.siblings.length - 1; i >= 0; i--) {
    const s = proof.siblings[i]!;
    if (s.length !== 32) return false;
    h = keyBit(key, i) === 1 ? branchHash(s, h) : branchHash(h, s);
  }
  return equalBytes(h, root);
}

/** `u16 count ‖ count × 32-byte siblings ‖ u8 hasLeaf ‖ [32-byte key ‖ 32-byte value hash]`. */
export function encodeProof(proof: StateProof): Uint8Array {
  const w = new BufferWriter(3 + 32 * proof.siblings.length + 64);
  w.u16le(proof.siblings.length);
  for (const s of proof.siblings) w.bytes(s);
  if (proof.leaf) w.u8(1).bytes(proof.leaf.key).bytes(proof.leaf.valueHash);
  else w.u8(0);
  return w.finish();
}

export function decodeProof(bytes: Uint8Array): StateProof {
  const r = new BufferReader(bytes);
  const n = r.u16le();
  if (n > 256)
    throw new DecodeError(DecodeErrorCode.LIMIT_EXCEEDED, `proof has ${n} siblings (max 256)`);
  r.ensure(32 * n, 'proof siblings');
  const siblings: Uint8Array[] = [];
  for (let i = 0; i < n; i++) siblings.push(r.copyBytes(32, 'sibling'));
  const flag = r.u8();
  if (flag > 1) throw new DecodeError(DecodeErrorCode.INVALID_VALUE, `bad proof leaf flag ${flag}`);
  const proof: StateProof =
    flag === 1
      ? {
          siblings,
          leaf: { key: r.copyBytes(32, 'leaf key'), valueHash: r.copyBytes(32, 'value hash') },
        }
      : { siblings };
  r.assertEnd('proof');
  return proof;
}
