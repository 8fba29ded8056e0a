import { Command } from 'commander';
import { parseOptions } from '../../../options.ts';
import type * as Handler from './handler.ts';
import { verifyWitnessOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

export function verifyWitnessCommand(): Command {
  return new Command('verify-witness')
    .description(
      'Statelessly verify an EIP-6800 execution witness (go-verkle / rust-verkle JSON) against the ' +
        "parent block's state root: rebuild the partial pre-state tree from the proof and check the " +
        'IPA multiproof of every pre-state value and absence. Prints VALID or INVALID with the reason. ' +
        'Exit code 0 = valid, 1 = invalid, 2 = unusable input.',
    )
    .argument(
      '[file]',
      'JSON: {executionWitness, parent_state_root}, a bare {stateDiff, verkleProof}, or a file with ' +
        'an execution_witnesses array (pick one with --name)',
    )
    .option('--file <file>', 'the witness file (same as the argument)')
    .option(
      '--rpc <url>',
      "fetch block witnesses from a node's verkle_getWitness and each parent's stateRoot from " +
        'eth_getBlockByNumber, then check them here without any node state',
    )
    .option('--block <n|a-b>', 'with --rpc: the block number or an inclusive range A-B')
    .option('--pre-state-root <hex>', "the parent's 32-byte state root (overrides the file's)")
    .option('--name <name>', 'which entry of an execution_witnesses array to check')
    .option('--json', 'print the verdict as one JSON object')
    .action(async (file: string | undefined, raw: unknown) => {
      process.exitCode = await (await handler()).verifyWitnessHandler(
        file,
        parseOptions(verifyWitnessOptionsSchema, raw),
      );
    });
}
