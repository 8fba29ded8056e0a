import { isKeelError } from '@keel/util';
import { Command, CommanderError } from 'commander';
import { benchCommand } from './commands/bench/index.ts';
import { bitcoinCommand } from './commands/bitcoin/index.ts';
import { chainCommand } from './commands/chain/index.ts';
import { conformanceCommand } from './commands/conformance/index.ts';
import { contractCommand } from './commands/contract/index.ts';
import { dashboardCommand } from './commands/dashboard/index.ts';
import { devnetCommand } from './commands/devnet/index.ts';
import { ethCommand } from './commands/eth/index.ts';
import { rollupCommand } from './commands/rollup/index.ts';
import { stratumCommand } from './commands/stratum/index.ts';
import { CliError } from './errors.ts';

export function createProgram(): Command {
  const program = new Command('keel')
    .description(
      'Run real blockchain systems end to end: Bitcoin full validation, Stratum V2 mining and a BFT proof-of-stake chain.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.addCommand(conformanceCommand());
  program.addCommand(benchCommand());
  program.addCommand(chainCommand());
  program.addCommand(bitcoinCommand());
  program.addCommand(stratumCommand());
  program.addCommand(contractCommand());
  program.addCommand(devnetCommand());
  program.addCommand(dashboardCommand());
  program.addCommand(ethCommand());
  program.addCommand(rollupCommand());
  return program;
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit with 0; usage errors were already printed by commander
      return e.exitCode;
    }
    if (e instanceof CliError) {
      process.stderr.write(`keel: ${e.message}\n`);
      return e.exitCode;
    }
    if (isKeelError(e)) {
      process.stderr.write(`keel: ${e.name} ${e.code}: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(
      `keel: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return 1;
  }
}
