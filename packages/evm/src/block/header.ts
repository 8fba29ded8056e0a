import { keccak256 } from '@keel/crypto/hashes';
import { EvmError, EvmErrorCode } from '../errors.ts';
import {
  bigintToRLPBytes,
  decodeRLP,
  encodeRLP,
  type RLPInput,
  type RLPValue,
  rlpBytes,
  rlpBytesToBigint,
  rlpList,
} from '../rlp/index.ts';
import type { Address } from '../tx/types.ts';

/**
 * An execution-layer block header from London on. The fields a fork added are `undefined` in
 * headers of earlier forks: `withdrawalsRoot` (Shanghai, EIP-4895), `blobGasUsed`,
 * `excessBlobGas` and `parentBeaconBlockRoot` (Cancun, EIP-4844 and EIP-4788). Which of them a
 * header must carry is checked against the fork by `validateHeader`, not by the codec.
 */
export interface BlockHeader {
  readonly parentHash: Uint8Array;
  readonly ommersHash: Uint8Array;
  readonly coinbase: Address;
  readonly stateRoot: Uint8Array;
  readonly transactionsRoot: Uint8Array;
  readonly receiptsRoot: Uint8Array;
  /** 256 bytes: the 2048-bit bloom of every log address and topic in the block. */
  readonly logsBloom: Uint8Array;
  readonly difficulty: bigint;
  readonly number: bigint;
  readonly gasLimit: bigint;
  readonly gasUsed: bigint;
  readonly timestamp: bigint;
  readonly extraData: Uint8Array;
  /** `mixHash` before the merge; the beacon chain's RANDAO mix after it (EIP-4399). */
  readonly prevRandao: Uint8Array;
  /** 8 bytes. */
  readonly nonce: Uint8Array;
  readonly baseFeePerGas: bigint | undefined;
  readonly withdrawalsRoot: Uint8Array | undefined;
  readonly blobGasUsed: bigint | undefined;
  readonly excessBlobGas: bigint | undefined;
  readonly parentBeaconBlockRoot: Uint8Array | undefined;
}

/** Fields of a London header (the minimum this codec takes) and of a Cancun one (the maximum). */
const LONDON_FIELDS = 16;
const CANCUN_FIELDS = 20;

function fixed(v: RLPValue, field: string, length: number): Uint8Array {
  const b = rlpBytes(v, field);
  if (b.length !== length) {
    throw new EvmError(
      EvmErrorCode.BLOCK_INVALID,
      `header ${field}: ${b.length} bytes, expected ${length}`,
      {
        field,
      },
    );
  }
  return b;
}

/** Big-endian integer without leading zeros, at most `maxBytes` long. */
function uint(v: RLPValue, field: string, maxBytes: number): bigint {
  return rlpBytesToBigint(rlpBytes(v, field), `header ${field}`, maxBytes);
}

/** Decodes a header from its RLP list (as it sits inside a block). */
export function headerFromRLP(v: RLPValue): BlockHeader {
  const f = rlpList(v, 'header');
  if (f.length < LONDON_FIELDS || f.length > CANCUN_FIELDS) {
    throw new EvmError(
      EvmErrorCode.BLOCK_INVALID,
      `header has ${f.length} fields, expected ${LONDON_FIELDS} to ${CANCUN_FIELDS} (London to Cancun)`,
    );
  }
  const at = (i: number) => f[i]!;
  const opt = <T>(i: number, read: (x: RLPValue) => T): T | undefined =>
    i < f.length ? read(at(i)) : undefined;
  return {
    parentHash: fixed(at(0), 'parentHash', 32),
    ommersHash: fixed(at(1), 'ommersHash', 32),
    coinbase: fixed(at(2), 'coinbase', 20),
    stateRoot: fixed(at(3), 'stateRoot', 32),
    transactionsRoot: fixed(at(4), 'transactionsRoot', 32),
    receiptsRoot: fixed(at(5), 'receiptsRoot', 32),
    logsBloom: fixed(at(6), 'logsBloom', 256),
    difficulty: uint(at(7), 'difficulty', 32),
    number: uint(at(8), 'number', 8),
    gasLimit: uint(at(9), 'gasLimit', 8),
    gasUsed: uint(at(10), 'gasUsed', 8),
    timestamp: uint(at(11), 'timestamp', 8),
    extraData: rlpBytes(at(12), 'header extraData'),
    prevRandao: fixed(at(13), 'mixHash', 32),
    nonce: fixed(at(14), 'nonce', 8),
    baseFeePerGas: uint(at(15), 'baseFeePerGas', 32),
    withdrawalsRoot: opt(16, (x) => fixed(x, 'withdrawalsRoot', 32)),
    blobGasUsed: opt(17, (x) => uint(x, 'blobGasUsed', 8)),
    excessBlobGas: opt(18, (x) => uint(x, 'excessBlobGas', 8)),
    parentBeaconBlockRoot: opt(19, (x) => fixed(x, 'parentBeaconBlockRoot', 32)),
  };
}

/** Decodes a header from its RLP bytes. */
export function decodeHeader(bytes: Uint8Array): BlockHeader {
  return headerFromRLP(decodeRLP(bytes));
}

/**
 * The header as an RLP list. Optional fields are written up to the last one present; a field
 * missing before a present one cannot be encoded (RLP lists have no holes).
 */
export function headerToRLP(h: BlockHeader): RLPInput[] {
  const out: RLPInput[] = [
    h.parentHash,
    h.ommersHash,
    h.coinbase,
    h.stateRoot,
    h.transactionsRoot,
    h.receiptsRoot,
    h.logsBloom,
    bigintToRLPBytes(h.difficulty),
    bigintToRLPBytes(h.number),
    bigintToRLPBytes(h.gasLimit),
    bigintToRLPBytes(h.gasUsed),
    bigintToRLPBytes(h.timestamp),
    h.extraData,
    h.prevRandao,
    h.nonce,
  ];
  const optional: (RLPInput | undefined)[] = [
    h.baseFeePerGas === undefined ? undefined : bigintToRLPBytes(h.baseFeePerGas),
    h.withdrawalsRoot,
    h.blobGasUsed === undefined ? undefined : bigintToRLPBytes(h.blobGasUsed),
    h.excessBlobGas === undefined ? undefined : bigintToRLPBytes(h.excessBlobGas),
    h.parentBeaconBlockRoot,
  ];
  let last = optional.length - 1;
  while (last >= 0 && optional[last] === undefined) last--;
  for (let i = 0; i <= last; i++) {
    const v = optional[i];
    if (v === undefined) {
      throw new EvmError(
        EvmErrorCode.INVALID_ARGUMENT,
        'header has a later optional field without an earlier one; it cannot be RLP-encoded',
      );
    }
    out.push(v);
  }
  return out;
}

export function encodeHeader(h: BlockHeader): Uint8Array {
  return encodeRLP(headerToRLP(h));
}

/** keccak256 of the header's RLP: the block hash. */
export function headerHash(h: BlockHeader): Uint8Array {
  return keccak256(encodeHeader(h));
}
