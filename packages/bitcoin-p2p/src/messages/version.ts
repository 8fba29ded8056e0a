import { type BufferReader, BufferWriter, utf8ToBytes } from '@keel/util';
import { P2PError, P2PErrorCode } from '../errors.ts';
import { defaultP2PLimits, type P2PLimits } from '../limits.ts';
import { checkOutgoing, decodeWith } from './_codec.ts';
import type { NetAddress, VersionPayload } from './types.ts';

/** services (8) + IPv6 (16) + port (2, big-endian): CAddress without its time field. */
export const NET_ADDRESS_SIZE = 26;

export function readNetAddress(r: BufferReader): NetAddress {
  const services = r.u64le();
  const ip = r.copyBytes(16, 'address');
  const port = r.u16be();
  return { services, ip, port };
}

export function writeNetAddress(w: BufferWriter, a: NetAddress): void {
  checkOutgoing(a.ip.length === 16, 'address', `ip must be 16 bytes, got ${a.ip.length}`);
  w.u64le(a.services).bytes(a.ip).u16be(a.port);
}

/** Core keeps any bytes here (SanitizeString for display), so invalid UTF-8 is not an error. */
const USER_AGENT_DECODER = new TextDecoder('utf-8', { fatal: false });

const EMPTY_ADDRESS: NetAddress = { services: 0n, ip: new Uint8Array(16), port: 0 };

/**
 * Decodes `version` as Core's ProcessMessage does: version, services, time and addr_recv are
 * required; addr_from+nonce, user agent, start height and relay are each read only if bytes
 * remain (older peers stop early), and bytes after relay are ignored (future fields). The user
 * agent is limited to MAX_SUBVERSION_LENGTH before it is allocated.
 */
export function decodeVersion(
  bytes: Uint8Array,
  limits: P2PLimits = defaultP2PLimits,
): VersionPayload {
  return decodeWith('version', bytes, 'disconnect', (r) => {
    const version = r.i32le();
    const services = r.u64le();
    const timestamp = r.i64le();
    const addrRecv = readNetAddress(r);
    const v: VersionPayload = {
      version,
      services,
      timestamp,
      addrRecv,
      addrFrom: EMPTY_ADDRESS,
      nonce: 0n,
      userAgent: '',
      startHeight: 0,
      relay: true,
    };
    if (r.remaining === 0) return v;
    v.addrFrom = readNetAddress(r);
    v.nonce = r.u64le();
    if (r.remaining === 0) return v;
    const n = r.compactSize(undefined, 'user agent length');
    if (n > limits.maxUserAgent) {
      throw new P2PError(
        P2PErrorCode.OVERSIZED,
        `version: user agent of ${n} bytes exceeds ${limits.maxUserAgent}`,
        'disconnect',
        { length: n, max: limits.maxUserAgent },
      );
    }
    v.userAgent = USER_AGENT_DECODER.decode(r.bytes(n, 'user agent'));
    if (r.remaining === 0) return v;
    v.startHeight = r.i32le();
    if (r.remaining === 0) return v;
    v.relay = r.u8() !== 0;
    return v;
  });
}

export function encodeVersion(v: VersionPayload): Uint8Array {
  const ua = utf8ToBytes(v.userAgent);
  checkOutgoing(
    ua.length <= defaultP2PLimits.maxUserAgent,
    'version',
    `user agent of ${ua.length} bytes exceeds ${defaultP2PLimits.maxUserAgent}`,
  );
  const w = new BufferWriter(86 + ua.length + 9);
  w.i32le(v.version).u64le(v.services).i64le(v.timestamp);
  writeNetAddress(w, v.addrRecv);
  writeNetAddress(w, v.addrFrom);
  w.u64le(v.nonce)
    .varBytes(ua)
    .i32le(v.startHeight)
    .u8(v.relay ? 1 : 0);
  return w.finish();
}
