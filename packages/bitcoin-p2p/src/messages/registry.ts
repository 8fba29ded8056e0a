import {
  type CompactCodecLimits,
  decodeBlockTxn,
  decodeCmpctBlock,
  decodeGetBlockTxn,
  encodeBlockTxn,
  encodeCmpctBlock,
  encodeGetBlockTxn,
} from '../bip152/codec.ts';
import {
  decodeReconcilDiff,
  decodeReqRecon,
  decodeSketch,
  encodeReconcilDiff,
  encodeReqRecon,
  encodeSketch,
} from '../erlay/messages.ts';
import { P2PError, P2PErrorCode } from '../errors.ts';
import { defaultP2PLimits, type P2PLimits } from '../limits.ts';
import { decodeAddr, decodeAddrV2, encodeAddr, encodeAddrV2 } from './addr.ts';
import {
  decodeBlockPayload,
  decodeTxPayload,
  encodeBlockPayload,
  encodeTxPayload,
} from './blockTx.ts';
import {
  decodeEmpty,
  decodeFeeFilter,
  decodeNonce,
  decodeSendCmpctPayload,
  decodeSendTxRcncl,
  encodeEmpty,
  encodeFeeFilter,
  encodeNonce,
  encodeSendCmpctPayload,
  encodeSendTxRcncl,
} from './control.ts';
import { decodeHeaders, encodeHeaders } from './headers.ts';
import { decodeInv, encodeInv } from './inv.ts';
import { decodeLocator, encodeLocator } from './locator.ts';
import type { P2PCommand, P2PMessage, P2PMessageOf, P2PPayloads } from './types.ts';
import { decodeVersion, encodeVersion } from './version.ts';

interface Codec<C extends P2PCommand> {
  encode(payload: P2PPayloads[C]): Uint8Array;
  decode(bytes: Uint8Array, limits: P2PLimits): P2PPayloads[C];
}

const empty = <C extends P2PCommand>(command: C): Codec<C> =>
  ({
    encode: encodeEmpty,
    decode: (b: Uint8Array) => decodeEmpty(command, b),
  }) as unknown as Codec<C>;

/** One codec per command Core speaks (net_processing.cpp), keyed by the command string. */
const CODECS: { readonly [C in P2PCommand]: Codec<C> } = {
  version: { encode: encodeVersion, decode: decodeVersion },
  verack: empty('verack'),
  wtxidrelay: empty('wtxidrelay'),
  sendaddrv2: empty('sendaddrv2'),
  sendheaders: empty('sendheaders'),
  mempool: empty('mempool'),
  getaddr: empty('getaddr'),
  addr: { encode: encodeAddr, decode: decodeAddr },
  addrv2: { encode: encodeAddrV2, decode: decodeAddrV2 },
  sendcmpct: { encode: encodeSendCmpctPayload, decode: decodeSendCmpctPayload },
  feefilter: { encode: encodeFeeFilter, decode: decodeFeeFilter },
  ping: { encode: encodeNonce, decode: (b) => decodeNonce('ping', b) },
  pong: { encode: encodeNonce, decode: (b) => decodeNonce('pong', b) },
  inv: { encode: (p) => encodeInv('inv', p), decode: (b, l) => decodeInv('inv', b, l) },
  getdata: { encode: (p) => encodeInv('getdata', p), decode: (b, l) => decodeInv('getdata', b, l) },
  notfound: {
    encode: (p) => encodeInv('notfound', p),
    decode: (b, l) => decodeInv('notfound', b, l),
  },
  getheaders: {
    encode: (p) => encodeLocator('getheaders', p),
    decode: (b, l) => decodeLocator('getheaders', b, l),
  },
  getblocks: {
    encode: (p) => encodeLocator('getblocks', p),
    decode: (b, l) => decodeLocator('getblocks', b, l),
  },
  headers: { encode: encodeHeaders, decode: decodeHeaders },
  block: { encode: encodeBlockPayload, decode: decodeBlockPayload },
  tx: { encode: encodeTxPayload, decode: decodeTxPayload },
  sendtxrcncl: { encode: encodeSendTxRcncl, decode: decodeSendTxRcncl },
  reqrecon: { encode: encodeReqRecon, decode: decodeReqRecon },
  sketch: { encode: encodeSketch, decode: decodeSketch },
  reqsketchext: empty('reqsketchext'),
  reconcildiff: { encode: encodeReconcilDiff, decode: decodeReconcilDiff },
  cmpctblock: { encode: encodeCmpctBlock, decode: (b, l) => decodeCmpctBlock(b, compact(l)) },
  getblocktxn: { encode: encodeGetBlockTxn, decode: (b, l) => decodeGetBlockTxn(b, compact(l)) },
  blocktxn: { encode: encodeBlockTxn, decode: (b, l) => decodeBlockTxn(b, compact(l)) },
};

function compact(l: P2PLimits): CompactCodecLimits {
  return { maxPayload: l.maxPayload, tx: { maxSize: l.maxPayload, maxItemSize: l.maxPayload } };
}

/** Every command with a codec, in a stable order. */
export const P2P_COMMANDS: readonly P2PCommand[] = Object.keys(CODECS) as P2PCommand[];

export function isKnownCommand(command: string): command is P2PCommand {
  return Object.hasOwn(CODECS, command);
}

/** The payload bytes of `msg` (framing is v1.ts's or v2/'s job). */
export function encodeMessage(msg: P2PMessage): Uint8Array {
  const codec = CODECS[msg.command] as Codec<P2PCommand>;
  const bytes = codec.encode(msg.payload);
  if (bytes.length > defaultP2PLimits.maxPayload) {
    throw new P2PError(
      P2PErrorCode.INVALID_ARGUMENT,
      `${msg.command}: payload of ${bytes.length} bytes exceeds ${defaultP2PLimits.maxPayload}`,
      'ignore',
    );
  }
  return bytes;
}

/**
 * Decodes the payload of `command`. Returns null for a command we do not know: Core ignores
 * unknown messages ("Unknown command … from peer"), so they are not an error. Throws a
 * P2PError (with the verdict Core would apply) for payloads over the limits or malformed.
 */
export function decodeMessage(
  command: string,
  bytes: Uint8Array,
  limits: P2PLimits = defaultP2PLimits,
): P2PMessage | null {
  if (bytes.length > limits.maxPayload) {
    throw new P2PError(
      P2PErrorCode.OVERSIZED,
      `${command}: payload of ${bytes.length} bytes exceeds ${limits.maxPayload}`,
      'disconnect',
      { command, size: bytes.length, max: limits.maxPayload },
    );
  }
  if (!isKnownCommand(command)) return null;
  const codec = CODECS[command] as Codec<P2PCommand>;
  return { command, payload: codec.decode(bytes, limits) } as P2PMessage;
}

/** Builds a typed message (a convenience for callers that know the command statically). */
export function createMessage<C extends P2PCommand>(
  command: C,
  payload: P2PPayloads[C],
): P2PMessageOf<C> {
  return { command, payload } as P2PMessageOf<C>;
}
