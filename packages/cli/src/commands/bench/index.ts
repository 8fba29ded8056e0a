import { Command } from 'commander';
import { parseOptions } from '../../options.ts';
import type * as Handler from './handler.ts';
import { benchOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

export function benchCommand(): Command {
  return new Command('bench')
    .description(
      'Run a benchmark. Prints one JSON object per line: {bench, metric, value, unit, anchor, anchorValue, ratio}; ' +
        'anchors (e.g. the native library) are measured in the same run. Without a name, lists benchmarks.',
    )
    .argument('[name]', 'benchmark name (e.g. crypto)')
    .option('--ms <n>', 'target milliseconds per measurement', '1000')
    .option('--quick', 'short run with scaled-down sizes (smoke test)')
    .option('--json', 'JSON lines on stdout (the default; progress goes to stderr)')
    .action(async (name: string | undefined, raw: unknown) => {
      process.exitCode = await (await handler()).benchHandler(
        name,
        parseOptions(benchOptionsSchema, raw),
      );
    });
}
