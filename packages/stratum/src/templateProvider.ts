// The seam between a pool and whatever builds its block templates: a Bitcoin node over JSON-RPC
// (getblocktemplate/submitblock), the Template Distribution Protocol, or keel's own regtest chain.
// The shapes follow the Template Distribution Protocol's NewTemplate / SetNewPrevHash /
// SubmitSolution messages (sv2-spec 07-Template-Distribution-Protocol.md), so a TDP client or
// server maps onto this interface field for field.
//
// Byte orders: hashes are in Bitcoin's internal (little-endian, as serialized in headers) order.

/** A template for the next block, without the previous-block hash (that comes in a PrevHash). */
export interface NewTemplate {
  /** Provider-assigned id, unique per provider instance. */
  readonly templateId: bigint;
  /** True when the template is for a block on top of a tip not yet announced by a PrevHash. */
  readonly futureTemplate: boolean;
  /** Block header version (BIP9 bits set as the provider wants them). */
  readonly version: number;
  readonly coinbaseTxVersion: number;
  /** Start of the coinbase scriptSig (BIP34 height first); the pool appends its extranonce. */
  readonly coinbasePrefix: Uint8Array;
  readonly coinbaseTxInputSequence: number;
  /** Satoshis available to the coinbase outputs the pool adds (subsidy + fees - coinbaseTxOutputs). */
  readonly coinbaseTxValueRemaining: bigint;
  /** Serialized outputs the coinbase must carry (e.g. the witness commitment), in order. */
  readonly coinbaseTxOutputs: readonly Uint8Array[];
  readonly coinbaseTxLocktime: number;
  /** Merkle path from the coinbase (leaf 0) to the root: sibling hashes, bottom up. */
  readonly merklePath: readonly Uint8Array[];
}

/** The tip changed: the template `templateId` is now the one to mine on `prevHash`. */
export interface SetNewPrevHash {
  readonly templateId: bigint;
  readonly prevHash: Uint8Array;
  readonly headerTimestamp: number;
  readonly nBits: number;
  /** 32-byte target, little-endian as in SV2 U256. */
  readonly target: Uint8Array;
}

/** A solved header for a template: the provider rebuilds the block and submits it. */
export interface SubmitSolution {
  readonly templateId: bigint;
  readonly version: number;
  readonly headerTimestamp: number;
  readonly headerNonce: number;
  /** The full serialized coinbase transaction (with witness if the template has a commitment). */
  readonly coinbaseTx: Uint8Array;
}

export type SubmitResult =
  | { readonly accepted: true; readonly blockHash: Uint8Array; readonly height: number }
  | { readonly accepted: false; readonly reason: string };

export interface TemplateListener {
  onNewTemplate(t: NewTemplate): void;
  onSetNewPrevHash(p: SetNewPrevHash): void;
}

/**
 * Supplies templates and accepts solutions. Implementations live in I/O packages
 * (`stratum-node`: TDP client, getblocktemplate client, regtest; `bitcoin-node`).
 */
export interface TemplateProvider {
  /**
   * Starts delivering templates. The provider sends at least one future NewTemplate followed by
   * its SetNewPrevHash right away, then new ones as the tip or the mempool changes.
   * `coinbaseOutputMaxAdditionalSize` is the space the pool needs for its own outputs.
   */
  subscribe(listener: TemplateListener, coinbaseOutputMaxAdditionalSize: number): () => void;
  submitSolution(solution: SubmitSolution): Promise<SubmitResult>;
}
