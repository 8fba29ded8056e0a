/**
 * Messages between the script-check pool and its workers. A batch carries whole
 * transactions (serialized once) with the outputs they spend and the inputs to check, so
 * each worker computes a transaction's sighash midstates once.
 */
export interface WireTx {
  txIndex: number;
  /** The transaction, serialized with witness. */
  tx: Uint8Array;
  spentValues: bigint[];
  spentScripts: Uint8Array[];
  /** Input indexes to verify, ascending. */
  inputs: number[];
  flags: number;
}

export interface BatchRequest {
  id: number;
  txs: WireTx[];
}

export interface BatchResponse {
  id: number;
  /** Inputs verified. */
  checked: number;
  /** The first failing input of the batch, in batch order. */
  failure?: { txIndex: number; inputIndex: number; error: string };
  /** A worker-side bug (never caused by block data, which gives `failure`). */
  crash?: string;
}

export interface WorkerInit {
  backend: 'auto' | 'noble' | 'libsecp256k1';
}

export type WorkerReady = { ready: true; backend: string } | { ready: false; error: string };
