/** @keel/bitcoin-p2p — public API (explicit named exports only). */
export { P2PError, P2PErrorCode, type PeerVerdict } from './errors.ts';
export {
  defaultP2PLimits,
  MAX_ADDR_TO_SEND,
  MAX_ADDRV2_SIZE,
  MAX_HEADERS_RESULTS,
  MAX_INV_SZ,
  MAX_LOCATOR_SZ,
  MAX_PROTOCOL_MESSAGE_LENGTH,
  MAX_SUBVERSION_LENGTH,
  type P2PLimits,
} from './limits.ts';
export { BIP155_ADDRESS_LENGTHS } from './messages/addr.ts';
export {
  createMessage,
  decodeMessage,
  encodeMessage,
  isKnownCommand,
  P2P_COMMANDS,
} from './messages/registry.ts';
export {
  type AddrEntry,
  type AddrV2Entry,
  BIP155Network,
  InvType,
  type InvVector,
  type LocatorPayload,
  MSG_WITNESS_FLAG,
  type NetAddress,
  type P2PCommand,
  type P2PMessage,
  type P2PMessageOf,
  type P2PPayloads,
  type SendCmpctPayload,
  type SendTxRcnclPayload,
  type VersionPayload,
} from './messages/types.ts';
export {
  BIP0031_VERSION,
  defaultPorts,
  FEEFILTER_VERSION,
  MIN_PEER_PROTO_VERSION,
  networkMagic,
  PROTOCOL_VERSION,
  SENDHEADERS_VERSION,
  ServiceFlags,
  SHORT_IDS_BLOCKS_VERSION,
  WTXID_RELAY_VERSION,
} from './params.ts';
export { Peer, type PeerOptions } from './peer/peer.ts';
export {
  defaultPeerTimeouts,
  type PeerInfo,
  type PeerOutput,
  type PeerTimeouts,
} from './peer/types.ts';
export {
  COMMAND_SIZE,
  decodePayloadEvent,
  encodeCommand,
  encodeV1Frame,
  encodeV1Message,
  parseCommand,
  type TransportEvent,
  V1_HEADER_SIZE,
  V1Decoder,
  type V1DecoderOptions,
} from './v1.ts';
