export {
  bigIntToBytes,
  bigIntToBytesLE,
  bytesToBigInt,
  bytesToBigIntLE,
  bytesToHex,
  bytesToUtf8,
  compareBytes,
  concatBytes,
  copyBytes,
  equalBytes,
  hexToBytes,
  isHex,
  reverseBytes,
  utf8ToBytes,
} from './bytes.ts';
export {
  DecodeError,
  DecodeErrorCode,
  type ErrorMeta,
  InvalidArgumentError,
  InvariantError,
  invariant,
  isKeelError,
  KeelError,
} from './errors.ts';
export {
  type BenchHarness,
  type BenchMain,
  type BenchRow,
  type Clock,
  type Logger,
  type LogLevel,
  type MetricCounter,
  type MetricGauge,
  type MetricHistogram,
  type Metrics,
  nullLogger,
  type Startable,
} from './interfaces.ts';
export { type KvOp, type KvStore, MemoryKvStore } from './kvStore.ts';
export { BufferReader, MAX_COMPACT_SIZE } from './reader.ts';
export { SeededRng } from './rng.ts';
export { BufferWriter, compactSizeLength, encodeCompactSize } from './writer.ts';
