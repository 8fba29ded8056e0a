import {
  BufferReader,
  BufferWriter,
  bytesToHex,
  compareBytes,
  equalBytes,
  isKeelError,
  utf8ToBytes,
} from '@keel/util';
import { LedgerError, LedgerErrorCode } from './errors.ts';
import { LedgerState, type StateWrite } from './state/ledgerState.ts';

/** "KEELSNAP" */
export const SNAPSHOT_MAGIC = utf8ToBytes('KEELSNAP');
export const SNAPSHOT_VERSION = 1;

export interface SnapshotLimits {
  readonly maxChunks: number;
  readonly maxEntries: number;
  readonly maxKeyBytes: number;
  readonly maxValueBytes: number;
}

export const defaultSnapshotLimits: SnapshotLimits = {
  maxChunks: 1 << 16,
  maxEntries: 1 << 24,
  maxKeyBytes: 1024,
  maxValueBytes: 1 << 20,
};

/**
 * The state as snapshot chunks for snapshot sync. Each chunk:
 * `"KEELSNAP" ‖ u8 version ‖ root 32 ‖ u32 index ‖ u32 count ‖ u32 entries ‖
 *  entries × (u16 keyLen ‖ key ‖ u32 valueLen ‖ value)`, little-endian; entries strictly
 * ascending by key across all chunks. A chunk holds about `chunkBytes` of entries.
 */
export function exportSnapshot(state: LedgerState, chunkBytes = 4 << 20): Uint8Array[] {
  const root = state.root();
  const entries = [...state.entries()].sort((a, b) => compareBytes(a[0], b[0]));
  const groups: [Uint8Array, Uint8Array][][] = [[]];
  let size = 0;
  for (const e of entries) {
    const n = 6 + e[0].length + e[1].length;
    if (size + n > chunkBytes && groups[groups.length - 1]!.length > 0) {
      groups.push([]);
      size = 0;
    }
    groups[groups.length - 1]!.push(e);
    size += n;
  }
  return groups.map((g, i) => {
    const w = new BufferWriter(64 + size);
    w.bytes(SNAPSHOT_MAGIC).u8(SNAPSHOT_VERSION).bytes(root).u32le(i).u32le(groups.length);
    w.u32le(g.length);
    for (const [k, v] of g) w.u16le(k.length).bytes(k).u32le(v.length).bytes(v);
    return w.finish();
  });
}

function bad(message: string, meta: Record<string, unknown> = {}): LedgerError {
  return new LedgerError(LedgerErrorCode.INVALID_SNAPSHOT, message, meta);
}

/**
 * Rebuilds a state from `exportSnapshot` chunks (in order) and checks that its root equals the
 * root the chunks carry and, when given, `expectedRoot` (the root consensus committed to).
 * Bounded: every count and length is checked before allocation. Throws `LedgerError`.
 */
export function importSnapshot(
  chunks: readonly Uint8Array[],
  opts: { expectedRoot?: Uint8Array; limits?: Partial<SnapshotLimits> } = {},
): LedgerState {
  const lim = { ...defaultSnapshotLimits, ...opts.limits };
  if (chunks.length === 0 || chunks.length > lim.maxChunks)
    throw bad(`snapshot has ${chunks.length} chunks (1..${lim.maxChunks})`);
  let root: Uint8Array | undefined;
  let prev: Uint8Array | undefined;
  let total = 0;
  const writes: StateWrite[] = [];
  try {
    chunks.forEach((chunk, ci) => {
      const r = new BufferReader(chunk);
      if (!equalBytes(r.bytes(8, 'magic'), SNAPSHOT_MAGIC)) throw bad(`chunk ${ci}: bad magic`);
      const version = r.u8();
      if (version !== SNAPSHOT_VERSION) throw bad(`chunk ${ci}: unknown version ${version}`);
      const chunkRoot = r.copyBytes(32, 'root');
      if (root && !equalBytes(root, chunkRoot)) throw bad(`chunk ${ci}: root differs from chunk 0`);
      root = chunkRoot;
      const index = r.u32le();
      const count = r.u32le();
      if (index !== ci || count !== chunks.length)
        throw bad(
          `chunk ${ci}: says it is ${index} of ${count}, expected ${ci} of ${chunks.length}`,
        );
      const n = r.u32le();
      total += n;
      if (total > lim.maxEntries) throw bad(`more than ${lim.maxEntries} entries`);
      if (n > r.remaining / 6) throw bad(`chunk ${ci}: ${n} entries cannot fit`);
      for (let i = 0; i < n; i++) {
        const kl = r.u16le();
        if (kl === 0 || kl > lim.maxKeyBytes) throw bad(`chunk ${ci}: key length ${kl}`);
        const key = r.copyBytes(kl, 'key');
        const vl = r.u32le();
        if (vl === 0 || vl > lim.maxValueBytes) throw bad(`chunk ${ci}: value length ${vl}`);
        const value = r.copyBytes(vl, 'value');
        if (prev && compareBytes(prev, key) >= 0)
          throw bad(`chunk ${ci}: keys not strictly ascending at ${bytesToHex(key)}`);
        prev = key;
        writes.push({ key, value });
      }
      r.assertEnd(`snapshot chunk ${ci}`);
    });
  } catch (e) {
    if (e instanceof LedgerError || !isKeelError(e)) throw e;
    throw bad(`malformed snapshot: ${e.message}`);
  }
  const state = LedgerState.empty().withWrites(writes);
  if (!equalBytes(state.root(), root!))
    throw bad(`snapshot entries hash to ${bytesToHex(state.root())}, not ${bytesToHex(root!)}`);
  if (opts.expectedRoot && !equalBytes(root!, opts.expectedRoot))
    throw bad(
      `snapshot root ${bytesToHex(root!)} is not the expected ${bytesToHex(opts.expectedRoot)}`,
    );
  return state;
}
