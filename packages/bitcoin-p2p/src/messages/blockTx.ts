import {
  type Block,
  type DecodeLimits,
  encodeBlock,
  encodeTransaction,
  readBlock,
  readTransaction,
  type Transaction,
} from '@keel/bitcoin/primitives';
import { defaultP2PLimits, type P2PLimits } from '../limits.ts';
import { decodeWith } from './_codec.ts';

function txLimits(limits: P2PLimits): DecodeLimits {
  return { maxSize: limits.maxPayload, maxItemSize: limits.maxPayload };
}

/** block: a full block with witnesses (BIP144 serialization), within the payload limit. */
export function decodeBlockPayload(bytes: Uint8Array, limits: P2PLimits = defaultP2PLimits): Block {
  return decodeWith('block', bytes, 'disconnect', (r) => readBlock(r, txLimits(limits)));
}

export function encodeBlockPayload(block: Block): Uint8Array {
  return encodeBlock(block, true);
}

/** tx: one transaction with witness (BIP144 serialization). */
export function decodeTxPayload(
  bytes: Uint8Array,
  limits: P2PLimits = defaultP2PLimits,
): Transaction {
  return decodeWith('tx', bytes, 'disconnect', (r) => readTransaction(r, txLimits(limits)));
}

export function encodeTxPayload(tx: Transaction): Uint8Array {
  return encodeTransaction(tx, true);
}
