import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@keel/crypto/hashes';
import type { BenchHarness, BenchMain } from '@keel/util';
import { bytesToHex, hexToBytes } from '@keel/util';
import {
  checkExecutionWitnessPreState,
  commitToPoly,
  createExecutionWitness,
  createMultiProof,
  decodeExecutionWitnessJSON,
  deserializeMultiProof,
  encodeExecutionWitnessJSON,
  executionWitnessSize,
  precomputeCRSTables,
  serializeElement,
  serializeMultiProof,
  Transcript,
  VerkleTree,
  verifyMultiProof,
} from '../src/index.ts';
import { loadWasmOracle, type VerkleOracle, wasmTreeRoot } from '../test/differential/oracle.ts';

const B = 'verkle';

function prngKey(i: number): Uint8Array {
  const buf = new Uint8Array(40);
  new DataView(buf.buffer).setBigUint64(0, BigInt(i), true);
  return sha256(buf);
}

function scalarBytes(i: number): Uint8Array {
  const b = sha256(new Uint8Array([i & 0xff, i >> 8, 7]));
  b[31]! &= 0x0f;
  return b;
}

function leBig(b: Uint8Array): bigint {
  let x = 0n;
  for (let k = b.length - 1; k >= 0; k--) x = (x << 8n) | BigInt(b[k]!);
  return x;
}

function benchCommit(h: BenchHarness, w: VerkleOracle | undefined): void {
  const vec = Array.from({ length: 256 }, (_, i) => scalarBytes(i));
  const poly = vec.map(leBig);
  const runs = Math.max(3, Math.round(10 * h.scale));
  const keel = h.timeMs(() => commitToPoly(poly), { runs });
  const metric = '256-point fixed-basis MSM (one commitment)';
  if (w === undefined) h.report({ bench: B, metric, value: keel, unit: 'ms' });
  else {
    const wasm = h.timeMs(() => w.commitToScalars(vec), { runs: runs * 5 });
    h.report({
      bench: B,
      metric,
      value: keel,
      unit: 'ms',
      anchor: 'verkle-cryptography-wasm',
      anchorValue: wasm,
    });
  }
  h.log('anchor (not run here): go-ipa precomputed 256-point MSM 1.8 ms');
}

function benchTree(h: BenchHarness, w: VerkleOracle | undefined, n: number): void {
  const keys = Array.from({ length: n }, (_, i) => prngKey(i));
  const tree = new VerkleTree();
  const t0 = performance.now();
  for (const k of keys) tree.insert(k, k);
  const insertMs = performance.now() - t0;
  const t1 = performance.now();
  const root = tree.rootCommitment();
  const commitMs = performance.now() - t1;
  h.report({
    bench: B,
    metric: `inserts/s (no commit), ${n} keys`,
    value: (n / insertMs) * 1000,
    unit: 'ops/s',
  });
  const metric = `commit after ${n} inserts (root from scratch)`;
  if (w === undefined || n > 10_000) {
    h.report({ bench: B, metric, value: commitMs, unit: 'ms' });
    return;
  }
  // Anchor: the same root built from the WASM library's primitives (one commitToScalars per node).
  const kv = new Map(keys.map((k) => [bytesToHex(k), k]));
  const t2 = performance.now();
  const theirs = wasmTreeRoot(w, kv);
  const wasmMs = performance.now() - t2;
  if (bytesToHex(theirs) !== bytesToHex(root)) h.log(`ROOT MISMATCH at ${n} keys`);
  h.report({
    bench: B,
    metric,
    value: commitMs,
    unit: 'ms',
    anchor: 'verkle-cryptography-wasm (primitives)',
    anchorValue: wasmMs,
  });
  // Incremental: 1% of the keys updated, then commit (delta updates).
  const upd = Math.max(1, Math.round(n / 100));
  for (let i = 0; i < upd; i++) tree.insert(keys[i]!, prngKey(n + i));
  const t3 = performance.now();
  tree.rootCommitment();
  h.report({
    bench: B,
    metric: `commit after updating ${upd} of ${n} keys`,
    value: performance.now() - t3,
    unit: 'ms',
  });
}

function vectorsDir(): string | undefined {
  const d = process.env.KEEL_VECTORS ?? join(process.cwd(), '..', 'shared', 'vectors');
  return existsSync(join(d, 'verkle', 'proofs.json')) ? d : undefined;
}

function benchWitness(h: BenchHarness, w: VerkleOracle | undefined): void {
  const dir = vectorsDir();
  if (dir === undefined) h.log('shared vectors not found: Kaustinen witness rows skipped');
  else {
    const p = JSON.parse(readFileSync(join(dir, 'verkle', 'proofs.json'), 'utf8'));
    for (const v of p.execution_witnesses.filter((x: { name: string }) =>
      x.name.startsWith('valid_block_7'),
    )) {
      const ew = decodeExecutionWitnessJSON(v.executionWitness);
      const root = hexToBytes(v.parent_state_root);
      const stems = ew.stateDiff.length;
      const keys = ew.stateDiff.reduce((s, d) => s + d.suffixDiffs.length, 0);
      const size = executionWitnessSize(ew);
      h.report({
        bench: B,
        metric: `${v.name} verkle proof size (${stems} stems, ${keys} keys)`,
        value: size.proof,
        unit: 'bytes',
      });
      h.report({
        bench: B,
        metric: `${v.name} witness size with state diff`,
        value: size.total,
        unit: 'bytes',
      });
      const keel = h.timeMs(() => checkExecutionWitnessPreState(root, ew), { runs: 3 });
      const metric = `${v.name} stateless witness verify (${stems} stems)`;
      if (w === undefined) h.report({ bench: B, metric, value: keel, unit: 'ms' });
      else {
        const json = JSON.stringify(v.executionWitness);
        const wasm = h.timeMs(() => w.verifyExecutionWitnessPreState(v.parent_state_root, json), {
          runs: 5,
        });
        h.report({
          bench: B,
          metric,
          value: keel,
          unit: 'ms',
          anchor: 'verkle-cryptography-wasm',
          anchorValue: wasm,
        });
      }
    }
  }
  // A synthetic block: 10k-key tree, a witness for 100 touched keys (a mix of present/absent).
  const tree = new VerkleTree();
  for (let i = 0; i < 10_000; i++) tree.insert(prngKey(i), prngKey(i));
  const root = tree.rootCommitment();
  const touched = [
    ...Array.from({ length: 80 }, (_, i) => prngKey(i * 97)),
    ...Array.from({ length: 20 }, (_, i) => prngKey(1_000_000 + i)),
  ];
  const t0 = performance.now();
  const wit = createExecutionWitness(tree, touched);
  h.report({
    bench: B,
    metric: 'witness creation, 100 keys of a 10k-key tree',
    value: performance.now() - t0,
    unit: 'ms',
  });
  const size = executionWitnessSize(wit);
  h.report({
    bench: B,
    metric: 'verkle proof size, 100 keys of a 10k-key tree',
    value: size.proof,
    unit: 'bytes',
  });
  h.report({
    bench: B,
    metric: 'witness size with state diff, 100 keys of a 10k-key tree',
    value: size.total,
    unit: 'bytes',
  });
  const keel = h.timeMs(() => checkExecutionWitnessPreState(root, wit), { runs: 3 });
  const metric = 'stateless witness verify, 100 keys of a 10k-key tree';
  if (w === undefined) h.report({ bench: B, metric, value: keel, unit: 'ms' });
  else {
    const json = JSON.stringify(encodeExecutionWitnessJSON(wit));
    const rootHex = `0x${bytesToHex(root)}`;
    const wasm = h.timeMs(() => w.verifyExecutionWitnessPreState(rootHex, json), { runs: 5 });
    h.report({
      bench: B,
      metric,
      value: keel,
      unit: 'ms',
      anchor: 'verkle-cryptography-wasm',
      anchorValue: wasm,
    });
  }
}

function benchMultiproof(h: BenchHarness, w: VerkleOracle | undefined): void {
  // 2,000 openings: 100 commitments × 20 points (go-ipa's anchor: verify 8.9 ms).
  const polys = Array.from({ length: 100 }, (_, c) =>
    Array.from({ length: 256 }, (_, i) => leBig(scalarBytes(c * 256 + i))),
  );
  const comms = polys.map((f) => commitToPoly(f));
  const queries = polys.flatMap((poly, c) =>
    Array.from({ length: 20 }, (_, j) => ({
      commitment: comms[c]!,
      poly,
      z: (c * 7 + j * 13) % 256,
    })),
  );
  const proof = createMultiProof(new Transcript('verkle'), queries);
  const bytes = serializeMultiProof(proof);
  const vq = queries.map((q) => ({ commitment: q.commitment, z: q.z, y: q.poly[q.z]! }));
  const keel = h.timeMs(
    () => verifyMultiProof(new Transcript('verkle'), deserializeMultiProof(bytes), vq),
    { runs: 3 },
  );
  const metric = 'multiproof verify, 2,000 openings over 100 commitments';
  if (w === undefined) h.report({ bench: B, metric, value: keel, unit: 'ms' });
  else {
    const vin = polys.map((_, c) => ({
      serializedCommitment: serializeElement(comms[c]!),
      indexValuePairs: Array.from({ length: 20 }, (_, j) => {
        const z = (c * 7 + j * 13) % 256;
        return { index: z, value: scalarBytes(c * 256 + z) };
      }),
    }));
    const wasm = h.timeMs(() => w.verifyProof(bytes, vin), { runs: 5 });
    h.report({
      bench: B,
      metric,
      value: keel,
      unit: 'ms',
      anchor: 'verkle-cryptography-wasm',
      anchorValue: wasm,
    });
  }
  h.log('anchor (not run here): go-ipa 2,000-opening multiproof verify 8.9 ms');
}

/**
 * `keel bench verkle`: keel's pure-TS verkle beside verkle-cryptography-wasm (rust-verkle) in
 * the same run. Sizes: 10k and 100k keys (`--quick`: 2k); KEEL_VERKLE_BENCH_1M=1 adds 1M.
 */
export const main: BenchMain = async (h) => {
  const loaded = await loadWasmOracle();
  const w = typeof loaded === 'string' ? undefined : loaded;
  if (w === undefined) h.log(`${loaded}; keel rows only`);
  const t0 = performance.now();
  precomputeCRSTables();
  h.report({
    bench: B,
    metric: 'CRS generation + fixed-base tables (once per process)',
    value: performance.now() - t0,
    unit: 'ms',
  });
  benchCommit(h, w);
  const sizes = h.scale < 1 ? [2_000] : [10_000, 100_000];
  if (process.env.KEEL_VERKLE_BENCH_1M === '1') sizes.push(1_000_000);
  for (const n of sizes) benchTree(h, w, n);
  benchWitness(h, w);
  benchMultiproof(h, w);
};
