/**
 * The two independent verkle implementations we compare against — rust-verkle compiled to WASM
 * (verkle-cryptography-wasm@0.4.8) and micro-eth-signer@0.15.0's pure-JS module (installed
 * outside the workspace by scripts/install-oracle.mjs) — share one API. wasmTreeRoot builds an
 * EIP-6800 root only from an oracle's primitives, so the root comparison shares no tree code
 * with @keel/verkle.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bytesToHex, compareBytes } from '@keel/util';

export interface VerkleOracle {
  commitToScalars(vector: Uint8Array[]): Uint8Array;
  hashCommitment(commitment: Uint8Array): Uint8Array;
  serializeCommitment(commitment: Uint8Array): Uint8Array;
  getTreeKey(address: Uint8Array, treeIndexLE: Uint8Array, subIndex: number): Uint8Array;
  createProof(
    inputs: Array<{ serializedCommitment: Uint8Array; vector: Uint8Array[]; indices: number[] }>,
  ): Uint8Array;
  verifyProof(
    proof: Uint8Array,
    inputs: Array<{
      serializedCommitment: Uint8Array;
      indexValuePairs: Array<{ index: number; value: Uint8Array }>;
    }>,
  ): boolean;
  verifyExecutionWitnessPreState(rootHex: string, witnessJson: string): boolean;
}

export async function loadWasmOracle(): Promise<VerkleOracle | string> {
  try {
    const m = await import('verkle-cryptography-wasm');
    return await m.loadVerkleCrypto();
  } catch (e) {
    return `verkle-cryptography-wasm could not be loaded: ${(e as Error).message}`;
  }
}

export function microOracleDir(): string {
  return join(process.env.KEEL_CACHE ?? join(homedir(), '.cache', 'keel'), 'verkle-oracle');
}

export async function loadMicroOracle(): Promise<VerkleOracle | string> {
  const file = join(microOracleDir(), 'node_modules', 'micro-eth-signer', 'verkle.js');
  if (!existsSync(file)) {
    return `micro-eth-signer@0.15.0 not installed in ${microOracleDir()} (run: npm run oracle:install -w @keel/verkle)`;
  }
  try {
    return (await import(pathToFileURL(file).href)) as VerkleOracle;
  } catch (e) {
    return `micro-eth-signer verkle module could not be loaded: ${(e as Error).message}`;
  }
}

const ZERO = new Uint8Array(32);

function scalarLE(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  out.set(bytes, 0);
  return out;
}

/** Compressed root commitment of the tree holding `kv` (hex key → 32-byte value). */
export function wasmTreeRoot(w: VerkleOracle, kv: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const byStem = new Map<string, { stem: Uint8Array; values: Map<number, Uint8Array> }>();
  for (const [k, v] of kv) {
    const stemHex = k.slice(0, 62);
    let e = byStem.get(stemHex);
    if (e === undefined) {
      e = { stem: Uint8Array.from(Buffer.from(stemHex, 'hex')), values: new Map() };
      byStem.set(stemHex, e);
    }
    e.values.set(Number.parseInt(k.slice(62), 16), v);
  }
  const stems = [...byStem.values()].sort((a, b) => compareBytes(a.stem, b.stem));
  const leafHash = (e: { stem: Uint8Array; values: Map<number, Uint8Array> }): Uint8Array => {
    const half = (h: number): Uint8Array => {
      const s: Uint8Array[] = Array.from({ length: 256 }, () => ZERO);
      for (const [suffix, v] of e.values) {
        if ((suffix >= 128 ? 1 : 0) !== h) continue;
        const lo = scalarLE(v.subarray(0, 16));
        lo[16] = 1; // 2^128 marker
        s[2 * (suffix % 128)] = lo;
        s[2 * (suffix % 128) + 1] = scalarLE(v.subarray(16, 32));
      }
      return w.hashCommitment(w.commitToScalars(s));
    };
    const one = new Uint8Array(32);
    one[0] = 1;
    const ext: Uint8Array[] = Array.from({ length: 256 }, () => ZERO);
    ext[0] = one;
    ext[1] = scalarLE(e.stem);
    ext[2] = half(0);
    ext[3] = half(1);
    return w.hashCommitment(w.commitToScalars(ext));
  };
  const internal = (group: typeof stems, depth: number): Uint8Array => {
    const children: Uint8Array[] = Array.from({ length: 256 }, () => ZERO);
    for (let i = 0; i < group.length; ) {
      let j = i;
      while (j < group.length && group[j]!.stem[depth] === group[i]!.stem[depth]) j++;
      const sub = group.slice(i, j);
      children[group[i]!.stem[depth]!] =
        sub.length === 1 ? leafHash(sub[0]!) : w.hashCommitment(internal(sub, depth + 1));
      i = j;
    }
    return w.commitToScalars(children);
  };
  return w.serializeCommitment(internal(stems, 0));
}

export const keyHex = (k: Uint8Array): string => bytesToHex(k);
