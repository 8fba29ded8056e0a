import { Command } from 'commander';
import { jdClientCommand } from './jdClient/index.ts';
import { minerCommand } from './miner/index.ts';
import { poolCommand } from './pool/index.ts';
import { proxyCommand } from './proxy/index.ts';
import { translatorCommand } from './translator/index.ts';

/** `keel stratum …`: Stratum V2 pool and miner. */
export function stratumCommand(): Command {
  return new Command('stratum')
    .description(
      'Stratum V2 mining: an encrypted (Noise) pool with SV1 translation, a CPU miner, a mining proxy and an SV1→SV2 translator.',
    )
    .addCommand(poolCommand())
    .addCommand(minerCommand())
    .addCommand(proxyCommand())
    .addCommand(jdClientCommand())
    .addCommand(translatorCommand());
}
