import { Command } from 'commander';

/** `keel contract …`: build, deploy, call and inspect WASM contracts against a local state directory. */
export function contractCommand(): Command {
  return new Command('contract').description(
    'WASM contracts: build, deploy, call and inspect against a local state directory.',
  );
}
