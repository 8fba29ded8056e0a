import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import type * as Handler from './handler.ts';
import { nodeOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function nodeCommand(): Command {
  return new Command('node')
    .description(
      'Run a Bitcoin full node: P2P (v1 and BIP324 v2 transport), headers-first sync with parallel ' +
        'block download, full validation into a UTXO chainstate, transaction relay, and a ' +
        'Core-compatible JSON-RPC server (cookie auth: <datadir>/<network>/.cookie, as Core). ' +
        "Options are named as Core's. Ctrl-C or the `stop` RPC shuts down cleanly (chainstate and " +
        'block index flushed); a restart resumes from the stored tip.',
    )
    .option('--network <name>', 'main | test | testnet4 | signet | regtest', 'main')
    .option(
      '--datadir <dir>',
      "base data folder (default ~/.keel); the network's data is in <datadir>/<testnet3|testnet4|signet|regtest>, main in <datadir>",
    )
    .option(
      '--connect <host:port>',
      'connect only to this peer (repeatable); no other outbound',
      collect,
    )
    .option('--addnode <host:port>', 'keep a connection to this peer (repeatable)', collect)
    .option('--no-listen', 'do not accept inbound connections')
    .option('--bind <addr>', 'listen address (default 0.0.0.0)')
    .option('--port <n>', 'P2P port (default 8333 / 18333 / 48333 / 38333 / 18444)')
    .option('--rpcport <n>', 'JSON-RPC port (default 8332 / 18332 / 48332 / 38332 / 18443)')
    .option('--rpcbind <addr>', 'JSON-RPC listen address (default 127.0.0.1)')
    .option('--rpcuser <user>', 'JSON-RPC user (with --rpcpassword; otherwise a cookie is written)')
    .option('--rpcpassword <pw>', 'JSON-RPC password')
    .option('--no-server', 'no JSON-RPC server')
    .option(
      '--no-v2transport',
      'v1 transport only (BIP324 v2 is offered and tried by default, as Core 27+)',
    )
    .option(
      '--erlay',
      'BIP330 Erlay: offer sendtxrcncl and relay transactions by set reconciliation (every 2 s to an outbound peer in turn, flooding to a fanout of 1 outbound peer and 10% of inbound); peers that do not negotiate it (bcoin, Core) are flooded as usual',
    )
    .option(
      '--erlay-fanout <n>',
      'with --erlay: outbound reconciling peers still flooded each transaction (default 1)',
    )
    .option(
      '--assumevalid <hash>',
      'skip script checks of ancestors of this block (two weeks of work below the best header, as Core); 0 checks everything',
    )
    .option(
      '--tdp-listen <host:port>',
      'serve Stratum V2 Template Distribution (Noise, sv2-spec 07) from this node: templates from its mempool on every new tip and whenever the next block’s fees grow by --tdp-fee-delta, solutions submitted into the node; the authority key is <network datadir>/sv2/authority.pub (give it to `keel stratum pool --tdp … --tdp-authority-key @FILE`)',
    )
    .option(
      '--tdp-fee-delta <sat>',
      'with --tdp-listen: fee gain that triggers a new template',
      '1000',
    )
    .option('--dbcache <MiB>', 'coin cache size before a flush, in MiB', '450')
    .option('--workers <n>', 'script-check worker threads (0 = main thread)', '0')
    .option(
      '--maxtipage <s>',
      'initial block download ends once the tip is this recent (default 86400; regtest: never in IBD)',
    )
    .option('--log-level <level>', 'trace | debug | info | warn | error', 'info')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  keel bitcoin node --network regtest --port 18444 --rpcport 18443\n' +
        '  keel bitcoin node --network regtest --datadir /tmp/b --port 18445 --rpcport 18453 --connect 127.0.0.1:18444\n' +
        '  keel bitcoin node --network signet --addnode 203.0.113.5:38333\n',
    )
    .action(async (raw: unknown) => {
      process.exitCode = await (await handler()).nodeHandler(parseOptions(nodeOptionsSchema, raw));
    });
}
