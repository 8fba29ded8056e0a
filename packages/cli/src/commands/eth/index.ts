import { Command } from 'commander';
import { verifyWitnessCommand } from './verify-witness/index.ts';

/** `keel eth …`: Ethereum tools. */
export function ethCommand(): Command {
  return new Command('eth')
    .description('Ethereum tools: stateless checks of EIP-6800 verkle execution witnesses.')
    .addCommand(verifyWitnessCommand());
}
