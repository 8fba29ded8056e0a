import { Command } from 'commander';
import { buildCommand } from './build/index.ts';
import { callCommand } from './call/index.ts';
import { deployCommand } from './deploy/index.ts';
import { inspectCommand } from './inspect/index.ts';

/** `keel contract …`: build, deploy, call and inspect WASM contracts against a local state directory. */
export function contractCommand(): Command {
  return new Command('contract')
    .description('WASM contracts: build, deploy, call and inspect against a local state directory.')
    .addCommand(buildCommand())
    .addCommand(deployCommand())
    .addCommand(callCommand())
    .addCommand(inspectCommand());
}
