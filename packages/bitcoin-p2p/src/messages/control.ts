import { BufferWriter } from '@keel/util';
import { decodeWith } from './_codec.ts';
import type { SendCmpctPayload, SendTxRcnclPayload } from './types.ts';

/**
 * Messages without a payload (verack, wtxidrelay, sendaddrv2, sendheaders, mempool, getaddr).
 * Core reads nothing from them, so any bytes sent along are ignored.
 */
export function decodeEmpty(command: string, bytes: Uint8Array): null {
  return decodeWith(command, bytes, 'disconnect', () => null);
}

export function encodeEmpty(): Uint8Array {
  return new Uint8Array(0);
}

/** BIP152 sendcmpct: bool announce, uint64 version. */
export function decodeSendCmpctPayload(bytes: Uint8Array): SendCmpctPayload {
  return decodeWith('sendcmpct', bytes, 'disconnect', (r) => ({
    announce: r.u8() !== 0,
    version: r.u64le(),
  }));
}

export function encodeSendCmpctPayload(p: SendCmpctPayload): Uint8Array {
  return new BufferWriter(9)
    .u8(p.announce ? 1 : 0)
    .u64le(p.version)
    .finish();
}

/** BIP133 feefilter: int64 satoshis per 1000 virtual bytes. */
export function decodeFeeFilter(bytes: Uint8Array): bigint {
  return decodeWith('feefilter', bytes, 'disconnect', (r) => r.i64le());
}

export function encodeFeeFilter(feeRate: bigint): Uint8Array {
  return new BufferWriter(8).i64le(feeRate).finish();
}

/** BIP330 sendtxrcncl: uint32 version, uint64 salt. */
export function decodeSendTxRcncl(bytes: Uint8Array): SendTxRcnclPayload {
  return decodeWith('sendtxrcncl', bytes, 'disconnect', (r) => ({
    version: r.u32le(),
    salt: r.u64le(),
  }));
}

export function encodeSendTxRcncl(p: SendTxRcnclPayload): Uint8Array {
  return new BufferWriter(12).u32le(p.version).u64le(p.salt).finish();
}

/** BIP31 ping/pong: uint64 nonce. */
export function decodeNonce(command: 'ping' | 'pong', bytes: Uint8Array): bigint {
  return decodeWith(command, bytes, 'disconnect', (r) => r.u64le());
}

export function encodeNonce(nonce: bigint): Uint8Array {
  return new BufferWriter(8).u64le(nonce).finish();
}
