import { CANCUN } from '../src/params.ts';
import { createMemoryWorldState } from '../src/state/memoryState.ts';
import type { Address, FeeMarketTx } from '../src/tx/types.ts';
import { runTx } from '../src/vm/runTx.ts';
import type { BlockEnv } from '../src/vm/types.ts';
import type { Workload } from './workloads.ts';

/** Runs a workload's calls through keel's `runTx` (sender given: no signature recovery). */
export function keelRunner(w: Workload, sender: Address, contract: Address): () => bigint {
  const state = createMemoryWorldState([
    [sender, { nonce: 0n, balance: 10n ** 30n, code: new Uint8Array(0) }],
    [contract, { nonce: 1n, balance: 0n, code: w.code, storage: w.storage }],
  ]);
  const env: BlockEnv = {
    chainId: 1n,
    coinbase: new Uint8Array(20),
    number: 1n,
    timestamp: 1n,
    gasLimit: 30_000_000n,
    baseFee: 7n,
    prevRandao: new Uint8Array(32),
    excessBlobGas: 0n,
    getBlockHash: () => undefined,
  };
  let i = 0;
  return () => {
    const tx: FeeMarketTx = {
      type: 2,
      chainId: 1n,
      nonce: BigInt(i),
      maxPriorityFeePerGas: 1n,
      maxFeePerGas: 1000n,
      gasLimit: 10_000_000n,
      to: contract,
      value: 0n,
      data: w.calldata(i),
      accessList: [],
      v: 0n,
      r: 1n,
      s: 1n,
    };
    i++;
    const r = runTx(state, tx, sender, env, { fork: CANCUN });
    if (!r.valid || r.status !== 1) throw new RangeError(`keel: ${w.name} call ${i - 1} failed`);
    return r.gasUsed;
  };
}
