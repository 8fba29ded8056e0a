/**
 * Key layout of the chainstate database (one LMDB environment or LevelDB directory). Every
 * key starts with a one-byte prefix; a retired prefix is never reused. Integers in keys are
 * big-endian so that key order is numeric order; integers in values are little-endian.
 *
 * | prefix | key                              | value |
 * |--------|----------------------------------|-------|
 * | `V`    | —                                | u32 schema version (`SCHEMA_VERSION`) |
 * | `N`    | —                                | network name, UTF-8 (`main`, `test`, …) |
 * | `T`    | —                                | the tip record: see `encodeTip` (height, hash, txout count, total amount, MuHash state) |
 * | `C`    | txid (32, internal order) ‖ vout u32 BE | one unspent coin: u32 (height·2 + coinbase) ‖ i64 value ‖ scriptPubKey |
 * | `U`    | block hash (32, internal order)  | undo data of a connected block, Core's CBlockUndo encoding (rev*.dat record body) |
 * | `H`    | height u32 BE                    | the active chain: block hash (32) ‖ 80-byte header |
 * | `I`    | block hash (32, internal order)  | one block-index entry (the node's persisted index): see `encodeIndexRecord` — 80-byte header ‖ u8 status ‖ (u32 file ‖ u32 offset ‖ u32 length when status has DATA) ‖ (UTF-8 reason when status has FAILED) |
 *
 * The node's block bytes live beside the database in `blocks/blk?????.dat` (Core's record
 * format: magic ‖ u32 LE length ‖ block), written before the `I` entry that points at them, so
 * an index entry never names bytes that are not on disk.
 *
 * `T`, the `C` changes, the `U` and `H` entries of a flush are written in one atomic batch,
 * so the stored coins always belong exactly to the stored tip.
 */
export const Prefix = {
  version: 0x56, // 'V'
  network: 0x4e, // 'N'
  tip: 0x54, // 'T'
  coin: 0x43, // 'C'
  undo: 0x55, // 'U'
  chain: 0x48, // 'H'
  index: 0x49, // 'I'
} as const;

export const SCHEMA_VERSION = 1;

export const versionKey = Uint8Array.of(Prefix.version);
export const networkKey = Uint8Array.of(Prefix.network);
export const tipKey = Uint8Array.of(Prefix.tip);

export function coinKey(txid: Uint8Array, vout: number): Uint8Array {
  const k = new Uint8Array(37);
  k[0] = Prefix.coin;
  k.set(txid, 1);
  new DataView(k.buffer).setUint32(33, vout, false);
  return k;
}

export function undoKey(hash: Uint8Array): Uint8Array {
  const k = new Uint8Array(33);
  k[0] = Prefix.undo;
  k.set(hash, 1);
  return k;
}

export function chainKey(height: number): Uint8Array {
  const k = new Uint8Array(5);
  k[0] = Prefix.chain;
  new DataView(k.buffer).setUint32(1, height, false);
  return k;
}

/** The first key after every key with this prefix (for range scans). */
export function prefixEnd(prefix: number): Uint8Array {
  return Uint8Array.of(prefix + 1);
}

export function indexKey(hash: Uint8Array): Uint8Array {
  const k = new Uint8Array(33);
  k[0] = Prefix.index;
  k.set(hash, 1);
  return k;
}
