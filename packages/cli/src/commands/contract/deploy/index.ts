import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import { deployOptionsSchema } from './options.ts';

// the handler (ledger, runtime, asc) loads only when this command runs
export function deployCommand(): Command {
  return new Command('deploy')
    .description(
      'Validate a WASM module (no floats, SIMD, threads, start function or foreign imports; ' +
        'memory and table limits) and deploy it into the local state directory from its ' +
        'funded developer account. If the module exports `init`, it runs once with --init-args. ' +
        'Prints {"address","codeHash"}; a rejected module prints the reason and exits 1.',
    )
    .argument('<file.wasm>', 'the module')
    .requiredOption('--state <dir>', 'local state directory (created on first use)')
    .option('--init-args <hex>', 'input of the init method (keel ABI, hex)')
    .option('--gas <n>', 'gas for init, on top of the deploy cost', '10000000')
    .option('--json', 'print {"address","codeHash"} (or {"error":{code,message}})')
    .action(async (file: string, raw: unknown) => {
      process.exitCode = await (await import('./handler.ts')).deployHandler(
        file,
        parseOptions(deployOptionsSchema, raw),
      );
    });
}
