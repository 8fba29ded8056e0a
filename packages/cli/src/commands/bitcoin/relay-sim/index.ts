import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import type * as Handler from './handler.ts';
import { relaySimOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

export function relaySimCommand(): Command {
  return new Command('relay-sim')
    .description(
      "Simulate transaction relay over a seeded random network (Core's topology: a share of " +
        'reachable nodes, N outbound connections each) with flooding and with BIP330 Erlay (the ' +
        'pure reconciliation code of @keel/bitcoin-p2p, real minisketch sketches) in the same run: ' +
        'bytes per node split into announcements (inv), requests (getdata), reconciliation and ' +
        'transaction bodies, and the time for a transaction to reach 50/90/100% of nodes. ' +
        'Deterministic for a given --seed.',
    )
    .option('--nodes <n>', 'nodes in the network', '2000')
    .option('--reachable <share>', 'share of nodes accepting inbound connections', '0.1')
    .option('--outbound <n>', 'outbound connections per node', '8')
    .option('--tx-rate <n>', 'new transactions per second, network-wide', '5')
    .option('--duration <s>', 'seconds during which transactions are created', '10')
    .option(
      '--warmup <s>',
      'steady-state window: count bytes (and reach times) only from this simulated second on',
      '0',
    )
    .option('--window <s>', 'length of the measuring window in seconds (0: to the end)', '0')
    .option('--max-time <s>', 'stop after this many simulated seconds', '120')
    .option('--seed <n>', 'seed of the topology, latencies, transactions and timers', '1')
    .option('--tx-size <bytes>', 'transaction body size', '250')
    .option(
      '--recon-interval <ms>',
      'Erlay: reconcile with each outbound peer this often (requests spaced ms / outbound)',
      '16000',
    )
    .option('--fanout-outbound <n>', 'Erlay: outbound reconciling peers a tx is flooded to', '1')
    .option('--fanout-inbound <share>', 'Erlay: share of inbound reconciling peers flooded', '0.1')
    .option('--fanout-only-flooded', 'Erlay: flood on only what arrived by flooding (paper rule)')
    .option('--table', 'also run the comparison at 8, 16 and 32 outbound connections')
    .option('--json', 'print the results as one JSON object')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  keel bitcoin relay-sim --json\n' +
        '  keel bitcoin relay-sim --nodes 500 --tx-rate 7 --table\n' +
        '  keel bitcoin relay-sim --tx-rate 7 --duration 20 --warmup 10 --window 10 --table\n',
    )
    .action(async (raw: unknown) => {
      process.exitCode = await (await handler()).relaySimHandler(
        parseOptions(relaySimOptionsSchema, raw),
      );
    });
}
