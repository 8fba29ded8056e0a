import { EvmError, EvmErrorCode } from '../errors.ts';

/** A key as one nibble (0..15) per byte, high nibble first. */
export type Nibbles = Uint8Array;

export function bytesToNibbles(key: Uint8Array): Nibbles {
  const out = new Uint8Array(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    out[2 * i] = key[i]! >> 4;
    out[2 * i + 1] = key[i]! & 15;
  }
  return out;
}

/** Packs an even number of nibbles back into bytes. */
export function nibblesToBytes(n: Nibbles): Uint8Array {
  const out = new Uint8Array(n.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = (n[2 * i]! << 4) | n[2 * i + 1]!;
  return out;
}

/** Nibble `i` of byte key `key` without unpacking it. */
export function nibbleAt(key: Uint8Array, i: number): number {
  const b = key[i >> 1]!;
  return i & 1 ? b & 15 : b >> 4;
}

export function commonPrefixLength(a: Nibbles, b: Nibbles): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * Hex-prefix encoding (Yellow Paper appendix C): a flag nibble (2 = leaf, +1 = odd length),
 * a padding nibble when even, then the path. `get(i)` yields nibble i of the path.
 */
export function hexPrefix(len: number, get: (i: number) => number, leaf: boolean): Uint8Array {
  const odd = len & 1;
  const out = new Uint8Array((len >> 1) + 1);
  const flag = (leaf ? 2 : 0) + odd;
  let i = 0;
  if (odd) {
    out[0] = (flag << 4) | get(0);
    i = 1;
  } else {
    out[0] = flag << 4;
  }
  for (let o = 1; o < out.length; o++, i += 2) out[o] = (get(i) << 4) | get(i + 1);
  return out;
}

export function encodeHexPrefix(path: Nibbles, leaf: boolean): Uint8Array {
  return hexPrefix(path.length, (i) => path[i]!, leaf);
}

/** Decodes a hex-prefix path; rejects unknown flags and non-zero padding. */
export function decodeHexPrefix(b: Uint8Array): { path: Nibbles; leaf: boolean } {
  if (b.length === 0) throw new EvmError(EvmErrorCode.TRIE, 'trie node: empty hex-prefix path');
  const flag = b[0]! >> 4;
  if (flag > 3) throw new EvmError(EvmErrorCode.TRIE, `trie node: hex-prefix flag ${flag}`);
  const odd = flag & 1;
  if (!odd && (b[0]! & 15) !== 0) {
    throw new EvmError(EvmErrorCode.TRIE, 'trie node: non-zero hex-prefix padding');
  }
  const all = bytesToNibbles(b);
  return { path: all.subarray(odd ? 1 : 2), leaf: flag >= 2 };
}
