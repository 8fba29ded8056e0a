import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import type * as Handler from './handler.ts';
import { simulateOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

export function simulateCommand(): Command {
  return new Command('simulate')
    .description(
      'Run the consensus protocol (real BLS signatures, ECVRF leaders) in the deterministic ' +
        'Byzantine network simulator over many seeds. Reports {seeds, safetyViolations, ' +
        'livenessFailures, medianViewsToCommit, p99ViewsToCommit, messagesPerView}; exits 1 on ' +
        'any violation and prints the command that reproduces each failing seed.',
    )
    .option('--validators <n>', 'number of validators (equal stake)', '4')
    .option('--byzantine <f>', 'Byzantine validators, each with a behaviour (3f < n)', '0')
    .option('--seeds <k>', 'how many seeds to run', '10')
    .option('--views <v>', 'views to simulate per seed', '30')
    .option('--seed-start <s>', 'first seed', '1')
    .option('--election <kind>', 'leader election: ecvrf | round-robin', 'ecvrf')
    .option('--backend <name>', 'BLS backend: blst | noble', 'blst')
    .option('--loss <p>', 'per-message loss probability', '0')
    .option('--duplication <p>', 'per-message duplication probability', '0')
    .option('--json', 'print the report as one JSON object')
    .option(
      '--churn',
      'staking epochs with churn: validators join, leave, are slashed from gossiped evidence, ' +
        'jailed and rejoin (8-block epochs); adds the slashing checker',
    )
    .action(async (raw: unknown) => {
      process.exitCode = await (await handler()).simulateHandler(
        parseOptions(simulateOptionsSchema, raw),
      );
    });
}
