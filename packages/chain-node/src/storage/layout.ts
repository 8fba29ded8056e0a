/**
 * Key layout of the node's LMDB database (one environment, string keys, msgpack values).
 * Retired prefixes are never reused. Heights are zero-padded so that key order is height order.
 *
 * | key                    | value                                                     |
 * |------------------------|-----------------------------------------------------------|
 * | `m:committed`          | `{ height, hash }` of the last committed block             |
 * | `m:safety`             | encoded consensus `SafetyState` (bytes)                    |
 * | `m:genesis`            | genesis hash hex (refuses to open a datadir of another chain) |
 * | `b:<height>`           | encoded committed block (bytes)                            |
 * | `i:<height>`           | `{ hash, stateRoot, committedAt, timestamp, txs }`         |
 * | `h:<block hash hex>`   | height                                                     |
 * | `t:<tx hash hex>`      | receipt (the ledger's `ReceiptJSON` + height, index); Ethereum txs by their keccak hash |
 * | `eh:<eth block hash hex>` | height of the block with that Ethereum block-view hash   |
 * | `a:<address hex>`      | retired (the transfer-only state before the ledger)        |
 *
 * The ledger's own key space (`@keel/ledger` `layout.ts`, binary keys under prefix 0x53) lives
 * in the named sub-database `state` of the same environment, so one transaction covers both.
 * | `p:<peer id>`          | `{ score, bannedUntil, updatedAt }`                        |
 * | `e:<validator>:<view>:<kind>` | equivocation evidence (JSON-safe hex fields)        |
 * | `s:<height>`           | snapshot metadata `{ height, hash, stateRoot, accounts }`   |
 */
export const layout = {
  committed: 'm:committed',
  safety: 'm:safety',
  genesis: 'm:genesis',
  block: (h: number) => `b:${h.toString().padStart(12, '0')}`,
  info: (h: number) => `i:${h.toString().padStart(12, '0')}`,
  hash: (hex: string) => `h:${hex}`,
  tx: (hex: string) => `t:${hex}`,
  ethHash: (hex: string) => `eh:${hex}`,
  account: (hex: string) => `a:${hex}`,
  accountPrefix: 'a:',
  peer: (id: string) => `p:${id}`,
  peerPrefix: 'p:',
  evidence: (validator: number, view: number, kind: string) => `e:${validator}:${view}:${kind}`,
  snapshot: (h: number) => `s:${h.toString().padStart(12, '0')}`,
  snapshotPrefix: 's:',
} as const;
