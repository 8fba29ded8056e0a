import type { Command } from 'commander';

/**
 * The blob retention and blob-pool flags, shared by `keel chain run` and `keel devnet` (where each
 * node gets them); `scope` ends the per-node descriptions (' per node' for the devnet).
 */
export function addBlobFlags(cmd: Command, scope = ''): Command {
  return cmd
    .option(
      '--blob-retention-blocks <n>',
      `keep committed blob sidecars this many blocks${scope}, then prune`,
      '131072',
    )
    .option('--blob-pool-max-txs <n>', `most pending blob transactions${scope}`, '10000')
    .option('--blob-pool-max-blobs <n>', `most pending blobs${scope} (128 KiB each)`, '20000')
    .option('--blob-pool-max-per-sender <n>', 'most pending blob transactions per sender', '16')
    .option(
      '--blob-pool-replace-bump-percent <n>',
      'a blob-tx replacement raises both fee caps by this much',
      '100',
    );
}
