import { Command } from 'commander';
import { parseOptions } from '../../options.ts';
import type * as Handler from './handler.ts';
import { rollupRunOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

function runCommand(): Command {
  return new Command('run')
    .description(
      'Run an L2 rollup node. sequencer: takes txs on eth_* JSON-RPC (write-ahead log first), ' +
        'seals L2 blocks with @keel/evm and posts each batch (deflated, blob-packed) to ' +
        'Rollup.sol as a blob transaction; on first start without a config it deploys ' +
        'Rollup.sol + Bridge.sol and writes <datadir>/rollup.json. verifier: re-derives the L2 ' +
        "chain from L1 events and blob sidecars alone (give it the sequencer's rollup.json) and " +
        'logs OUTPUT ROOT MISMATCH when a posted root is wrong. Progress: JSON lines on stderr.',
    )
    .requiredOption('--l1 <url>', 'L1 (keel chain) Ethereum JSON-RPC URL')
    .requiredOption('--mode <mode>', 'sequencer | verifier')
    .requiredOption('--datadir <dir>', 'data directory (WAL, rollup.json)')
    .option('--config <file>', 'rollup.json (default <datadir>/rollup.json)')
    .option('--key-file <file>', 'sequencer: hex private key of the L1 batch poster')
    .option('--rpc-port <n>', 'L2 JSON-RPC port (0: any free port)', '8547')
    .option('--ordering <mode>', 'fifo | priority | fair', 'fifo')
    .option('--fair-window <ms>', 'fair ordering: first-seen window', '200')
    .option('--block-time <ms>', 'sequencer: L2 block interval', '500')
    .option('--batch-interval <ms>', 'sequencer: batch posting interval', '3000')
    .option('--challenge-period <s>', 'deploy: Rollup.sol challenge period in seconds', '10')
    .option('--l2-chain-id <id>', 'deploy: L2 chain id', '901')
    .action(async (raw: unknown) => {
      process.exitCode = await (await handler()).rollupRunHandler(
        parseOptions(rollupRunOptionsSchema, raw),
      );
    });
}

/** `keel rollup …`: the L2 rollup node on the keel chain (issue #20). */
export function rollupCommand(): Command {
  return new Command('rollup')
    .description('L2 rollup on the keel chain: a sequencer or verifier node (`keel rollup run`).')
    .addCommand(runCommand());
}
