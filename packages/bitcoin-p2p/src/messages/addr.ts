import { BufferWriter } from '@keel/util';
import { P2PError, P2PErrorCode } from '../errors.ts';
import { defaultP2PLimits, type P2PLimits } from '../limits.ts';
import {
  checkOutgoing,
  compactSizeBigBytes,
  decodeWith,
  readCompactSizeBig,
  readCount,
} from './_codec.ts';
import { type AddrEntry, type AddrV2Entry, BIP155Network } from './types.ts';
import { NET_ADDRESS_SIZE, readNetAddress, writeNetAddress } from './version.ts';

const ADDR_ENTRY_SIZE = 4 + NET_ADDRESS_SIZE;
/** time (4) + services (≥1) + network (1) + length (≥1) + port (2). */
const MIN_ADDRV2_ENTRY = 9;

/**
 * BIP155 address lengths per network id, as Core's SetNetFromBIP155Network checks them. TORv2
 * (id 3) is no longer known to Core, so it is skipped like an unknown id.
 */
export const BIP155_ADDRESS_LENGTHS: Readonly<Record<number, number>> = {
  [BIP155Network.IPV4]: 4,
  [BIP155Network.IPV6]: 16,
  [BIP155Network.TORV3]: 32,
  [BIP155Network.I2P]: 32,
  [BIP155Network.CJDNS]: 16,
};

/** v1 `addr`: at most MAX_ADDR_TO_SEND entries (Core: Misbehaving "addr message size"). */
export function decodeAddr(bytes: Uint8Array, limits: P2PLimits = defaultP2PLimits): AddrEntry[] {
  return decodeWith('addr', bytes, 'disconnect', (r) => {
    const n = readCount(r, 'addr', limits.maxAddr, ADDR_ENTRY_SIZE, 'discourage', 'addresses');
    const out: AddrEntry[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const time = r.u32le();
      out[i] = { time, ...readNetAddress(r) };
    }
    return out;
  });
}

export function encodeAddr(entries: readonly AddrEntry[]): Uint8Array {
  checkOutgoing(entries.length <= defaultP2PLimits.maxAddr, 'addr', 'too many addresses');
  const w = new BufferWriter(9 + entries.length * ADDR_ENTRY_SIZE);
  w.compactSize(entries.length);
  for (const e of entries) {
    w.u32le(e.time);
    writeNetAddress(w, e);
  }
  return w.finish();
}

/**
 * BIP155 `addrv2`. Services are a CompactSize (any 64-bit value, as Core's
 * CompactSizeFormatter<false>); an address longer than MAX_ADDRV2_SIZE, or a known network's
 * address of the wrong length, is malformed; unknown network ids are kept as opaque bytes.
 */
export function decodeAddrV2(
  bytes: Uint8Array,
  limits: P2PLimits = defaultP2PLimits,
): AddrV2Entry[] {
  return decodeWith('addrv2', bytes, 'disconnect', (r) => {
    const n = readCount(r, 'addrv2', limits.maxAddr, MIN_ADDRV2_ENTRY, 'discourage', 'addresses');
    const out: AddrV2Entry[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const time = r.u32le();
      const services = readCompactSizeBig(r, 'services');
      const networkId = r.u8();
      const len = r.compactSize(undefined, 'addrv2 address length');
      if (len > limits.maxAddrV2Size) {
        throw new P2PError(
          P2PErrorCode.OVERSIZED,
          `addrv2: address too long: ${len} > ${limits.maxAddrV2Size}`,
          'disconnect',
        );
      }
      const expected = BIP155_ADDRESS_LENGTHS[networkId];
      if (expected !== undefined && len !== expected) {
        throw new P2PError(
          P2PErrorCode.MALFORMED,
          `addrv2: BIP155 network ${networkId} address with length ${len} (should be ${expected})`,
          'disconnect',
        );
      }
      const addr = r.copyBytes(len, 'addrv2 address');
      const port = r.u16be();
      out[i] = { time, services, networkId, addr, port };
    }
    return out;
  });
}

export function encodeAddrV2(entries: readonly AddrV2Entry[]): Uint8Array {
  checkOutgoing(entries.length <= defaultP2PLimits.maxAddr, 'addrv2', 'too many addresses');
  const w = new BufferWriter(9 + entries.length * 32);
  w.compactSize(entries.length);
  for (const e of entries) {
    const expected = BIP155_ADDRESS_LENGTHS[e.networkId];
    checkOutgoing(
      (expected === undefined || e.addr.length === expected) &&
        e.addr.length <= defaultP2PLimits.maxAddrV2Size,
      'addrv2',
      `network ${e.networkId} address of ${e.addr.length} bytes`,
    );
    w.u32le(e.time).bytes(compactSizeBigBytes(e.services)).u8(e.networkId).varBytes(e.addr);
    w.u16be(e.port);
  }
  return w.finish();
}
