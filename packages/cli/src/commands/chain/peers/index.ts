import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import type * as Handler from './handler.ts';
import { peersOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

export function peersCommand(): Command {
  return new Command('peers')
    .description(
      "A running node's peers (net_peers): reputation score (-100..100), validator index when " +
        'authenticated by its staked key, ban state, reported height and latency.',
    )
    .option('--rpc <url>', 'the node JSON-RPC URL', 'http://127.0.0.1:8545')
    .option('--json', 'print the peer list as JSON')
    .action(async (raw: unknown) => {
      process.exitCode = await (await handler()).peersHandler(
        parseOptions(peersOptionsSchema, raw),
      );
    });
}
