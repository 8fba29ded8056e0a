import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import type * as Handler from './handler.ts';
import { replayOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

export function replayCommand(): Command {
  return new Command('replay')
    .description(
      'Re-validate block history from Bitcoin Core block files into a UTXO chainstate: every block ' +
        'fully validated (scripts and signatures included) along the most-work chain, with reorgs ' +
        "through undo data. Prints the tip, the UTXO-set MuHash (compare with Core's " +
        '`gettxoutsetinfo muhash`), the output count and total amount. Re-running resumes from the ' +
        'stored tip. Exit code 0 = done, 1 = stopped at an invalid block, a corrupt file or a ' +
        'checkpoint mismatch (everything before it is kept), 2 = bad arguments.',
    )
    .requiredOption(
      '--blocks <dir|file>',
      'a Core blocks/ directory (blk?????.dat, xor.dat honoured) or one file of magic+length+block records',
    )
    .option('--datadir <dir>', 'where the chainstate lives (default ~/.keel/<network>)')
    .option(
      '--network <name>',
      'auto | main | test | testnet4 | signet | regtest (auto: from the file magic)',
      'auto',
    )
    .option('--until <height>', 'stop after connecting this height')
    .option(
      '--checkpoints <file>',
      'verify the chain against this checkpoint file; stop at the first mismatch',
    )
    .option(
      '--write-checkpoints <file>',
      'append a checkpoint line every --every heights to this file',
    )
    .option('--every <n>', 'checkpoint interval for --write-checkpoints')
    .option('--dbcache <MB>', 'coin cache size before a flush, in MiB (like Core)', '450')
    .option('--workers <n>', 'script-check worker threads (0 = this thread)', '0')
    .option('--backend <name>', 'secp256k1 backend: auto | noble | libsecp256k1', 'auto')
    .option('--store <name>', 'chainstate database: lmdb | leveldb (fixed per datadir)', 'lmdb')
    .option('--flush-every <n>', 'also flush after every n connected blocks')
    .option('--progress', 'progress lines on stderr even when it is not a terminal (for logs)')
    .option('--json', 'print the final summary as one JSON object')
    .action(async (raw: unknown) => {
      process.exitCode = await (await handler()).replayHandler(
        parseOptions(replayOptionsSchema, raw),
      );
    });
}
