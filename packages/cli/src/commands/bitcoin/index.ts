import { Command } from 'commander';
import { nodeCommand } from './node/index.ts';
import { relaySimCommand } from './relay-sim/index.ts';
import { replayCommand } from './replay/index.ts';
import { validateBlockCommand } from './validate-block/index.ts';

/** `keel bitcoin …`: Bitcoin validation commands. */
export function bitcoinCommand(): Command {
  return new Command('bitcoin')
    .description(
      'Bitcoin full validation: check blocks against consensus rules as Bitcoin Core does.',
    )
    .addCommand(validateBlockCommand())
    .addCommand(replayCommand())
    .addCommand(nodeCommand())
    .addCommand(relaySimCommand());
}
