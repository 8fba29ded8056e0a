import { privateToAddress } from '@ethereumjs/util';
import { type BenchHarness, type BenchMain, hexToBytes } from '@keel/util';
import { ethereumjsRunner } from './ethereumjs.ts';
import { keelRunner } from './keel.ts';
import { type Workload, workloads } from './workloads.ts';

const PRIVATE_KEY = hexToBytes('45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8');
const CONTRACT = hexToBytes('00000000000000000000000000000000000c0de0');

function mgasPerSecond(opsPerSecond: number, gas: bigint, calls: number): number {
  return (opsPerSecond * (Number(gas) / calls)) / 1e6;
}

async function benchWorkload(h: BenchHarness, w: Workload, sender: Uint8Array): Promise<void> {
  const keel = keelRunner(w, sender, CONTRACT);
  const anchor = await ethereumjsRunner(w, PRIVATE_KEY, CONTRACT);
  // Same bytecode, same state, same calls: the two EVMs must charge the same gas.
  for (let i = 0; i < w.checkCalls; i++) {
    const [a, b] = [keel(), await anchor()];
    if (a !== b)
      throw new RangeError(`${w.name}: call ${i} used ${a} gas in keel, ${b} in ethereumjs`);
  }
  let keelGas = 0n;
  let keelCalls = 0;
  const keelOps = h.opsPerSecond(() => {
    keelGas += keel();
    keelCalls++;
  });
  let anchorGas = 0n;
  let anchorCalls = 0;
  const anchorOps = await h.opsPerSecondAsync(async () => {
    anchorGas += await anchor();
    anchorCalls++;
  });
  h.report({
    bench: 'evm',
    metric: `${w.name} Mgas/s`,
    value: mgasPerSecond(keelOps, keelGas, keelCalls),
    unit: 'Mgas/s',
    anchor: 'ethereumjs',
    anchorValue: mgasPerSecond(anchorOps, anchorGas, anchorCalls),
  });
  h.report({
    bench: 'evm',
    metric: `${w.name} tx/s`,
    value: keelOps,
    unit: 'tx/s',
    anchor: 'ethereumjs',
    anchorValue: anchorOps,
  });
}

/**
 * `keel bench evm`: keel's EVM against @ethereumjs/vm 10.1.3 on the same hand-assembled
 * contracts and state, transaction by transaction (runTx on both; signatures not measured).
 */
export const main: BenchMain = async (h) => {
  const sender = privateToAddress(PRIVATE_KEY);
  for (const w of workloads(sender)) await benchWorkload(h, w, sender);
};
