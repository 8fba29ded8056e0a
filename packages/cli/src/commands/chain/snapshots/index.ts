import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import type * as Handler from './handler.ts';
import { createOptionsSchema, listOptionsSchema, loadOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

export function snapshotsCommand(): Command {
  const create = new Command('create')
    .description(
      "Write the ledger state at the datadir's committed tip to <datadir>/snapshots/<h>/.",
    )
    .requiredOption('--datadir <dir>', 'node data directory (stop the node first)')
    .option('--json', 'print as JSON')
    .action(async (raw: unknown) => {
      process.exitCode = await (await handler()).createHandler(
        parseOptions(createOptionsSchema, raw),
      );
    });
  const list = new Command('list')
    .description('List the snapshots in a datadir.')
    .requiredOption('--datadir <dir>', 'node data directory')
    .option('--json', 'print as JSON')
    .action(async (raw: unknown) => {
      process.exitCode = (await handler()).listHandler(parseOptions(listOptionsSchema, raw));
    });
  const load = new Command('load')
    .description(
      'Start a fresh datadir from a snapshot, verified against certified blocks: block h+1 ' +
        'carries the state root after h and block h+2’s QC (checked against the genesis ' +
        'validators) certifies it. Missing proof blocks are fetched from --rpc.',
    )
    .requiredOption('--datadir <dir>', 'fresh node data directory')
    .requiredOption('--snapshot <dir>', 'snapshot directory (with meta.json)')
    .requiredOption('--genesis <file>', 'genesis file')
    .option('--rpc <url>', 'a node to fetch blocks h+1, h+2 from')
    .option('--json', 'print as JSON')
    .action(async (raw: unknown) => {
      process.exitCode = await (await handler()).loadHandler(parseOptions(loadOptionsSchema, raw));
    });
  return new Command('snapshots')
    .description('Ledger state snapshots: create, list, load (verified).')
    .addCommand(create)
    .addCommand(list)
    .addCommand(load);
}
