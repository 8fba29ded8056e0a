import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import type * as Handler from './handler.ts';
import { poolOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

export function poolCommand(): Command {
  return new Command('pool')
    .description(
      'Run a Stratum V2 pool: Noise_NX-encrypted SV2 on --listen (standard, extended and group ' +
        'channels), share validation by header hash, vardiff, found blocks submitted to the ' +
        'template source. With --regtest the pool runs its own regtest chain (blocks validated by ' +
        "keel's Bitcoin consensus); with --rpc-url it uses a node's getblocktemplate/submitblock; " +
        'with --tdp a Template Distribution Protocol server. --sv1-listen adds Stratum V1 miners, ' +
        '--merge-mining secondary chains (AuxPoW). ' +
        'The authority public key is printed (base58check and hex) and written as hex to ' +
        'DATADIR/authority.pub at start.',
    )
    .option('--regtest', "template source: keel's built-in regtest chain")
    .option('--datadir <dir>', 'keeps authority.key / authority.pub (default ~/.keel/<network>)')
    .option('--listen <host:port>', 'SV2 (Noise) listen address', '127.0.0.1:34254')
    .option('--sv1-listen <host:port>', 'also accept Stratum V1 miners (JSON-RPC) here')
    .option('--stats-listen <host:port>', 'HTTP: GET /stats (JSON) and /metrics (Prometheus)')
    .option('--rpc-url <url>', 'template source: a node with getblocktemplate (http://host:port)')
    .option('--tdp <host:port>', 'template source: a Template Distribution Protocol server (Noise)')
    .option('--tdp-authority-key <hex|@file>', "the TDP server's authority public key")
    .option(
      '--tdp-listen <host:port>',
      "also serve this pool's template source over TDP (e.g. the regtest chain)",
    )
    .option(
      '--jd-listen <host:port>',
      'also run a Job Declarator Server here (with --regtest) and accept SetCustomMiningJob from JDCs',
    )
    .option('--rpc-cookie <file>', 'RPC cookie file (user:password), e.g. ~/.bitcoin/.cookie')
    .option('--rpc-user <name>', 'RPC user name')
    .option('--rpc-password <pw>', 'RPC password')
    .option('--rpc-poll-ms <ms>', 'getblocktemplate poll interval', '2000')
    .option(
      '--merge-mining <file.json>',
      'secondary chains, JSON [{name, url, address, cookieFile?, user?, password?, chainId?}] served by createauxblock/submitauxblock; the revenue ledger goes to DATADIR/revenue-ledger.json (and /ledger)',
    )
    .option(
      '--payout-script <hex>',
      'scriptPubKey the coinbase pays (regtest default P2WSH(OP_TRUE))',
    )
    .option('--share-difficulty <d>', 'initial share difficulty (regtest default: target 2^240)')
    .option('--shares-per-minute <n>', 'vardiff goal per channel', '20')
    .option(
      '--extranonce-prefix-size <n>',
      'extended channels: extranonce_prefix bytes the pool assigns (standard channels get prefix + miner part)',
      '8',
    )
    .option('--extranonce-size <n>', 'extended channels: extranonce bytes the miner rolls', '8')
    .option('--exit-after-blocks <n>', 'exit 0 once N blocks were found and accepted')
    .option(
      '--json',
      'print one JSON summary on exit: blocksFound, sharesAccepted, sharesRejected, miners, tipHeight, tipHash',
    )
    .option(
      '--log-level <level>',
      'trace | debug | info | warn | error | silent (logs go to stderr)',
      'info',
    )
    .action(async (raw: unknown) => {
      process.exitCode = await (await handler()).poolHandler(parseOptions(poolOptionsSchema, raw));
    });
}
