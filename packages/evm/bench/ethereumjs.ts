import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { SimpleStateManager } from '@ethereumjs/statemanager';
import { createFeeMarket1559Tx, type FeeMarket1559Tx } from '@ethereumjs/tx';
import { Address, createAccount } from '@ethereumjs/util';
import { createVM, runTx } from '@ethereumjs/vm';
import { bigIntToBytes } from '@keel/util';
import { bigintToRLPBytes } from '../src/rlp/index.ts';
import type { Workload } from './workloads.ts';

/** Distinct calldatas per workload (txs are signed once and replayed with `skipNonce`). */
const DISTINCT = 256;

/**
 * The same calls through @ethereumjs/vm `runTx` on a Cancun mainnet Common over its
 * `SimpleStateManager`: transactions are
 * signed before timing and their senders cached, so signature recovery is not measured.
 */
export async function ethereumjsRunner(
  w: Workload,
  privateKey: Uint8Array,
  contract: Uint8Array,
): Promise<() => Promise<bigint>> {
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Cancun });
  // The in-memory state manager, like keel's MemoryWorldState: no trie hashing per transaction
  // (the default MerkleStateManager updates its trie at every commit).
  const vm = await createVM({ common, stateManager: new SimpleStateManager() });
  const to = new Address(contract);
  const txs: FeeMarket1559Tx[] = [];
  for (let i = 0; i < DISTINCT; i++) {
    const tx = createFeeMarket1559Tx(
      {
        chainId: 1n,
        nonce: 0n,
        maxPriorityFeePerGas: 1n,
        maxFeePerGas: 1000n,
        gasLimit: 10_000_000n,
        to,
        value: 0n,
        data: w.calldata(i),
      },
      { common },
    ).sign(privateKey);
    txs.push(tx);
  }
  const sender = txs[0]!.getSenderAddress();
  for (const tx of txs) tx.getSenderAddress(); // cache the recovered public key
  await vm.stateManager.putAccount(sender, createAccount({ nonce: 0n, balance: 10n ** 30n }));
  await vm.stateManager.putAccount(to, createAccount({ nonce: 1n, balance: 0n }));
  await vm.stateManager.putCode(to, w.code);
  for (const [k, v] of w.storage) {
    await vm.stateManager.putStorage(to, bigIntToBytes(k, 32), bigintToRLPBytes(v));
  }
  let i = 0;
  return async () => {
    const tx = txs[i % DISTINCT]!;
    i++;
    const r = await runTx(vm, { tx, skipNonce: true, skipBlockGasLimitValidation: true });
    if (r.execResult.exceptionError)
      throw new RangeError(`ethereumjs: ${w.name} call ${i - 1} failed`);
    return r.totalGasSpent;
  };
}
