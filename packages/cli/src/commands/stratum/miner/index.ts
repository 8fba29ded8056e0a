import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import type * as Handler from './handler.ts';
import { minerOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

export function minerCommand(): Command {
  return new Command('miner')
    .description(
      'CPU miner for a Stratum V2 pool: connects over Noise_NX pinning the pool authority key, ' +
        'opens a standard (or extended) channel and hashes sha256d on worker threads, following ' +
        'new jobs, prev hashes and SetTarget; reconnects with exponential backoff.',
    )
    .requiredOption('--pool <host:port>', 'the pool SV2 address')
    .requiredOption(
      '--authority-key <hex|@file>',
      'pool authority public key: hex, base58check, or @FILE (e.g. @D/authority.pub)',
    )
    .option('--threads <n>', 'hashing threads', '1')
    .option('--user <name>', 'user identity (miner.worker)', 'keel-miner')
    .option('--channel <kind>', 'standard | extended', 'standard')
    .option('--exit-after-shares <n>', 'exit 0 after N accepted shares')
    .option(
      '--nominal-hash-rate <h/s>',
      'hash rate announced when opening the channel (the pool may set the first target from it; 0 = unknown)',
      '0',
    )
    .option(
      '--log-level <level>',
      'trace | debug | info | warn | error | silent (logs go to stderr)',
      'info',
    )
    .action(async (raw: unknown) => {
      process.exitCode = await (await handler()).minerHandler(
        parseOptions(minerOptionsSchema, raw),
      );
    });
}
