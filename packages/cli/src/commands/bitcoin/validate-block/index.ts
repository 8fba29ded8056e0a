import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import type * as Handler from './handler.ts';
import { validateBlockOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

export function validateBlockCommand(): Command {
  return new Command('validate-block')
    .description(
      'Validate one block: proof of work, CheckBlock, contextual block checks and, with --prevouts, ' +
        'every input (amounts, maturity, fees, sigops, scripts). Prints VALID or the first rule broken ' +
        "with Bitcoin Core's reject reason, transaction index and input index. Exit code 0 = valid, 1 = invalid.",
    )
    .argument(
      '<file>',
      'the block: raw bytes (.raw/.dat, optionally with a magic+length prefix) or hex text',
    )
    .option(
      '--prevouts <file.json>',
      'the outputs the block spends: JSON array of {prevTxid, prevVout, value, scriptPubKey, height?, coinbase?}',
    )
    .option('--network <name>', 'main | test | testnet4 | signet | regtest', 'main')
    .option('--height <n>', 'block height (default: the BIP34 height in the coinbase)')
    .option(
      '--flags <list>',
      "script flags, e.g. P2SH,WITNESS (default: Core's flags for the block)",
    )
    .option('--workers <n>', 'script-check threads (1 = this thread)', '1')
    .option('--backend <name>', 'secp256k1 backend: auto | noble | libsecp256k1', 'auto')
    .option('--json', 'print the verdict as one JSON object')
    .action(async (file: string, raw: unknown) => {
      process.exitCode = await (await handler()).validateBlockHandler(
        file,
        parseOptions(validateBlockOptionsSchema, raw),
      );
    });
}
