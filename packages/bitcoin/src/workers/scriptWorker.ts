import { parentPort, workerData } from 'node:worker_threads';
import { loadSecp256k1Backend } from '@keel/crypto/secp256k1';
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
    for (const w of req.txs) {
      const tx = decodeTransaction(w.tx);
      const spentOutputs: TxOut[] = w.spentValues.map((value, i) => ({
        value,
        scriptPubKey: w.spentScripts[i]!,
      }));
      const txData = precomputeTxData(tx, spentOutputs);
      for (const inputIndex of w.inputs) {
        const job = { txIndex: w.txIndex, inputIndex, tx, spentOutputs, flags: w.flags };
        const r = runScriptCheck(job, txData, backend);
        checked++;
        if (!r.ok) {
          const error = r.detail ?? r.reason;
          return { id: req.id, checked, failure: { txIndex: w.txIndex, inputIndex, error } };
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
