import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import type * as Handler from './handler.ts';
import { jdClientOptionsSchema } from './options.ts';

const handler = (): Promise<typeof Handler> => import('./handler.ts');

export function jdClientCommand(): Command {
  return new Command('jd-client')
    .description(
      'Job Declarator Client: devices connect over Noise to --listen and mine templates from ' +
        "the miner's own node (--rpc-url, getblocktemplate: its own transaction choice); each " +
        'job is declared to the pool JDS (--jds) and announced to the pool (--pool) with ' +
        'SetCustomMiningJob; shares and blocks go to the pool, blocks also to the own node and ' +
        "the JDS. While the JDS is unreachable it mines the pool's jobs (fallback).",
    )
    .requiredOption('--pool <host:port[,host:port…]>', 'SV2 pool (work selection), then backups')
    .requiredOption('--jds <host:port>', "the pool's Job Declarator Server")
    .requiredOption('--authority-key <key|@file>', 'pool authority public key (pool and JDS)')
    .requiredOption('--rpc-url <url>', "the miner's own node (getblocktemplate/submitblock)")
    .option('--rpc-cookie <file>', 'RPC cookie file')
    .option('--rpc-user <name>', 'RPC user name')
    .option('--rpc-password <pw>', 'RPC password')
    .option('--rpc-poll-ms <ms>', 'getblocktemplate poll interval', '2000')
    .option('--listen <host:port>', 'SV2 (Noise) listen address for devices', '127.0.0.1:34265')
    .option(
      '--datadir <dir>',
      "keeps the JDC's authority key for its devices (default ~/.keel/jdc)",
    )
    .option('--user <name>', 'identity towards the pool and the JDS', 'keel-jdc')
    .option('--log-level <level>', 'trace | debug | info | warn | error | silent', 'info')
    .action(async (raw: unknown) => {
      process.exitCode = await (await handler()).jdClientHandler(
        parseOptions(jdClientOptionsSchema, raw),
      );
    });
}
