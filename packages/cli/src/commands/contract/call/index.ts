import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import { addTargetFlags } from '../target.ts';
import { callOptionsSchema } from './options.ts';

// the handler (ledger, runtime, asc) loads only when this command runs
export function callCommand(): Command {
  return addTargetFlags(new Command('call'))
    .description(
      'Call a method of a deployed contract as a transaction: from the developer account of a ' +
        'local state directory (--state), or signed with --secret-key-file and sent to a running ' +
        'node (--rpc), waiting for its block; --dry-run runs it without saving (with --rpc: the ' +
        "node's read-only contract_call, no key needed). " +
        'Prints {"status":"ok"|"revert"|"out_of_gas"|"trap","gasUsed",' +
        '"returnData","logs":[{address,topics,data}]} (hex strings; "error" when not ok). ' +
        'Exit code 0 whenever the call ran, whatever its status.',
    )
    .argument('<address>', 'contract address (64 hex characters)')
    .argument('<method>', 'exported () -> () function to call')
    .option('--args <hex>', 'call input (keel ABI, hex)')
    .requiredOption('--gas <n>', "the contract's gas limit (intrinsic transaction gas is added)")
    .option('--value <n>', 'native amount sent with the call', '0')
    .option('--dry-run', 'run without saving the resulting state')
    .option('--json', 'print the result as one JSON object')
    .action(async (address: string, method: string, raw: unknown) => {
      process.exitCode = await (await import('./handler.ts')).callHandler(
        address,
        method,
        parseOptions(callOptionsSchema, raw),
      );
    });
}
