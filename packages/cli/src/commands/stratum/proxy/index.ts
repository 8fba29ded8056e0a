import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import type * as Handler from './handler.ts';
import { proxyOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

export function proxyCommand(): Command {
  return new Command('proxy')
    .description(
      'SV2 mining proxy: devices connect over Noise to --listen (standard, extended or group ' +
        'channels, own vardiff and accounting per device) and are aggregated into one ' +
        'extended channel to --upstream, the extranonce space split per device; shares meeting ' +
        'the upstream target are forwarded. Backup upstreams are tried in order. The proxy has ' +
        'its own authority key (DATADIR/authority.pub) for its devices to pin.',
    )
    .requiredOption('--upstream <host:port[,host:port…]>', 'SV2 pool, then backups')
    .requiredOption(
      '--authority-key <key|@file>',
      'upstream pool authority public key: base58check, hex, or @FILE',
    )
    .option('--listen <host:port>', 'SV2 (Noise) listen address for devices', '127.0.0.1:34255')
    .option(
      '--datadir <dir>',
      "keeps the proxy's authority.key / authority.pub (default ~/.keel/proxy)",
    )
    .option('--user <name>', 'identity of the upstream channel', 'keel-proxy')
    .option('--shares-per-minute <n>', 'vardiff goal per device', '20')
    .option(
      '--log-level <level>',
      'trace | debug | info | warn | error | silent (logs go to stderr)',
      'info',
    )
    .action(async (raw: unknown) => {
      process.exitCode = await (await handler()).proxyHandler(
        parseOptions(proxyOptionsSchema, raw),
      );
    });
}
