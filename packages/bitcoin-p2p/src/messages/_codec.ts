import { BufferReader, DecodeError, isKeelError } from '@keel/util';
import { P2PError, P2PErrorCode, type PeerVerdict } from '../errors.ts';

/**
 * Runs `read` over `bytes`. Decoding failures of the bounds-checked reader become P2PError
 * MALFORMED with `verdict`; P2PErrors pass through. Bytes after the last field are ignored, as
 * Core's ProcessMessage never looks at what it did not read (new fields get appended).
 */
export function decodeWith<T>(
  command: string,
  bytes: Uint8Array,
  verdict: PeerVerdict,
  read: (r: BufferReader) => T,
): T {
  const r = new BufferReader(bytes);
  try {
    return read(r);
  } catch (e) {
    throw asP2PError(e, command, verdict);
  }
}

export function asP2PError(e: unknown, command: string, verdict: PeerVerdict): P2PError {
  if (e instanceof P2PError) return e;
  if (e instanceof DecodeError || isKeelError(e)) {
    return new P2PError(P2PErrorCode.MALFORMED, `${command}: ${e.message}`, verdict, {
      command,
      cause: e.code,
    });
  }
  if (e instanceof RangeError) {
    return new P2PError(P2PErrorCode.MALFORMED, `${command}: ${e.message}`, verdict, { command });
  }
  throw e;
}

/**
 * Reads a CompactSize count and checks it against Core's limit for the message (verdict
 * `overVerdict` when over it, as Core's net_processing treats that message) and against the
 * bytes left for entries of at least `minEntry` bytes, before anything is allocated.
 */
export function readCount(
  r: BufferReader,
  command: string,
  max: number,
  minEntry: number,
  overVerdict: PeerVerdict,
  what: string,
): number {
  const n = r.compactSize(undefined, `${command} ${what} count`);
  if (n > max) {
    throw new P2PError(
      P2PErrorCode.OVERSIZED,
      `${command} message size = ${n} ${what} (max ${max})`,
      overVerdict,
      { command, count: n, max },
    );
  }
  if (n * minEntry > r.remaining) {
    throw new P2PError(
      P2PErrorCode.MALFORMED,
      `${command}: ${n} ${what} need at least ${n * minEntry} bytes, ${r.remaining} left`,
      'disconnect',
      { command, count: n },
    );
  }
  return n;
}

/** Throws INVALID_ARGUMENT when an outgoing message breaks a limit we would enforce on receipt. */
export function checkOutgoing(ok: boolean, command: string, message: string): void {
  if (!ok) {
    throw new P2PError(P2PErrorCode.INVALID_ARGUMENT, `${command}: ${message}`, 'ignore', {
      command,
    });
  }
}

/** Reads a 32-byte hash (internal byte order) as a copy. */
export function readHash(r: BufferReader, what: string): Uint8Array {
  return r.copyBytes(32, what);
}

/** A CompactSize that may exceed Number.MAX_SAFE_INTEGER (BIP155 services), non-canonical refused. */
export function readCompactSizeBig(r: BufferReader, what: string): bigint {
  const first = r.u8();
  let v: bigint;
  let min: bigint;
  if (first < 0xfd) return BigInt(first);
  if (first === 0xfd) {
    v = BigInt(r.u16le());
    min = 0xfdn;
  } else if (first === 0xfe) {
    v = BigInt(r.u32le());
    min = 0x10000n;
  } else {
    v = r.u64le();
    min = 0x100000000n;
  }
  if (v < min) {
    throw new P2PError(P2PErrorCode.MALFORMED, `non-canonical CompactSize ${what}`, 'disconnect');
  }
  return v;
}

export function compactSizeBigBytes(v: bigint): Uint8Array {
  if (v < 0xfdn) return Uint8Array.of(Number(v));
  if (v <= 0xffffn) return Uint8Array.of(0xfd, Number(v & 0xffn), Number(v >> 8n));
  const n = v <= 0xffffffffn ? 4 : 8;
  const out = new Uint8Array(1 + n);
  out[0] = n === 4 ? 0xfe : 0xff;
  for (let i = 0; i < n; i++) out[1 + i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
}
