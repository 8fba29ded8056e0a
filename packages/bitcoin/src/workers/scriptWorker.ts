import { parentPort, workerData } from 'node:worker_threads';
import { loadSecp256k1Backend } from '@keel/crypto/secp256k1';
import { BufferReader } from '@keel/util';
import { runScriptCheck } from '../consensus/scriptChecks.ts';
import { decodeTransaction, type TxOut } from '../primitives/transaction.ts';
import { precomputeTxData } from '../script/sighash.ts';
import type { BatchRequest, BatchResponse, WorkerInit, WorkerReady } from './protocol.ts';

const port = parentPort;
const init = workerData as WorkerInit;

async function start(): Promise<void> {
  if (!port) return;
  let backend: Awaited<ReturnType<typeof loadSecp256k1Backend>>;
  try {
    backend = await loadSecp256k1Backend(init.backend);
  } catch (e) {
    port.postMessage({ ready: false, error: String(e) } satisfies WorkerReady);
    return;
  }
  port.on('message', (req: BatchRequest) => {
    port.postMessage(runBatch(req, backend));
  });
  port.postMessage({ ready: true, backend: backend.name } satisfies WorkerReady);
}

function runBatch(
  req: BatchRequest,
  backend: Awaited<ReturnType<typeof loadSecp256k1Backend>>,
): BatchResponse {
  let checked = 0;
  try {
    const r = new BufferReader(req.data);
    while (r.remaining > 0) {
      const txIndex = r.u32le();
      const flags = r.u32le();
      const tx = decodeTransaction(r.bytes(r.u32le(), 'transaction'));
      const nSpent = r.u32le();
      const spentOutputs: TxOut[] = new Array(nSpent);
      for (let i = 0; i < nSpent; i++) {
        const value = r.i64le();
        spentOutputs[i] = { value, scriptPubKey: r.bytes(r.u32le(), 'scriptPubKey') };
      }
      const txData = precomputeTxData(tx, spentOutputs);
      const nInputs = r.u32le();
      for (let k = 0; k < nInputs; k++) {
        const inputIndex = r.u32le();
        const job = { txIndex, inputIndex, tx, spentOutputs, flags };
        const v = runScriptCheck(job, txData, backend);
        checked++;
        if (!v.ok) {
          const error = v.detail ?? v.reason;
          return { id: req.id, checked, failure: { txIndex, inputIndex, error } };
        }
      }
    }
    return { id: req.id, checked };
  } catch (e) {
    return {
      id: req.id,
      checked,
      crash: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
    };
  }
}

await start();
