import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import type * as Handler from './handler.ts';
import { translatorOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

export function translatorCommand(): Command {
  return new Command('translator')
    .description(
      'SV1→SV2 translator: Stratum V1 miners (mining.subscribe/authorize/configure/submit) on ' +
        '--listen share one encrypted SV2 extended channel to --upstream; each SV1 miner gets ' +
        'its own slice of the extranonce space, jobs/difficulty come from the upstream channel, ' +
        'shares go up with per-miner accounting. Backup upstreams are tried in order.',
    )
    .requiredOption('--upstream <host:port[,host:port…]>', 'SV2 pool, then backups')
    .requiredOption(
      '--authority-key <key|@file>',
      'pool authority public key: base58check, hex, or @FILE (e.g. @D/authority.pub)',
    )
    .option('--listen <host:port>', 'SV1 listen address', '127.0.0.1:3333')
    .option('--user <name>', 'identity of the upstream channel', 'keel-translator')
    .option(
      '--log-level <level>',
      'trace | debug | info | warn | error | silent (logs go to stderr)',
      'info',
    )
    .action(async (raw: unknown) => {
      process.exitCode = await (await handler()).translatorHandler(
        parseOptions(translatorOptionsSchema, raw),
      );
    });
}
