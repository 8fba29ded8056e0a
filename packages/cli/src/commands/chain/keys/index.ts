import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import type * as Handler from './handler.ts';
import { keysOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

export function keysCommand(): Command {
  return new Command('keys')
    .description(
      'Decrypt a validator key file (written by init-genesis) with its passphrase and show the ' +
        'public keys: BLS, ECVRF (also the staking account), and the libp2p peer id.',
    )
    .requiredOption('--keys <file>', 'encrypted key file')
    .requiredOption('--passphrase-file <file>', 'file holding the passphrase')
    .option('--json', 'print as JSON')
    .action(async (raw: unknown) => {
      process.exitCode = await (await handler()).keysHandler(parseOptions(keysOptionsSchema, raw));
    });
}
