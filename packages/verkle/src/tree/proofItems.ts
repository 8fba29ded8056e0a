import { bytesToHex } from '@keel/util';
import { type Element, mapToScalarField } from '../crypto/banderwagon.ts';
import { bytesToNumberLE } from '../crypto/field.ts';
import { VerkleError, VerkleErrorCode } from '../errors.ts';
import { leafValueScalars, STEM_SIZE } from './treeKey.ts';

/** Extension status (low 2 bits of each depthExtensionPresent byte; depth in the high 5). */
export const ExtStatus = { ABSENT_EMPTY: 0, ABSENT_OTHER: 1, PRESENT: 2 } as const;

/** The view of a tree (full or rebuilt from a proof) that proof items are collected from. */
export interface ProofLeaf {
  readonly kind: 'leaf';
  readonly commitment: Element;
  readonly stem: Uint8Array;
  /** Commitments of the suffix trees; undefined when the proof does not carry them. */
  readonly c1: Element | undefined;
  readonly c2: Element | undefined;
  readonly poaStub: boolean;
  value(suffix: number): Uint8Array | undefined;
  /** Polynomials, for the prover only. */
  extensionPoly?(): bigint[];
  suffixPoly?(half: 0 | 1): bigint[];
}

export interface ProofInternal {
  readonly kind: 'internal';
  readonly commitment: Element;
  /** undefined = empty slot; 'unknown' = not present in a stateless view */
  child(i: number): ProofInternal | ProofLeaf | undefined | 'unknown';
  poly?(): bigint[];
}

export interface ProofItem {
  readonly commitment: Element;
  readonly z: number;
  readonly y: bigint;
  readonly poly: (() => bigint[]) | undefined;
}

export interface ProofItems {
  readonly items: ProofItem[];
  readonly extStatus: number[];
  readonly poaStems: Uint8Array[];
  /** path (hex) → commitment, for commitmentsByPath */
  readonly byPath: Map<string, { path: Uint8Array; commitment: Element }>;
  readonly values: (Uint8Array | undefined)[];
}

function hashOf(n: ProofInternal | ProofLeaf | undefined): bigint {
  return n === undefined ? 0n : mapToScalarField(n.commitment);
}

const hex = (b: Uint8Array): string => bytesToHex(b);

function stemEq(a: Uint8Array, key: Uint8Array): boolean {
  for (let i = 0; i < STEM_SIZE; i++) if (a[i] !== key[i]) return false;
  return true;
}

function fail(message: string): never {
  throw new VerkleError(VerkleErrorCode.INVALID_PROOF, message);
}

/**
 * Collects the openings that prove `keys` (sorted, unique), in go-verkle's order: an internal
 * node's openings for every touched child first, then each child's subtree in child order; a
 * leaf opens 0 (marker), 1 (stem), 2/3 (C1/C2 hashes) and then two slots per key.
 */
export function collectProofItems(root: ProofInternal, keys: readonly Uint8Array[]): ProofItems {
  const out: ProofItems = {
    items: [],
    extStatus: [],
    poaStems: [],
    byPath: new Map(),
    values: [],
  };
  const seen = new Map<Element, Set<number>>();
  const push = (it: ProofItem): void => {
    let s = seen.get(it.commitment);
    if (s === undefined) seen.set(it.commitment, (s = new Set()));
    if (s.has(it.z)) return;
    s.add(it.z);
    out.items.push(it);
  };
  internal(root, keys, 0, out, push);
  return out;
}

function addPath(out: ProofItems, path: Uint8Array, c: Element): void {
  const k = hex(path);
  if (!out.byPath.has(k)) out.byPath.set(k, { path, commitment: c });
}

function groupKeys(keys: readonly Uint8Array[], depth: number): Uint8Array[][] {
  const groups: Uint8Array[][] = [];
  for (const k of keys) {
    const last = groups[groups.length - 1];
    if (last !== undefined && last[0]![depth] === k[depth]) last.push(k);
    else groups.push([k]);
  }
  return groups;
}

function internal(
  n: ProofInternal,
  keys: readonly Uint8Array[],
  depth: number,
  out: ProofItems,
  push: (it: ProofItem) => void,
): void {
  if (depth >= STEM_SIZE) fail('proof path deeper than a stem');
  const groups = groupKeys(keys, depth);
  const poly = n.poly;
  for (const g of groups) {
    const idx = g[0]![depth]!;
    const c = n.child(idx);
    push({
      commitment: n.commitment,
      z: idx,
      y: c === 'unknown' ? 0n : hashOf(c),
      poly: poly === undefined ? undefined : () => poly.call(n),
    });
    addPath(out, g[0]!.slice(0, depth), n.commitment);
  }
  for (const g of groups) {
    const idx = g[0]![depth]!;
    const c = n.child(idx);
    if (c === 'unknown') fail('proof does not cover a node it opens');
    if (c === undefined) {
      let prev: Uint8Array | undefined;
      for (const k of g) {
        if (prev === undefined || !stemEq(prev, k)) {
          out.extStatus.push(ExtStatus.ABSENT_EMPTY | ((depth + 1) << 3));
          prev = k;
        }
        out.values.push(undefined);
      }
      continue;
    }
    if (c.kind === 'internal') internal(c, g, depth + 1, out, push);
    else leaf(c, g, depth + 1, out, push);
  }
}

function leaf(
  n: ProofLeaf,
  keys: readonly Uint8Array[],
  depth: number,
  out: ProofItems,
  push: (it: ProofItem) => void,
): void {
  const ext = n.extensionPoly === undefined ? undefined : () => n.extensionPoly!();
  push({ commitment: n.commitment, z: 0, y: 1n, poly: ext });
  push({ commitment: n.commitment, z: 1, y: bytesToNumberLE(n.stem), poly: ext });
  let hasC1 = false;
  let hasC2 = false;
  for (const k of keys) {
    if (!stemEq(n.stem, k)) continue;
    if (k[STEM_SIZE]! < 128) hasC1 = true;
    else hasC2 = true;
  }
  if (n.poaStub && (hasC1 || hasC2)) fail('proof-of-absence stub used for its own stem');
  if (hasC1) {
    if (n.c1 === undefined) fail('proof lacks the C1 commitment of a present stem');
    push({ commitment: n.commitment, z: 2, y: mapToScalarField(n.c1), poly: ext });
  }
  if (hasC2) {
    if (n.c2 === undefined) fail('proof lacks the C2 commitment of a present stem');
    push({ commitment: n.commitment, z: 3, y: mapToScalarField(n.c2), poly: ext });
  }
  const esses: number[] = [];
  let poas: Uint8Array[] = [];
  let prev: Uint8Array | undefined;
  for (const k of keys) {
    addPath(out, k.slice(0, depth), n.commitment);
    const newStem = prev === undefined || !stemEq(prev, k);
    prev = k;
    if (!stemEq(n.stem, k)) {
      // go-verkle: the stub's stem is listed once, and dropped again if the leaf proves presence.
      if (esses.length === 0) poas.push(n.stem);
      if (newStem) esses.push(ExtStatus.ABSENT_OTHER | (depth << 3));
      out.values.push(undefined);
      continue;
    }
    poas = [];
    const suffix = k[STEM_SIZE]!;
    const half = suffix >= 128 ? 1 : 0;
    const scomm = half === 1 ? n.c2! : n.c1!;
    const v = n.value(suffix);
    const [lo, hi] = v === undefined ? [0n, 0n] : leafValueScalars(v);
    const sp = n.suffixPoly === undefined ? undefined : () => n.suffixPoly!(half);
    const z = 2 * (suffix % 128);
    push({ commitment: scomm, z, y: lo, poly: sp });
    push({ commitment: scomm, z: z + 1, y: hi, poly: sp });
    out.values.push(v);
    if (newStem) esses.push(ExtStatus.PRESENT | (depth << 3));
    const slot = new Uint8Array(depth + 1);
    slot.set(k.subarray(0, depth), 0);
    slot[depth] = 2 + half;
    addPath(out, slot, scomm);
  }
  out.extStatus.push(...esses);
  out.poaStems.push(...poas);
}
