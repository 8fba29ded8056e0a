import { Command } from 'commander';

/** `keel rollup …`: the L2 rollup node on the keel chain (issue #20). */
export function rollupCommand(): Command {
  return new Command('rollup').description(
    'L2 rollup on the keel chain: a sequencer or verifier node (`keel rollup run`).',
  );
}
