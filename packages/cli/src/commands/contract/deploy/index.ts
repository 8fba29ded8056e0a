import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import { addTargetFlags } from '../target.ts';
import { deployOptionsSchema } from './options.ts';

// the handler (ledger, runtime, asc) loads only when this command runs
export function deployCommand(): Command {
  return addTargetFlags(new Command('deploy'))
    .description(
      'Validate a WASM module (no floats, SIMD, threads, start function or foreign imports; ' +
        'memory and table limits) and deploy it: into a local state directory (--state) from its ' +
        'funded developer account, or to a running node (--rpc, signed with --secret-key-file), ' +
        'waiting for the block that commits it. If the module exports `init`, it runs once with ' +
        '--init-args. Prints {"address","codeHash"} (with --rpc also "txHash","height"); a ' +
        'rejected module or a failed init prints the reason and exits 1.',
    )
    .argument('<file.wasm>', 'the module')
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
