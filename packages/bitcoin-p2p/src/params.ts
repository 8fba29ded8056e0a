import { type NetworkName, networks } from '@keel/bitcoin/consensus';

/**
 * Protocol constants, named and valued as Bitcoin Core's (src/node/protocol_version.h,
 * src/net_processing.cpp, src/net.h).
 */
export const PROTOCOL_VERSION = 70016;
/** Core's MIN_PEER_PROTO_VERSION: older peers are disconnected right after their version. */
export const MIN_PEER_PROTO_VERSION = 31800;
/** BIP31: pong exists from this version. */
export const BIP0031_VERSION = 60000;
/** BIP130 sendheaders. */
export const SENDHEADERS_VERSION = 70012;
/** BIP133 feefilter. */
export const FEEFILTER_VERSION = 70013;
/** BIP152 compact blocks. */
export const SHORT_IDS_BLOCKS_VERSION = 70014;
/** BIP339 wtxidrelay (also the threshold Core uses before sending sendaddrv2). */
export const WTXID_RELAY_VERSION = 70016;

/** Service bits (Core's protocol.h ServiceFlags). */
export const ServiceFlags = {
  NONE: 0n,
  NODE_NETWORK: 1n << 0n,
  NODE_BLOOM: 1n << 2n,
  NODE_WITNESS: 1n << 3n,
  NODE_COMPACT_FILTERS: 1n << 6n,
  NODE_NETWORK_LIMITED: 1n << 10n,
  NODE_P2P_V2: 1n << 11n,
} as const;

/** Default P2P ports (Core's chainparams nDefaultPort). */
export const defaultPorts: Readonly<Record<NetworkName, number>> = {
  main: 8333,
  test: 18333,
  testnet4: 48333,
  signet: 38333,
  regtest: 18444,
};

/** The 4-byte message start of a network (from @keel/bitcoin's consensus params). */
export function networkMagic(network: NetworkName): Uint8Array {
  return networks[network].magic;
}
