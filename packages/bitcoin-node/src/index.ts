// @keel/bitcoin-node: Bitcoin chain manager and historical block replay over @keel/bitcoin-store.
export {
  CHECKPOINTS_HEADER,
  type Checkpoint,
  type CheckpointFile,
  CheckpointMismatchError,
  checkpointFileHeader,
  formatCheckpoint,
  parseCheckpoints,
  verifyCheckpoint,
} from './checkpoints.ts';
export {
  currentCheckpoint,
  ReorgTooDeepError,
  type ReplayOptions,
  type ReplayProgress,
  type ReplaySummary,
  replay,
} from './replay.ts';
