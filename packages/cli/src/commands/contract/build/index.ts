import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import { buildOptionsSchema } from './options.ts';

// the handler (ledger, runtime, asc) loads only when this command runs
export function buildCommand(): Command {
  return new Command('build')
    .description(
      'Compile an AssemblyScript contract with the keel flags (stub runtime, abort routed to ' +
        'the SDK, start function exported as _initialize) and check that the runtime accepts ' +
        'it. The contract imports the SDK from @keel/contracts/assembly/sdk (relative path). ' +
        'With --examples, build the bundled example contracts.',
    )
    .argument('[file.ts]', 'the contract source')
    .option('-o, --out <file.wasm>', 'output path (default: FILE.wasm beside the source)')
    .option('--wat', 'also write the text format beside the output')
    .option('--examples', 'build the example contracts (token, counter, caller, loop)')
    .option('--json', 'print {name,path,bytes,codeHash,methods}')
    .action(async (file: string | undefined, raw: unknown) => {
      process.exitCode = await (await import('./handler.ts')).buildHandler(file, parseOptions(buildOptionsSchema, raw));
    });
}
