import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import { addBlobFlags } from '../blobFlags.ts';
import type * as Handler from './handler.ts';
import { runOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

export function runCommand(): Command {
  return addBlobFlags(
    new Command('run')
      .description(
        'Run a chain node: consensus (validators need --keys), libp2p networking, LMDB storage ' +
          'in --datadir, JSON-RPC + WebSocket + /metrics on --rpc-port. Stops cleanly on SIGINT/SIGTERM.',
      )
      .requiredOption('--datadir <dir>', 'data directory (database, peer scores)')
      .option('--genesis <file>', 'genesis file (default <datadir>/genesis.json)')
      .option('--keys <file>', 'encrypted validator key file (omit for a non-validator node)')
      .option('--passphrase-file <file>', 'file holding the key passphrase')
      .option('--host <ip>', 'interface to listen on', '127.0.0.1')
      .option('--p2p-port <port>', 'libp2p TCP port', '26656')
      .option('--rpc-port <port>', 'JSON-RPC port', '8545')
      .option('--peers <list>', 'comma-separated static peers: /ip4/…/tcp/…/p2p/<id>', '')
      .option('--block-time <ms>', 'minimum time per view (paces blocks)', '250')
      .option('--base-timeout <ms>', 'first view timeout', '1000')
      .option('--sync-interval <ms>', 'how often to compare heights with peers', '30000')
      .option('--max-txs-per-block <n>', 'transactions per block', '5000')
      .option('--admin-token-file <file>', 'token that admin RPC methods require')
      .option('--log-level <level>', 'trace | debug | info | warn | error', 'info')
      .option(
        '--verkle-witness-retention-blocks <n>',
        "verkle chains: keep each block's execution witness this many blocks (0: build on request only)",
        '8192',
      ),
  ).action(async (raw: unknown) => {
    process.exitCode = await (await handler()).runHandler(parseOptions(runOptionsSchema, raw));
  });
}
