import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import type * as Handler from './handler.ts';
import { initGenesisOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

export function initGenesisCommand(): Command {
  return new Command('init-genesis')
    .description(
      'Create a genesis file (chain id, validators with stakes and BLS/VRF keys with proofs of ' +
        'possession, funded accounts) and one encrypted key file per validator ' +
        '(scrypt + ChaCha20-Poly1305 with the passphrase from --passphrase-file).',
    )
    .requiredOption(
      '--out <dir>',
      'directory to write genesis.json, validator-<i>/keys.json, accounts.json',
    )
    .requiredOption(
      '--passphrase-file <file>',
      'file holding the passphrase that encrypts the keys',
    )
    .option('--validators <n>', 'number of validators', '4')
    .option('--stake <units>', 'stake per validator', '1000')
    .option('--chain-id <id>', 'chain id', 'keel-devnet')
    .option('--accounts <n>', 'funded accounts to create', '8')
    .option('--balance <units>', 'balance of each funded account', '1000000000')
    .option('--seed <hex>', '32-byte hex seed for deterministic keys (tests only)')
    .option('--json', 'print the result as JSON')
    .action(async (raw: unknown) => {
      process.exitCode = await (await handler()).initGenesisHandler(
        parseOptions(initGenesisOptionsSchema, raw),
      );
    });
}
