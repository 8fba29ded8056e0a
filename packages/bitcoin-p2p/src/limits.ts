/**
 * Core's wire limits (each with its source in Bitcoin Core). Every decoder takes a `P2PLimits`
 * and checks a count or length read off the wire against it before allocating for it.
 */
export interface P2PLimits {
  /** net.h MAX_PROTOCOL_MESSAGE_LENGTH: the largest payload (v1 and v2). */
  maxPayload: number;
  /** net_processing.cpp MAX_INV_SZ: inv/getdata/notfound entries. */
  maxInv: number;
  /** net_processing.cpp MAX_HEADERS_RESULTS: headers per headers message. */
  maxHeaders: number;
  /** net_processing.cpp MAX_ADDR_TO_SEND: addr/addrv2 entries. */
  maxAddr: number;
  /** net_processing.cpp MAX_LOCATOR_SZ: block locator hashes in getheaders/getblocks. */
  maxLocator: number;
  /** net.h MAX_SUBVERSION_LENGTH: the version message's user agent. */
  maxUserAgent: number;
  /** netaddress.h MAX_ADDRV2_SIZE: one BIP155 address. */
  maxAddrV2Size: number;
}

export const MAX_PROTOCOL_MESSAGE_LENGTH = 4_000_000;
export const MAX_INV_SZ = 50_000;
export const MAX_HEADERS_RESULTS = 2_000;
export const MAX_ADDR_TO_SEND = 1_000;
export const MAX_LOCATOR_SZ = 101;
export const MAX_SUBVERSION_LENGTH = 256;
export const MAX_ADDRV2_SIZE = 512;

export const defaultP2PLimits: P2PLimits = {
  maxPayload: MAX_PROTOCOL_MESSAGE_LENGTH,
  maxInv: MAX_INV_SZ,
  maxHeaders: MAX_HEADERS_RESULTS,
  maxAddr: MAX_ADDR_TO_SEND,
  maxLocator: MAX_LOCATOR_SZ,
  maxUserAgent: MAX_SUBVERSION_LENGTH,
  maxAddrV2Size: MAX_ADDRV2_SIZE,
};
