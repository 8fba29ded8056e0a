// `npm run bench -- rollup`: the sequencer's L2 tx/s (WAL-first admission + block sealing with
// @keel/evm) beside bare execution of the same txs, bytes per L2 tx posted beside the raw signed
// tx, and the verifier's derivation of the batch beside the sequencer's sealing of it. L1 is the
// in-memory one of the unit tests (the L1 round trip is the devnet's speed, see the e2e test).
import { join } from 'node:path';
import { createL2Genesis, L2BlockBuilder } from '@keel/rollup';
import { tempDir } from '@keel/test-utils';
import { type BenchHarness, type BenchMain, hexToBytes } from '@keel/util';
import { privateKeyToAccount } from 'viem/accounts';
import { type RollupConfig, RollupNode } from '../src/index.ts';
import { MemoryL1 } from '../test/unit/memoryL1.ts';

const GENESIS_TS = 1_700_000_000n;
const senders = Array.from({ length: 10 }, (_, i) =>
  privateKeyToAccount(`0x${(i + 1).toString(16).padStart(64, '0')}`),
);
const sequencer = privateKeyToAccount(`0x${'5e'.repeat(32)}`);

const config: RollupConfig = {
  version: 1,
  l1ChainId: 1337,
  rollup: `0x${'01'.repeat(20)}`,
  bridge: `0x${'02'.repeat(20)}`,
  deployBlock: 1,
  l2ChainId: 901,
  genesisTimestamp: Number(GENESIS_TS),
  sequencer: sequencer.address,
  challengePeriod: 0,
  alloc: Object.fromEntries(senders.map((s) => [s.address, (10n ** 20n).toString()])),
};

/** `n` signed transfers round-robin over the senders, each to a distinct recipient. */
async function transfers(n: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const s = senders[i % senders.length]!;
    const raw = await s.signTransaction({
      chainId: 901,
      type: 'eip1559',
      nonce: Math.floor(i / senders.length),
      to: `0x${(0x1000 + i).toString(16).padStart(40, '0')}`,
      value: 1000n + BigInt(i),
      gas: 21_000n,
      maxFeePerGas: 2n,
      maxPriorityFeePerGas: 1n,
    });
    out.push(hexToBytes(raw));
  }
  return out;
}

function bareExecutionMs(txs: readonly Uint8Array[]): number {
  const alloc = Object.entries(config.alloc).map(([a, w]) => [hexToBytes(a), BigInt(w)] as const);
  const g = createL2Genesis(alloc, GENESIS_TS);
  const params = {
    chainId: 901n,
    coinbase: hexToBytes(sequencer.address),
    gasLimit: 30_000_000n,
    maxTimestampDrift: 600n,
  };
  const t = performance.now();
  const meta = { number: 1n, timestamp: GENESIS_TS + 1n, l1Origin: 1n };
  const b = new L2BlockBuilder(g.state, g.header, meta, [], params, () => undefined);
  for (const raw of txs) if (!b.addTx(raw).ok) throw new Error('bench tx rejected');
  b.finish();
  return performance.now() - t;
}

export const main: BenchMain = async (h: BenchHarness) => {
  const n = Math.max(100, Math.round(1000 * h.scale));
  const txs = await transfers(n);
  const dir = tempDir('keel-rollup-bench-');
  try {
    const l1 = new MemoryL1(GENESIS_TS);
    // one L2 second for the whole run: timestamps stay within the drift of the memory L1's
    const clock = (Number(GENESIS_TS) + 1) * 1000;
    const seq = new RollupNode({
      mode: 'sequencer',
      l1: 'memory',
      datadir: join(dir.path, 'seq'),
      config,
      l1Reader: l1,
      submitter: l1.submitter(sequencer.address),
      manual: true,
      now: () => clock,
    });
    await seq.start();
    const t0 = performance.now();
    for (const raw of txs) seq.submitTx(raw);
    const admitMs = performance.now() - t0;
    await seq.tick();
    const sealMs = performance.now() - t0 - admitMs;
    if (seq.chain.head.number !== 1n || seq.pendingCount !== 0) throw new Error('not all sealed');
    const bare = bareExecutionMs(txs);
    h.report({
      bench: 'rollup',
      metric: `sequencer L2 tx/s (${n} transfers: WAL-fsynced admission + one sealed block)`,
      value: (n * 1000) / (admitMs + sealMs),
      unit: 'tx/s',
      anchor: 'the same txs through L2BlockBuilder alone (execution, no WAL/admission)',
      anchorValue: (n * 1000) / bare,
    });
    h.log(`admission ${admitMs.toFixed(0)} ms (fsync per tx), sealing ${sealMs.toFixed(0)} ms`);
    await seq.postBatch();
    const s = seq.stats[0]!;
    h.report({
      bench: 'rollup',
      metric: `bytes posted per L2 transfer (batch of ${s.txs}, deflated, ${s.blobs} blob)`,
      value: s.compressedBytes / s.txs,
      unit: 'B/tx',
      anchor: 'raw signed EIP-1559 tx',
      anchorValue: s.rawTxBytes / s.txs,
    });
    const ver = new RollupNode({
      mode: 'verifier',
      l1: 'memory',
      datadir: join(dir.path, 'ver'),
      config,
      l1Reader: l1,
      manual: true,
    });
    await ver.start();
    const t1 = performance.now();
    await ver.derive();
    const deriveMs = performance.now() - t1;
    if (ver.mismatches !== 0 || ver.chain.head.number !== 1n) throw new Error('derivation failed');
    h.report({
      bench: 'rollup',
      metric: `verifier derivation of one ${n}-tx batch (unpack, inflate, decode, execute)`,
      value: deriveMs,
      unit: 'ms',
      anchor: "the sequencer's sealing of the same block",
      anchorValue: sealMs,
    });
    await seq.stop();
    await ver.stop();
  } finally {
    dir.cleanup();
  }
};
