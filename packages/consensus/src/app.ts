import type { Block } from './types.ts';

export interface ProposeContext {
  readonly parentHash: Uint8Array;
  readonly height: number;
  readonly view: number;
}

/**
 * The application a chain runs (a ledger in a node, a counter in the simulator). Consensus
 * orders opaque payloads; the application builds and checks them. Calls are synchronous and
 * must be deterministic for a given block.
 */
export interface App {
  /** The payload of a new block this node proposes. */
  proposePayload(ctx: ProposeContext): Uint8Array;
  /** Whether a proposed block's payload is acceptable; a node never votes for one that is not. */
  validatePayload(block: Block, hash: Uint8Array): boolean;
  /** Called once per block, in height order, when it is committed (final). */
  onCommit(block: Block, hash: Uint8Array): void;
}
