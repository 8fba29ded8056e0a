import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { bigintToRLPBytes, decodeRLP, encodeRLP, type RLPValue } from '@keel/evm';
import { concatBytes, isKeelError } from '@keel/util';
import { RollupError, RollupErrorCode } from '../errors.ts';
import { BATCH_VERSION, type BatchLimits, defaultBatchLimits } from '../params.ts';
import type { Batch, L2BlockData } from '../types.ts';

function fail(message: string, meta: Record<string, unknown> = {}): never {
  throw new RollupError(RollupErrorCode.INVALID_BATCH, message, meta);
}

function list(v: RLPValue, what: string): RLPValue[] {
  if (!Array.isArray(v)) fail(`${what} must be a list`);
  return v;
}

function bytes(v: RLPValue, what: string): Uint8Array {
  if (Array.isArray(v)) fail(`${what} must be a byte string`);
  return v as Uint8Array;
}

/** A canonical unsigned integer of at most 8 bytes (no leading zero). */
function uint64(v: RLPValue, what: string): bigint {
  const b = bytes(v, what);
  if (b.length > 8) fail(`${what} is longer than 8 bytes`, { length: b.length });
  if (b.length > 0 && b[0] === 0) fail(`${what} has a leading zero byte`);
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return n;
}

export function l2BlockToRLP(b: L2BlockData): RLPValue {
  return [
    bigintToRLPBytes(b.number),
    bigintToRLPBytes(b.timestamp),
    bigintToRLPBytes(b.l1Origin),
    [...b.txs],
  ];
}

export function l2BlockFromRLP(v: RLPValue, limits: BatchLimits = defaultBatchLimits): L2BlockData {
  const f = list(v, 'block');
  if (f.length !== 4) fail(`block has ${f.length} fields, expected 4`);
  const txs = list(f[3]!, 'block txs');
  if (txs.length > limits.maxTxsPerBlock) {
    fail(`block has ${txs.length} transactions, limit ${limits.maxTxsPerBlock}`);
  }
  return {
    number: uint64(f[0]!, 'block number'),
    timestamp: uint64(f[1]!, 'block timestamp'),
    l1Origin: uint64(f[2]!, 'block l1Origin'),
    txs: txs.map((t, i) => {
      const raw = bytes(t, `tx ${i}`);
      if (raw.length === 0) fail(`tx ${i} is empty`);
      return raw;
    }),
  };
}

/** The uncompressed body: `rlp([index, parentHash, blocks])`. */
export function encodeBatchBody(batch: Batch): Uint8Array {
  return encodeRLP([
    bigintToRLPBytes(batch.index),
    batch.parentHash,
    batch.blocks.map(l2BlockToRLP),
  ]);
}

/**
 * `0x01 ‖ deflateRaw(body)`. zlib's output for a given input and level is fixed for the bundled
 * zlib version; only decoding is consensus (any valid deflate stream is accepted).
 */
export function encodeBatch(batch: Batch, level = 9): Uint8Array {
  const z = deflateRawSync(encodeBatchBody(batch), { level });
  return concatBytes(new Uint8Array([BATCH_VERSION]), new Uint8Array(z));
}

function inflateBounded(data: Uint8Array, max: number): Uint8Array {
  try {
    return new Uint8Array(inflateRawSync(data, { maxOutputLength: max }));
  } catch (e) {
    const tooBig = (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new RollupError(
      tooBig ? RollupErrorCode.LIMIT_EXCEEDED : RollupErrorCode.INVALID_BATCH,
      tooBig
        ? `batch inflates beyond ${max} bytes`
        : `batch is not a valid deflate stream: ${(e as Error).message}`,
    );
  }
}

/** Decodes `0x01 ‖ deflateRaw(rlp([index, parentHash, blocks]))` within `limits`. */
export function decodeBatch(data: Uint8Array, limits: BatchLimits = defaultBatchLimits): Batch {
  if (data.length < 2) fail(`batch is ${data.length} bytes`);
  if (data[0] !== BATCH_VERSION) fail(`unknown batch version ${data[0]}`);
  const body = inflateBounded(data.subarray(1), limits.maxBatchBytes);
  let v: RLPValue;
  try {
    v = decodeRLP(body, { maxItems: limits.maxBlocks * (limits.maxTxsPerBlock + 8) });
  } catch (e) {
    if (isKeelError(e)) fail(`batch body is not canonical RLP: ${e.message}`);
    throw e;
  }
  const f = list(v, 'batch');
  if (f.length !== 3) fail(`batch has ${f.length} fields, expected 3`);
  const parentHash = bytes(f[1]!, 'parentHash');
  if (parentHash.length !== 32) fail(`parentHash is ${parentHash.length} bytes`);
  const blocks = list(f[2]!, 'blocks');
  if (blocks.length === 0) fail('batch has no blocks');
  if (blocks.length > limits.maxBlocks) {
    fail(`batch has ${blocks.length} blocks, limit ${limits.maxBlocks}`);
  }
  return {
    index: uint64(f[0]!, 'batch index'),
    parentHash,
    blocks: blocks.map((b) => l2BlockFromRLP(b, limits)),
  };
}
