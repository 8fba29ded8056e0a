import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import { inspectOptionsSchema } from './options.ts';

// the handler (ledger, runtime, asc) loads only when this command runs
export function inspectCommand(): Command {
  return new Command('inspect')
    .description(
      'Validate a WASM module and show what the runtime sees: code hash, methods, host imports, ' +
        'memory pages, instrumented size, largest stack-limiter frame. With --state, TARGET is ' +
        'the address of a deployed contract.',
    )
    .argument('<target>', 'FILE.wasm, or a contract address with --state')
    .option('--state <dir>', 'local state directory')
    .option('--json', 'print one JSON object')
    .action(async (target: string, raw: unknown) => {
      process.exitCode = await (await import('./handler.ts')).inspectHandler(
        target,
        parseOptions(inspectOptionsSchema, raw),
      );
    });
}
