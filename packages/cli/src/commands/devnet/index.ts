import { Command } from 'commander';
import { parseOptions } from '../../options.ts';
import { addBlobFlags } from '../chain/blobFlags.ts';
import type * as Handler from './handler.ts';
import { devnetOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

/** `keel devnet`: a local multi-validator BFT chain on loopback (what `npm start` runs). */
export function devnetCommand(): Command {
  return addBlobFlags(
    new Command('devnet')
      .description(
        'Run a local BFT-chain devnet: a fresh genesis, N validator processes (`keel chain run`) ' +
          'on loopback with JSON-RPC, funded dev accounts, and a live status line. With --slots S ' +
          'it exits after S finalized blocks and checks that every node agrees on every block hash ' +
          'and state root (exit 0 only then); --json prints {validators, finalized, agree, ' +
          'stateRootsAgree, txCommitted, tps, finalityP50Ms, finalityP95Ms, viewChanges}. ' +
          'Ctrl-C stops every node.',
      )
      .option(
        '--validators <n>',
        'number of validator processes, 1-32 (4 = 3f + 1 tolerates one faulty validator; fewer tolerate none)',
        '4',
      )
      .option('--slots <s>', 'exit after this many finalized blocks (and check agreement)')
      .option('--load <tps>', 'built-in transfer load, transactions per second', '0')
      .option('--json', 'with --slots: print only the summary object')
      .option('--datadir <dir>', 'keep node data here (default: a temp dir removed on exit)')
      .option('--block-time <ms>', 'minimum time per view', '100')
      .option('--base-timeout <ms>', 'first view timeout', '1000')
      .option('--chain-id <id>', 'chain id', 'keel-devnet')
      .option('--timeout <s>', 'give up after this many seconds')
      .option('--no-dashboard', 'do not serve the web dashboard (keel dashboard) for node 0')
      .option('--dashboard-port <n>', 'port of the dashboard (0: any free port)', '0')
      .option(
        '--evm-state <mode>',
        'EVM state backend of the genesis: mpt, or verkle (EIP-6800 tree; block witnesses)',
        'mpt',
      ),
    ' per node',
  ).action(async (raw: unknown) => {
    process.exitCode = await (await handler()).devnetHandler(
      parseOptions(devnetOptionsSchema, raw),
    );
  });
}
