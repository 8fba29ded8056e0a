import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { blockHash, ValidatorSet, verifyQC } from '@keel/consensus';
import type { BlsBackend } from '@keel/crypto';
import {
  exportSnapshot,
  importSnapshot,
  loadStateFromStore,
  stateRoot,
  stateToKvOps,
} from '@keel/ledger';
import { bytesToHex, equalBytes, hexToBytes } from '@keel/util';
import { decodePayload } from './app/payload.ts';
import { ChainNodeError, ChainNodeErrorCode } from './errors.ts';
import type { Genesis } from './genesis.ts';
import { decodeBlock, encodeBlock } from './net/codec.ts';
import { ChainStore } from './storage/store.ts';

/** `meta.json` of a snapshot directory. */
export interface SnapshotMeta {
  readonly height: number;
  readonly blockHash: string;
  readonly stateRoot: string;
  readonly chunks: number;
  /** Blocks h, h+1 (carries the state root after h) and h+2 (its QC certifies h+1), hex. */
  readonly blocks: readonly string[];
}

function fail(msg: string): ChainNodeError {
  return new ChainNodeError(ChainNodeErrorCode.SYNC_FAILED, `snapshot: ${msg}`);
}

/**
 * Writes the ledger state at the committed tip h into `<datadir>/snapshots/<h>/` with block h.
 * Blocks h+1 and h+2 (the proof) are added when present — take snapshots of a stopped node
 * whose store has them, or re-run `create` later (`load` needs them).
 */
export async function createSnapshot(datadir: string): Promise<SnapshotMeta & { dir: string }> {
  const store = new ChainStore(join(datadir, 'db'));
  try {
    const tip = store.committed();
    if (!tip || tip.height < 1) throw fail('nothing committed yet');
    const state = await loadStateFromStore(store.stateStore());
    const info = store.info(tip.height)!;
    if (bytesToHex(stateRoot(state)) !== info.stateRoot) throw fail('store is inconsistent');
    const blocks = [tip.height, tip.height + 1, tip.height + 2].map((x) => store.block(x));
    const dir = join(datadir, 'snapshots', String(tip.height));
    mkdirSync(dir, { recursive: true });
    const chunks = exportSnapshot(state);
    for (const [i, c] of chunks.entries()) writeFileSync(join(dir, `chunk-${i}.bin`), c);
    const meta: SnapshotMeta = {
      height: tip.height,
      blockHash: tip.hash,
      stateRoot: info.stateRoot,
      chunks: chunks.length,
      blocks: blocks.filter((b) => b !== null).map((b) => bytesToHex(encodeBlock(b!))),
    };
    writeFileSync(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
    return { ...meta, dir };
  } finally {
    await store.close();
  }
}

export function listSnapshots(datadir: string): SnapshotMeta[] {
  let names: string[];
  try {
    names = readdirSync(join(datadir, 'snapshots'));
  } catch {
    return [];
  }
  return names
    .map((n) => {
      try {
        return JSON.parse(readFileSync(join(datadir, 'snapshots', n, 'meta.json'), 'utf8'));
      } catch {
        return null;
      }
    })
    .filter((m): m is SnapshotMeta => m !== null)
    .sort((a, b) => a.height - b.height);
}

/**
 * Loads a snapshot into a fresh datadir after checking it against certified blocks: block h+1
 * extends h and carries the state root after h in its payload, and block h+2's QC — verified
 * against the genesis validator set — certifies h+1. The node then resumes at h.
 */
export async function loadSnapshot(
  datadir: string,
  snapshotDir: string,
  genesis: Genesis,
  bls: BlsBackend,
  /** Fetches an encoded committed block (e.g. from a node's RPC) when the snapshot lacks it. */
  fetchBlock?: (height: number) => Promise<Uint8Array | null>,
): Promise<SnapshotMeta> {
  let meta: SnapshotMeta;
  try {
    meta = JSON.parse(readFileSync(join(snapshotDir, 'meta.json'), 'utf8'));
  } catch (e) {
    throw fail(`cannot read meta.json: ${(e as Error).message}`);
  }
  const blocks = (meta.blocks ?? []).map((x) => decodeBlock(hexToBytes(x)));
  for (let i = blocks.length; i < 3 && fetchBlock; i++) {
    const raw = await fetchBlock(meta.height + i);
    if (raw) blocks.push(decodeBlock(raw));
  }
  if (blocks.length !== 3) {
    throw fail('needs blocks h, h+1 and h+2 (give a node to fetch them from)');
  }
  const [b0, b1, b2] = blocks;
  const h0 = blockHash(b0!);
  const h1 = blockHash(b1!);
  if (!equalBytes(b1!.parentHash, h0) || !equalBytes(b2!.parentHash, h1)) {
    throw fail('blocks do not chain');
  }
  const cert = {
    chain: { chainId: genesis.file.chainId, genesisHash: genesis.hash },
    validators: new ValidatorSet(genesis.validators, bls),
    scheme: bls,
  };
  if (!equalBytes(b2!.qc.blockHash, h1) || !verifyQC(cert, b2!.qc)) {
    throw fail('block h+1 is not certified by a valid QC');
  }
  const root = decodePayload(b1!.payload, 100_000).parentStateRoot;
  const chunks = Array.from(
    { length: meta.chunks },
    (_, i) => new Uint8Array(readFileSync(join(snapshotDir, `chunk-${i}.bin`))),
  );
  const state = importSnapshot(chunks, { expectedRoot: root });
  const store = new ChainStore(join(datadir, 'db'));
  try {
    store.checkGenesis(bytesToHex(genesis.hash));
    if (store.committed()) throw fail(`${datadir} already has a chain; load into a fresh datadir`);
    store.importAnchor(stateToKvOps(state), b0!, bytesToHex(h0), bytesToHex(root));
  } finally {
    await store.close();
  }
  return meta;
}
