import { bytesToHex, compareBytes, hexToBytes } from '@keel/util';
import { deserializeElement, type Element, serializeElement } from '../crypto/banderwagon.ts';
import { bytesToNumberBE, FR_MODULUS, numberToBytesBE } from '../crypto/field.ts';
import { IPA_ROUNDS } from '../crypto/ipa.ts';
import { createMultiProof, type MultiProof, verifyMultiProof } from '../crypto/multiproof.ts';
import { Transcript } from '../crypto/transcript.ts';
import { VerkleError, VerkleErrorCode } from '../errors.ts';
import type { InternalNode, LeafNode } from './nodes.ts';
import {
  collectProofItems,
  ExtStatus,
  type ProofInternal,
  type ProofItems,
  type ProofLeaf,
} from './proofItems.ts';
import type { VerkleTree } from './tree.ts';
import { STEM_SIZE } from './treeKey.ts';

/** go-verkle's transcript label for tree proofs. */
export const WITNESS_TRANSCRIPT_LABEL = 'vt';

export interface SuffixStateDiff {
  readonly suffix: number;
  readonly currentValue: Uint8Array | null;
  readonly newValue: Uint8Array | null;
}

export interface StemStateDiff {
  readonly stem: Uint8Array;
  readonly suffixDiffs: readonly SuffixStateDiff[];
}

/** go-verkle's VerkleProof (the `verkleProof` of an execution witness). */
export interface VerkleProof {
  readonly otherStems: readonly Uint8Array[];
  readonly depthExtensionPresent: Uint8Array;
  readonly commitmentsByPath: readonly Uint8Array[];
  readonly d: Uint8Array;
  readonly ipaProof: {
    readonly cl: readonly Uint8Array[];
    readonly cr: readonly Uint8Array[];
    /** big-endian, as go-verkle writes it */
    readonly finalEvaluation: Uint8Array;
  };
}

export interface ExecutionWitness {
  readonly stateDiff: readonly StemStateDiff[];
  readonly verkleProof: VerkleProof;
}

export interface WitnessLimits {
  readonly maxStems: number;
  readonly maxSuffixDiffs: number;
  readonly maxCommitments: number;
  readonly maxOtherStems: number;
}

/** Generous for any block (a Kaustinen block touches ~100 stems); bounds the work of bad input. */
export const defaultWitnessLimits: WitnessLimits = {
  maxStems: 1 << 14,
  maxSuffixDiffs: 1 << 16,
  maxCommitments: 1 << 16,
  maxOtherStems: 1 << 14,
};

function bad(message: string): never {
  throw new VerkleError(VerkleErrorCode.INVALID_WITNESS, message);
}

function hexField(v: unknown, len: number, what: string): Uint8Array {
  if (typeof v !== 'string' || v.length > 2 + 2 * len) bad(`${what} must be a hex string`);
  let b: Uint8Array;
  try {
    b = hexToBytes(v);
  } catch {
    bad(`${what} is not valid hex`);
  }
  if (b.length !== len) bad(`${what} must be ${len} bytes, got ${b.length}`);
  return b;
}

function arrayField(v: unknown, max: number, what: string): unknown[] {
  if (!Array.isArray(v)) bad(`${what} must be an array`);
  if (v.length > max) {
    throw new VerkleError(
      VerkleErrorCode.LIMIT_EXCEEDED,
      `${what} has ${v.length} entries, limit ${max}`,
    );
  }
  return v;
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(`${what} must be an object`);
  return v as Record<string, unknown>;
}

/** Decodes the JSON execution witness (go-verkle / rust-verkle field names, 0x-hex). */
export function decodeExecutionWitnessJSON(
  json: unknown,
  limits: WitnessLimits = defaultWitnessLimits,
): ExecutionWitness {
  const w = obj(json, 'executionWitness');
  let total = 0;
  const stateDiff = arrayField(w.stateDiff, limits.maxStems, 'stateDiff').map((sdv, i) => {
    const sd = obj(sdv, `stateDiff[${i}]`);
    const diffs = arrayField(sd.suffixDiffs, 256, `stateDiff[${i}].suffixDiffs`);
    total += diffs.length;
    if (total > limits.maxSuffixDiffs) {
      throw new VerkleError(
        VerkleErrorCode.LIMIT_EXCEEDED,
        `more than ${limits.maxSuffixDiffs} suffix diffs`,
      );
    }
    return {
      stem: hexField(sd.stem, STEM_SIZE, `stateDiff[${i}].stem`),
      suffixDiffs: diffs.map((dv, j) => {
        const d = obj(dv, `stateDiff[${i}].suffixDiffs[${j}]`);
        const s = d.suffix;
        if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > 255) {
          bad(`stateDiff[${i}].suffixDiffs[${j}].suffix must be 0..255`);
        }
        const val = (x: unknown, what: string): Uint8Array | null =>
          x === null || x === undefined ? null : hexField(x, 32, what);
        return {
          suffix: s,
          currentValue: val(d.currentValue, 'currentValue'),
          newValue: val(d.newValue, 'newValue'),
        };
      }),
    };
  });
  const p = obj(w.verkleProof, 'verkleProof');
  const ipa = obj(p.ipaProof ?? p.ipa_proof, 'verkleProof.ipaProof');
  const points = (v: unknown, what: string): Uint8Array[] =>
    arrayField(v, IPA_ROUNDS, what).map((x, i) => hexField(x, 32, `${what}[${i}]`));
  const cl = points(ipa.cl, 'ipaProof.cl');
  const cr = points(ipa.cr, 'ipaProof.cr');
  if (cl.length !== IPA_ROUNDS || cr.length !== IPA_ROUNDS)
    bad(`ipaProof needs ${IPA_ROUNDS} cl and cr`);
  const dep = p.depthExtensionPresent;
  if (typeof dep !== 'string' || dep.length > 2 + 2 * limits.maxStems)
    bad('depthExtensionPresent must be hex');
  let depthExtensionPresent: Uint8Array;
  try {
    depthExtensionPresent = hexToBytes(dep);
  } catch {
    bad('depthExtensionPresent is not valid hex');
  }
  return {
    stateDiff,
    verkleProof: {
      otherStems: arrayField(p.otherStems, limits.maxOtherStems, 'otherStems').map((x, i) =>
        hexField(x, STEM_SIZE, `otherStems[${i}]`),
      ),
      depthExtensionPresent,
      commitmentsByPath: arrayField(
        p.commitmentsByPath,
        limits.maxCommitments,
        'commitmentsByPath',
      ).map((x, i) => hexField(x, 32, `commitmentsByPath[${i}]`)),
      d: hexField(p.d, 32, 'verkleProof.d'),
      ipaProof: { cl, cr, finalEvaluation: hexField(ipa.finalEvaluation, 32, 'finalEvaluation') },
    },
  };
}

const hx = (b: Uint8Array): string => `0x${bytesToHex(b)}`;

/** Encodes a witness in the JSON form decodeExecutionWitnessJSON reads. */
export function encodeExecutionWitnessJSON(w: ExecutionWitness): unknown {
  const p = w.verkleProof;
  return {
    stateDiff: w.stateDiff.map((sd) => ({
      stem: hx(sd.stem),
      suffixDiffs: sd.suffixDiffs.map((d) => ({
        suffix: d.suffix,
        currentValue: d.currentValue === null ? null : hx(d.currentValue),
        newValue: d.newValue === null ? null : hx(d.newValue),
      })),
    })),
    verkleProof: {
      otherStems: p.otherStems.map(hx),
      depthExtensionPresent: hx(p.depthExtensionPresent),
      commitmentsByPath: p.commitmentsByPath.map(hx),
      d: hx(p.d),
      ipaProof: {
        cl: p.ipaProof.cl.map(hx),
        cr: p.ipaProof.cr.map(hx),
        finalEvaluation: hx(p.ipaProof.finalEvaluation),
      },
    },
  };
}

export interface WitnessSize {
  /** the verkle proof: other stems, extension statuses, commitments by path, D, IPA (L, R, a) */
  readonly proof: number;
  /** the state diff: stems, suffixes, and 1 + 32 bytes per present current/new value */
  readonly stateDiff: number;
  readonly total: number;
}

/** Byte sizes of a witness in its binary (SSZ-like) form, for reporting. */
export function executionWitnessSize(w: ExecutionWitness): WitnessSize {
  let stateDiff = 0;
  for (const sd of w.stateDiff) {
    stateDiff += STEM_SIZE;
    for (const d of sd.suffixDiffs)
      stateDiff += 1 + (d.currentValue ? 33 : 1) + (d.newValue ? 33 : 1);
  }
  const p = w.verkleProof;
  const proof =
    p.otherStems.length * STEM_SIZE +
    p.depthExtensionPresent.length +
    p.commitmentsByPath.length * 32 +
    32 +
    2 * IPA_ROUNDS * 32 +
    32;
  return { proof, stateDiff, total: proof + stateDiff };
}

// ---- stateless reconstruction -------------------------------------------------------------

class SInternal implements ProofInternal {
  readonly kind = 'internal' as const;
  readonly commitment: Element;
  readonly children = new Map<number, SInternal | SLeaf | 'empty'>();
  constructor(c: Element) {
    this.commitment = c;
  }
  child(i: number): ProofInternal | ProofLeaf | undefined | 'unknown' {
    const c = this.children.get(i);
    if (c === undefined) return 'unknown';
    return c === 'empty' ? undefined : c;
  }
}

class SLeaf implements ProofLeaf {
  readonly kind = 'leaf' as const;
  constructor(
    readonly commitment: Element,
    readonly stem: Uint8Array,
    readonly c1: Element | undefined,
    readonly c2: Element | undefined,
    readonly poaStub: boolean,
    readonly values: Map<number, Uint8Array | null>,
  ) {}
  value(s: number): Uint8Array | undefined {
    return this.values.get(s) ?? undefined;
  }
}

interface Rebuilt {
  readonly root: SInternal;
  readonly keys: Uint8Array[];
}

function prefix(a: Uint8Array, b: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Rebuilds the partial pre-state tree a witness describes (go-verkle PreStateTreeFromProof). */
function rebuild(rootC: Element, w: ExecutionWitness): Rebuilt {
  const p = w.verkleProof;
  const stems = w.stateDiff.map((sd) => sd.stem);
  for (let i = 1; i < stems.length; i++) {
    if (compareBytes(stems[i - 1]!, stems[i]!) >= 0) bad('stateDiff stems are not strictly sorted');
  }
  const keys: Uint8Array[] = [];
  for (const sd of w.stateDiff) {
    let last = -1;
    for (const d of sd.suffixDiffs) {
      if (d.suffix <= last) bad('suffix diffs are not strictly sorted');
      last = d.suffix;
      const k = new Uint8Array(32);
      k.set(sd.stem, 0);
      k[STEM_SIZE] = d.suffix;
      keys.push(k);
    }
    if (sd.suffixDiffs.length === 0) bad('a stem diff without suffixes');
  }
  if (keys.length === 0) bad('empty witness');
  if (p.depthExtensionPresent.length !== stems.length)
    bad('one extension status per stem is required');
  for (let i = 1; i < p.otherStems.length; i++) {
    if (compareBytes(p.otherStems[i - 1]!, p.otherStems[i]!) > 0) bad('otherStems are not sorted');
  }
  const present = new Set<string>();
  p.depthExtensionPresent.forEach((es, i) => {
    if ((es & 3) === ExtStatus.PRESENT) present.add(bytesToHex(stems[i]!.subarray(0, es >> 3)));
  });
  interface Info {
    type: number;
    stem: Uint8Array | undefined;
    diff: StemStateDiff;
  }
  const info = new Map<string, Info>();
  const paths: Uint8Array[] = [];
  let poa = 0;
  p.depthExtensionPresent.forEach((es, i) => {
    const depth = es >> 3;
    const type = es & 3;
    if (depth < 1 || depth > STEM_SIZE) bad(`extension status depth ${depth} out of range`);
    const stem = stems[i]!;
    const path = stem.subarray(0, depth);
    const pk = bytesToHex(path);
    const diff = w.stateDiff[i]!;
    if (type === ExtStatus.ABSENT_EMPTY || type === ExtStatus.ABSENT_OTHER) {
      if (diff.suffixDiffs.some((d) => d.currentValue !== null))
        bad('an absent stem carries a value');
    }
    let leafStem: Uint8Array | undefined;
    if (type === ExtStatus.ABSENT_OTHER) {
      if (present.has(pk) || info.has(pk)) return;
      leafStem = p.otherStems[poa++];
      if (leafStem === undefined) bad('not enough otherStems');
      // Stricter than go-verkle: the other stem must sit at that path and differ from the
      // absent one, or a stub could "prove" the absence of its own stem.
      if (!prefix(leafStem, stem, depth) || compareBytes(leafStem, stem) === 0) {
        bad('an other-stem does not fit the path it proves absent');
      }
    } else if (type === ExtStatus.PRESENT) {
      leafStem = stem;
    } else if (type !== ExtStatus.ABSENT_EMPTY) {
      bad(`invalid extension status ${type}`);
    }
    info.set(pk, { type, stem: leafStem, diff });
    paths.push(path);
  });
  if (poa !== p.otherStems.length) bad('unused otherStems');
  const comms = p.commitmentsByPath.map((b, i) => deserializeElement(b, `commitmentsByPath[${i}]`));
  let next = 0;
  const take = (): Element => {
    const c = comms[next++];
    if (c === undefined) bad('not enough commitmentsByPath');
    return c;
  };
  const root = new SInternal(rootC);
  for (const path of paths) {
    const si = info.get(bytesToHex(path))!;
    let node = root;
    for (let d = 0; d < path.length - 1; d++) {
      const c = node.children.get(path[d]!);
      if (c === undefined) {
        const n = new SInternal(take());
        node.children.set(path[d]!, n);
        node = n;
      } else if (c instanceof SInternal) node = c;
      else bad('a proof path runs through a leaf or an empty slot');
    }
    const idx = path[path.length - 1]!;
    if (si.type === ExtStatus.ABSENT_EMPTY) {
      node.children.set(idx, 'empty');
    } else if (si.type === ExtStatus.ABSENT_OTHER) {
      node.children.set(idx, new SLeaf(take(), si.stem!, undefined, undefined, true, new Map()));
    } else {
      const values = new Map<number, Uint8Array | null>();
      let c1 = false;
      let c2 = false;
      for (const d of si.diff.suffixDiffs) {
        values.set(d.suffix, d.currentValue);
        if (d.suffix < 128) c1 = true;
        else c2 = true;
      }
      const c = take();
      const C1 = c1 ? take() : undefined;
      const C2 = c2 ? take() : undefined;
      node.children.set(idx, new SLeaf(c, si.stem!, C1, C2, false, values));
    }
  }
  if (next !== comms.length) bad('unused commitmentsByPath');
  return { root, keys };
}

function decodeMultiProof(p: VerkleProof): MultiProof {
  const a = bytesToNumberBE(p.ipaProof.finalEvaluation);
  if (a >= FR_MODULUS) bad('finalEvaluation is not below r');
  return {
    D: deserializeElement(p.d, 'verkleProof.d'),
    ipa: {
      L: p.ipaProof.cl.map((b, i) => deserializeElement(b, `ipaProof.cl[${i}]`)),
      R: p.ipaProof.cr.map((b, i) => deserializeElement(b, `ipaProof.cr[${i}]`)),
      a,
    },
  };
}

export interface WitnessVerdict {
  readonly valid: boolean;
  /** why it is invalid (absent when valid) */
  readonly reason?: string;
}

/**
 * Statelessly checks that the witness's pre-state values (and absences) are proven against
 * `preStateRoot` (the 32-byte compressed parent state root). Malformed input gives
 * `valid: false` with the reason; nothing here throws for bad witness content.
 */
export function checkExecutionWitnessPreState(
  preStateRoot: Uint8Array,
  witness: ExecutionWitness,
): WitnessVerdict {
  try {
    const rootC = deserializeElement(preStateRoot, 'pre-state root');
    const { root, keys } = rebuild(rootC, witness);
    const items = collectProofItems(root, keys);
    const ok = verifyMultiProof(
      new Transcript(WITNESS_TRANSCRIPT_LABEL),
      decodeMultiProof(witness.verkleProof),
      items.items,
    );
    return ok ? { valid: true } : { valid: false, reason: 'multiproof does not verify' };
  } catch (e) {
    if (e instanceof VerkleError) return { valid: false, reason: e.message };
    throw e;
  }
}

export function verifyExecutionWitnessPreState(
  preStateRoot: Uint8Array,
  witness: ExecutionWitness,
): boolean {
  return checkExecutionWitnessPreState(preStateRoot, witness).valid;
}

// ---- prover ---------------------------------------------------------------------------------

function leafView(n: LeafNode): ProofLeaf {
  return {
    kind: 'leaf',
    commitment: n.commitment,
    stem: n.stem,
    c1: n.c1,
    c2: n.c2,
    poaStub: false,
    value: (s) => n.values[s],
    extensionPoly: () => n.extensionPoly(),
    suffixPoly: (h) => n.suffixPoly(h),
  };
}

function internalView(n: InternalNode): ProofInternal {
  return {
    kind: 'internal',
    commitment: n.commitment,
    child: (i) => {
      const c = n.children[i];
      if (c === undefined) return undefined;
      return c.kind === 'internal' ? internalView(c) : leafView(c);
    },
    poly: () => n.childHashes.slice(),
  };
}

/**
 * Builds an execution witness for `keys` against the tree's committed state (the pre-state),
 * with `postValues` (same order as the sorted, deduplicated keys; null = unchanged).
 */
export function createExecutionWitness(
  tree: VerkleTree,
  keys: readonly Uint8Array[],
  postValues?: ReadonlyMap<string, Uint8Array>,
): ExecutionWitness {
  tree.commit();
  const sorted = [...new Map(keys.map((k) => [bytesToHex(k), k])).values()].sort(compareBytes);
  if (sorted.length === 0) throw new VerkleError(VerkleErrorCode.INVALID_INPUT, 'no keys to prove');
  const items: ProofItems = collectProofItems(internalView(tree.root), sorted);
  const mp = createMultiProof(
    new Transcript(WITNESS_TRANSCRIPT_LABEL),
    items.items.map((it) => ({ commitment: it.commitment, z: it.z, poly: it.poly!() })),
  );
  const paths = [...items.byPath.values()]
    .filter((e) => e.path.length > 0)
    .sort((a, b) => compareBytes(a.path, b.path));
  const stateDiff: StemStateDiff[] = [];
  sorted.forEach((k, i) => {
    const stem = k.slice(0, STEM_SIZE);
    let last = stateDiff[stateDiff.length - 1];
    if (last === undefined || compareBytes(last.stem, stem) !== 0) {
      last = { stem, suffixDiffs: [] };
      stateDiff.push(last);
    }
    const cur = items.values[i] ?? null;
    const post = postValues?.get(bytesToHex(k)) ?? null;
    (last.suffixDiffs as SuffixStateDiff[]).push({
      suffix: k[STEM_SIZE]!,
      currentValue: cur,
      newValue: post !== null && (cur === null || compareBytes(post, cur) !== 0) ? post : null,
    });
  });
  return {
    stateDiff,
    verkleProof: {
      otherStems: items.poaStems,
      depthExtensionPresent: Uint8Array.from(items.extStatus),
      commitmentsByPath: paths.map((e) => serializeElement(e.commitment)),
      d: serializeElement(mp.D),
      ipaProof: {
        cl: mp.ipa.L.map(serializeElement),
        cr: mp.ipa.R.map(serializeElement),
        finalEvaluation: numberToBytesBE(mp.ipa.a, 32),
      },
    },
  };
}
