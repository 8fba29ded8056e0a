import { Command } from 'commander';
import { parseOptions } from '../../options.ts';
import type * as Handler from './handler.ts';
import { conformanceOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

export function conformanceCommand(): Command {
  return new Command('conformance')
    .description(
      'Run a conformance suite over the shared test vectors and report passed/failed/skipped. ' +
        "Exits 0 only when nothing failed. Use 'all' to run every suite, or --list to see them.",
    )
    .argument('[suite]', "suite name (e.g. bip340, bls, bitcoin-script) or 'all'")
    .option('--vectors <dir>', 'vectors folder (default: $KEEL_VECTORS, then ../shared/vectors)')
    .option('--backend <name>', 'run only this backend/variant (e.g. noble, libsecp256k1, blst)')
    .option(
      '--json',
      'print one JSON object per suite: {suite, passed, failed, skipped, failures, skips}',
    )
    .option('--list', 'list the suites with their case counts')
    .action(async (suite: string | undefined, raw: unknown) => {
      process.exitCode = await (await handler()).conformanceHandler(
        suite,
        parseOptions(conformanceOptionsSchema, raw),
      );
    });
}
