import { Command } from 'commander';
import { initGenesisCommand } from './init-genesis/index.ts';
import { keysCommand } from './keys/index.ts';
import { peersCommand } from './peers/index.ts';
import { runCommand } from './run/index.ts';
import { simulateCommand } from './simulate/index.ts';
import { snapshotsCommand } from './snapshots/index.ts';
import { txCommand } from './tx/index.ts';

/** `keel chain …`: the BFT proof-of-stake chain. */
export function chainCommand(): Command {
  return new Command('chain')
    .description('The BFT proof-of-stake chain: genesis, nodes, and consensus simulation.')
    .addCommand(initGenesisCommand())
    .addCommand(runCommand())
    .addCommand(peersCommand())
    .addCommand(keysCommand())
    .addCommand(txCommand())
    .addCommand(snapshotsCommand())
    .addCommand(simulateCommand());
}
