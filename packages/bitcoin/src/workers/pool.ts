import { Worker } from 'node:worker_threads';
import { InvalidArgumentError, KeelError } from '@keel/util';
import type { ScriptCheckJob } from '../consensus/connectBlock.ts';
import { scriptFailureReason } from '../consensus/scriptChecks.ts';
import { fail, OK, type Verdict } from '../consensus/verdict.ts';
import { ByteSink, serializeTransaction } from '../primitives/_serialize.ts';
import type { BatchRequest, BatchResponse, WorkerInit, WorkerReady } from './protocol.ts';

/** A worker thread failed or the pool was used after `close()`: never caused by block data. */
export class WorkerPoolError extends KeelError {
  constructor(message: string, meta: Record<string, unknown> = {}) {
    super('ERR_WORKER_POOL', message, meta);
    this.name = 'WorkerPoolError';
  }
}

export interface ScriptCheckPoolOptions {
  /** Worker threads (Core's -par). */
  workers: number;
  /** secp256k1 backend each worker loads (default 'auto'). */
  backend?: WorkerInit['backend'];
  /** Batches per worker per block, for load balancing (default 4). */
  batchesPerWorker?: number;
}

/**
 * Runs a block's script-check jobs on worker threads. `run` reports exactly what
 * `runScriptChecks` on one thread would: OK, or the first failing input in block order.
 */
export interface ScriptCheckPool {
  readonly size: number;
  /** The backend the workers loaded. */
  readonly backend: string;
  run(jobs: readonly ScriptCheckJob[]): Promise<Verdict>;
  /** Terminates the workers; pending runs reject. Idempotent. */
  close(): Promise<void>;
}

const BOOTSTRAP = new URL('./bootstrap.mjs', import.meta.url);

function spawn(init: WorkerInit): Promise<{ worker: Worker; backend: string }> {
  const worker = new Worker(BOOTSTRAP, { workerData: init, execArgv: [] });
  return new Promise((resolve, reject) => {
    const onError = (e: Error) =>
      reject(new WorkerPoolError(`worker failed to start: ${e.message}`));
    worker.once('error', onError);
    worker.once('message', (m: WorkerReady) => {
      worker.off('error', onError);
      if (m.ready) resolve({ worker, backend: m.backend });
      else {
        void worker.terminate();
        reject(new WorkerPoolError(`worker could not load its backend: ${m.error}`));
      }
    });
  });
}

/** Starts `workers` threads and waits until each has loaded its secp256k1 backend. */
export async function createScriptCheckPool(
  opts: ScriptCheckPoolOptions,
): Promise<ScriptCheckPool> {
  if (!Number.isInteger(opts.workers) || opts.workers < 1 || opts.workers > 64) {
    throw new InvalidArgumentError(`workers must be an integer in 1..64, got ${opts.workers}`);
  }
  const init: WorkerInit = { backend: opts.backend ?? 'auto' };
  const started = await Promise.allSettled(Array.from({ length: opts.workers }, () => spawn(init)));
  const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.worker] : []));
  const failure = started.find((s) => s.status === 'rejected');
  if (failure) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw (failure as PromiseRejectedResult).reason;
  }
  const backend = (started[0] as PromiseFulfilledResult<{ backend: string }>).value.backend;
  return new PoolImpl(workers, backend, opts.batchesPerWorker ?? 4);
}

class PoolImpl implements ScriptCheckPool {
  private closed = false;
  private nextId = 1;
  private busy = false;

  constructor(
    private readonly workers: Worker[],
    readonly backend: string,
    private readonly batchesPerWorker: number,
  ) {}

  get size(): number {
    return this.workers.length;
  }

  async run(jobs: readonly ScriptCheckJob[]): Promise<Verdict> {
    if (this.closed) throw new WorkerPoolError('script-check pool is closed');
    if (this.busy) throw new WorkerPoolError('script-check pool is already running a block');
    if (jobs.length === 0) return OK;
    this.busy = true;
    try {
      const batches = makeBatches(jobs, this.workers.length * this.batchesPerWorker);
      return await this.dispatch(batches);
    } finally {
      this.busy = false;
    }
  }

  /** Hands batches to idle workers in order; batches after a failed one are not started. */
  private dispatch(batches: Uint8Array[]): Promise<Verdict> {
    return new Promise((resolve, reject) => {
      let next = 0;
      let running = 0;
      let firstFailed = Number.POSITIVE_INFINITY;
      let best: BatchResponse['failure'];
      const batchOf = new Map<number, number>();
      const finish = () => {
        for (const w of this.workers) w.removeAllListeners('message').removeAllListeners('error');
        if (!best) resolve(OK);
        else {
          const { txIndex, inputIndex, error } = best;
          resolve(fail(scriptFailureReason(error), { txIndex, inputIndex, detail: error }));
        }
      };
      const feed = (w: Worker) => {
        if (next >= batches.length || next > firstFailed) {
          if (running === 0) finish();
          return;
        }
        const id = this.nextId++;
        batchOf.set(id, next);
        running++;
        const data = batches[next++]!;
        // transferred, not cloned: the batch buffer moves to the worker
        w.postMessage({ id, data } satisfies BatchRequest, [data.buffer as ArrayBuffer]);
      };
      for (const w of this.workers) {
        w.on('message', (res: BatchResponse) => {
          running--;
          if (res.crash) {
            for (const x of this.workers)
              x.removeAllListeners('message').removeAllListeners('error');
            reject(new WorkerPoolError(`script worker crashed: ${res.crash}`));
            return;
          }
          const b = batchOf.get(res.id)!;
          if (res.failure && b < firstFailed) {
            firstFailed = b;
            best = res.failure;
          }
          feed(w);
        });
        w.on('error', (e) => reject(new WorkerPoolError(`script worker error: ${e.message}`)));
        feed(w);
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

interface PendingTx {
  job: ScriptCheckJob;
  bytes: Uint8Array;
  inputs: number[];
}

/**
 * Splits jobs into about `target` contiguous batches of similar input counts, each packed
 * into one buffer (protocol.ts). Jobs of one transaction stay together so a worker hashes
 * its sighash midstates once.
 */
function makeBatches(jobs: readonly ScriptCheckJob[], target: number): Uint8Array[] {
  const perBatch = Math.max(1, Math.ceil(jobs.length / target));
  const batches: Uint8Array[] = [];
  let current: PendingTx[] = [];
  let count = 0;
  let last: PendingTx | undefined;
  for (const job of jobs) {
    if (!last || last.job.tx !== job.tx || last.job.flags !== job.flags) {
      if (count >= perBatch) {
        batches.push(packBatch(current));
        current = [];
        count = 0;
      }
      last = { job, bytes: serializeTransaction(job.tx, true), inputs: [] };
      current.push(last);
    }
    last.inputs.push(job.inputIndex);
    count++;
  }
  if (current.length) batches.push(packBatch(current));
  return batches;
}

function packBatch(txs: readonly PendingTx[]): Uint8Array {
  let size = 0;
  for (const t of txs) {
    size += 16 + t.bytes.length + 4 * t.inputs.length + 4;
    for (const o of t.job.spentOutputs) size += 12 + o.scriptPubKey.length;
  }
  const s = new ByteSink(new Uint8Array(size));
  for (const t of txs) {
    s.u32(t.job.txIndex);
    s.u32(t.job.flags >>> 0);
    s.u32(t.bytes.length);
    s.bytes(t.bytes);
    s.u32(t.job.spentOutputs.length);
    for (const o of t.job.spentOutputs) {
      s.i64(o.value);
      s.u32(o.scriptPubKey.length);
      s.bytes(o.scriptPubKey);
    }
    s.u32(t.inputs.length);
    for (const i of t.inputs) s.u32(i);
  }
  return s.buf;
}
