import { Command } from 'commander';
import { parseOptions } from '../../options.ts';
import type * as Handler from './handler.ts';
import { dashboardOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

/** `keel dashboard`: the web dashboard for a chain node, a Bitcoin node and a Stratum pool. */
export function dashboardCommand(): Command {
  return new Command('dashboard')
    .description(
      'Serve the web dashboard: chain (height, finality chart, blocks, validators, mempool, ' +
        'search), Bitcoin node (tip, sync, peers, mempool) and Stratum pool (miners, channels, ' +
        'shares, blocks). The browser talks only to this server, which proxies read-only calls ' +
        'to the given endpoints.',
    )
    .option('--chain <url>', 'keel chain node JSON-RPC URL (WebSocket on the same port)')
    .option(
      '--bitcoin <url[,cookie|user:pass]>',
      'Bitcoin node RPC URL, then a .cookie path or user:pass',
    )
    .option('--pool <url>', 'Stratum pool HTTP stats URL (serves /stats)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free port)', '8090')
    .option('--timeout <ms>', 'upstream request timeout', '5000')
    .action(async (raw: unknown) => {
      process.exitCode = await (await handler()).dashboardHandler(
        parseOptions(dashboardOptionsSchema, raw),
      );
    });
}
