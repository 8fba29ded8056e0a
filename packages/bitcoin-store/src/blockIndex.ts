import type { BlockHeader } from '@keel/bitcoin';
import { blockWork, type ConsensusParams, type HeaderInfo } from '@keel/bitcoin/consensus';
import { bytesToHex } from '@keel/util';
import type { BlockLocation, ScannedRecord } from './blockRecords.ts';

/** One known block: its header, where its bytes are, and its place in the tree. */
export interface BlockIndexEntry {
  hash: Uint8Array;
  /** Hash hex in internal byte order (the map key). */
  key: string;
  header: BlockHeader;
  /** Undefined for the network's genesis block when the files do not hold it. */
  location: BlockLocation | undefined;
  /** Height from genesis; -1 while not linked to genesis. */
  height: number;
  /** Total work of the chain ending here (Core's nChainWork). */
  chainWork: bigint;
  parent: BlockIndexEntry | undefined;
  /** Order first seen (Core's nSequenceId): the tie-break between equal-work tips. */
  seq: number;
  /** Set when the block or an ancestor failed validation. */
  invalid?: string;
}

/**
 * The block tree built from scanned records: blocks indexed by hash, linked from genesis
 * by their previous-block hashes in any file order, with chain work per block and the
 * most-work valid tip.
 */
export class BlockIndex {
  private readonly byKey = new Map<string, BlockIndexEntry>();
  private readonly children = new Map<string, BlockIndexEntry[]>();
  /** Records whose ancestry does not reach genesis. */
  unlinked = 0;
  duplicates = 0;

  constructor(readonly params: ConsensusParams) {}

  static build(params: ConsensusParams, records: ReadonlyArray<ScannedRecord & { file: number }>) {
    const index = new BlockIndex(params);
    const genesisKey = bytesToHex(params.genesisHash);
    index.insert(params.genesis.header, params.genesisHash, undefined);
    for (const r of records) {
      const loc = { file: r.file, offset: r.offset, length: r.length };
      if (bytesToHex(r.hash) === genesisKey) index.get(genesisKey)!.location = loc;
      else index.insert(r.header, r.hash, loc);
    }
    index.link();
    return index;
  }

  /**
   * Adds one block (a header, with its location once the bytes are stored) at any time: it
   * is linked at once when its parent is linked, and children that arrived before it are
   * linked with it. An already known block only gains a location it lacked.
   */
  add(header: BlockHeader, hash: Uint8Array, location?: BlockLocation): BlockIndexEntry {
    const key = bytesToHex(hash);
    const have = this.byKey.get(key);
    if (have) {
      if (location && !have.location) have.location = location;
      return have;
    }
    this.insert(header, hash, location);
    const e = this.byKey.get(key)!;
    if (key === bytesToHex(this.params.genesisHash)) {
      e.height = 0;
      e.chainWork = blockWork(header.bits);
      this.unlinked -= this.linkFrom(e);
      return e;
    }
    const parent = this.byKey.get(bytesToHex(header.prevBlock));
    this.unlinked++;
    if (parent && parent.height >= 0) {
      this.attach(parent, e);
      this.unlinked -= 1 + this.linkFrom(e);
      if (parent.invalid && !e.invalid) this.markInvalid(e, `descends from invalid block`);
    }
    return e;
  }

  private attach(p: BlockIndexEntry, c: BlockIndexEntry): void {
    c.parent = p;
    c.height = p.height + 1;
    c.chainWork = p.chainWork + blockWork(c.header.bits);
  }

  /** Links the unlinked descendants of a linked entry; returns how many. */
  private linkFrom(root: BlockIndexEntry): number {
    const queue = [root];
    let linked = 0;
    for (let i = 0; i < queue.length; i++) {
      const p = queue[i]!;
      for (const c of this.children.get(p.key) ?? []) {
        if (c.height >= 0 || c === root) continue;
        this.attach(p, c);
        queue.push(c);
        linked++;
      }
    }
    return linked;
  }

  /** The known blocks whose parent is `e`. */
  childrenOf(e: BlockIndexEntry): readonly BlockIndexEntry[] {
    return this.children.get(e.key) ?? [];
  }

  /** The ancestor of `e` at `height` (walks parent links; undefined above `e` or unlinked). */
  ancestor(e: BlockIndexEntry, height: number): BlockIndexEntry | undefined {
    if (height > e.height || height < 0) return undefined;
    let p: BlockIndexEntry | undefined = e;
    while (p && p.height > height) p = p.parent;
    return p;
  }

  /** Every entry, in the order first seen. */
  entries(): IterableIterator<BlockIndexEntry> {
    return this.byKey.values();
  }

  /** The index from persisted entries (see `loadBlockIndex`): inserted, then linked once. */
  static fromStored(
    params: ConsensusParams,
    records: ReadonlyArray<{
      hash: Uint8Array;
      header: BlockHeader;
      location: BlockLocation | undefined;
      invalid: string | undefined;
    }>,
  ): BlockIndex {
    const index = new BlockIndex(params);
    const genesisKey = bytesToHex(params.genesisHash);
    index.insert(params.genesis.header, params.genesisHash, undefined);
    for (const r of records) {
      if (bytesToHex(r.hash) === genesisKey) {
        index.get(genesisKey)!.location ??= r.location;
        continue;
      }
      index.insert(r.header, r.hash, r.location);
      if (r.invalid) index.get(bytesToHex(r.hash))!.invalid = r.invalid;
    }
    index.link();
    return index;
  }

  private insert(header: BlockHeader, hash: Uint8Array, location: BlockLocation | undefined) {
    const key = bytesToHex(hash);
    if (this.byKey.has(key)) {
      this.duplicates++;
      return;
    }
    const e: BlockIndexEntry = {
      hash,
      key,
      header,
      location,
      height: -1,
      chainWork: 0n,
      parent: undefined,
      seq: this.byKey.size,
    };
    this.byKey.set(key, e);
    const pk = bytesToHex(header.prevBlock);
    const list = this.children.get(pk);
    if (list) list.push(e);
    else this.children.set(pk, [e]);
  }

  /** Breadth-first from genesis: heights, parents and chain work. */
  private link(): void {
    const genesis = this.byKey.get(bytesToHex(this.params.genesisHash))!;
    genesis.height = 0;
    genesis.chainWork = blockWork(genesis.header.bits);
    const linked = 1 + this.linkFrom(genesis);
    this.unlinked = this.byKey.size - linked;
  }

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): BlockIndexEntry | undefined {
    return this.byKey.get(key);
  }

  getByHash(hash: Uint8Array): BlockIndexEntry | undefined {
    return this.byKey.get(bytesToHex(hash));
  }

  /** Marks a block and all its descendants invalid. */
  markInvalid(e: BlockIndexEntry, reason: string): void {
    const stack = [e];
    e.invalid = reason;
    while (stack.length) {
      const p = stack.pop()!;
      for (const c of this.children.get(p.key) ?? []) {
        if (!c.invalid) c.invalid = `descends from invalid block ${hashHex(e.hash)}`;
        stack.push(c);
      }
    }
  }

  /** The most-work linked valid block at or below `maxHeight` (ties: first seen). */
  bestTip(maxHeight = Number.POSITIVE_INFINITY): BlockIndexEntry {
    let best = this.byKey.get(bytesToHex(this.params.genesisHash))!;
    for (const e of this.byKey.values()) {
      if (e.height < 0 || e.invalid || e.height > maxHeight) continue;
      if (e.chainWork > best.chainWork || (e.chainWork === best.chainWork && e.seq < best.seq)) {
        best = e;
      }
    }
    return best;
  }

  /** The entries from genesis to `tip`, index = height. */
  chainTo(tip: BlockIndexEntry): BlockIndexEntry[] {
    const out = new Array<BlockIndexEntry>(tip.height + 1);
    for (let e: BlockIndexEntry | undefined = tip; e; e = e.parent) out[e.height] = e;
    return out;
  }
}

/** What the consensus header checks need about an indexed block. */
export function headerInfo(e: BlockIndexEntry): HeaderInfo {
  return {
    height: e.height,
    time: e.header.time,
    bits: e.header.bits,
    version: e.header.version,
    hash: e.hash,
  };
}

/** Display-order hex of an internal-order hash. */
export function hashHex(h: Uint8Array): string {
  return bytesToHex(h.slice().reverse());
}
