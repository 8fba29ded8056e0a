import { Command } from 'commander';
import { simulateCommand } from './simulate/index.ts';

/** `keel chain …`: the BFT proof-of-stake chain (more subcommands arrive with the node). */
export function chainCommand(): Command {
  return new Command('chain')
    .description('The BFT proof-of-stake chain: consensus simulation (node commands come later).')
    .addCommand(simulateCommand());
}
