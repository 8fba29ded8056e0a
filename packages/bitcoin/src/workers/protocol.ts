/**
 * Messages between the script-check pool and its workers. A batch is one packed buffer,
 * transferred (not copied) to the worker: whole transactions (serialized once) with the
 * outputs they spend and the inputs to check, so each worker computes a transaction's
 * sighash midstates once and the structured clone sees a single ArrayBuffer.
 *
 * Layout (little-endian), repeated until the end of the buffer, per transaction:
 *   u32 txIndex, u32 flags, u32 txLength, tx (serialized with witness),
 *   u32 spentCount, spentCount × (i64 value, u32 scriptLength, script),
 *   u32 inputCount, inputCount × u32 inputIndex (ascending)
 */
export interface BatchRequest {
  id: number;
  data: Uint8Array;
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
