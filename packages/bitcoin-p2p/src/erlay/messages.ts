import { BufferWriter } from '@keel/util';
import { P2PError, P2PErrorCode } from '../errors.ts';
import { checkOutgoing, decodeWith, readCount } from '../messages/_codec.ts';

/**
 * BIP330 reconciliation messages (sendtxrcncl is in messages/control.ts). Limits follow
 * Core's txreconciliation: sketches of at most MAX_SKETCH_CAPACITY 32-bit elements (an extension
 * is another sketch of the same capacity), reconcildiff asks for at most MAX_RECONSET_SIZE ids.
 */
export const RECON_FIELD_SIZE = 32;
export const BYTES_PER_SKETCH_CAPACITY = RECON_FIELD_SIZE / 8;
export const MAX_SKETCH_CAPACITY = 2 << 12;
export const MAX_RECONSET_SIZE = 3000;
/** q travels as a uint16 fixed-point number: q * Q_PRECISION. */
export const Q_PRECISION = (2 << 14) - 1;

export interface ReqRecon {
  /** The initiator's reconciliation set size (uint16, saturating). */
  setSize: number;
  /** The initiator's q, as q * Q_PRECISION (uint16). */
  q: number;
}

export interface ReconcilDiff {
  success: boolean;
  /** Short ids the initiator is missing (it wants their transactions announced). */
  askShortIds: number[];
}

export function encodeReqRecon(m: ReqRecon): Uint8Array {
  checkOutgoing(
    Number.isInteger(m.setSize) && m.setSize >= 0 && m.setSize <= 0xffff,
    'reqrecon',
    'set size must be uint16',
  );
  checkOutgoing(Number.isInteger(m.q) && m.q >= 0 && m.q <= 0xffff, 'reqrecon', 'q must be uint16');
  return new BufferWriter(4).u16le(m.setSize).u16le(m.q).finish();
}

export function decodeReqRecon(bytes: Uint8Array): ReqRecon {
  return decodeWith('reqrecon', bytes, 'disconnect', (r) => ({ setSize: r.u16le(), q: r.u16le() }));
}

/** sketch: CompactSize length + serialized minisketch (a multiple of 4 bytes). */
export function encodeSketch(skdata: Uint8Array): Uint8Array {
  checkOutgoing(
    skdata.length % BYTES_PER_SKETCH_CAPACITY === 0 &&
      skdata.length <= MAX_SKETCH_CAPACITY * BYTES_PER_SKETCH_CAPACITY,
    'sketch',
    `sketch data must be a multiple of 4 bytes up to ${MAX_SKETCH_CAPACITY * 4}`,
  );
  return new BufferWriter(skdata.length + 3).varBytes(skdata).finish();
}

export function decodeSketch(bytes: Uint8Array): Uint8Array {
  return decodeWith('sketch', bytes, 'disconnect', (r) => {
    const n = readCount(
      r,
      'sketch',
      MAX_SKETCH_CAPACITY * BYTES_PER_SKETCH_CAPACITY,
      1,
      'disconnect',
      'bytes',
    );
    const data = r.copyBytes(n, 'sketch data');
    if (n % BYTES_PER_SKETCH_CAPACITY !== 0) {
      throw new P2PError(
        P2PErrorCode.MALFORMED,
        `sketch: ${n} bytes is not a whole number of 32-bit syndromes`,
        'disconnect',
        { command: 'sketch', length: n },
      );
    }
    return data;
  });
}

/** reqsketchext carries nothing. */
export function encodeReqSketchExt(): Uint8Array {
  return new Uint8Array(0);
}

export function decodeReqSketchExt(bytes: Uint8Array): Record<string, never> {
  return decodeWith('reqsketchext', bytes, 'disconnect', () => ({}));
}

/** reconcildiff: uint8 success, CompactSize count + uint32 short ids. */
export function encodeReconcilDiff(m: ReconcilDiff): Uint8Array {
  checkOutgoing(m.askShortIds.length <= MAX_RECONSET_SIZE, 'reconcildiff', 'too many short ids');
  const w = new BufferWriter(1 + 3 + 4 * m.askShortIds.length).u8(m.success ? 1 : 0);
  w.compactSize(m.askShortIds.length);
  for (const id of m.askShortIds) w.u32le(id);
  return w.finish();
}

export function decodeReconcilDiff(bytes: Uint8Array): ReconcilDiff {
  return decodeWith('reconcildiff', bytes, 'disconnect', (r) => {
    const flag = r.u8();
    if (flag > 1) {
      throw new P2PError(
        P2PErrorCode.MALFORMED,
        `reconcildiff: success flag ${flag}`,
        'disconnect',
        {
          command: 'reconcildiff',
        },
      );
    }
    const n = readCount(r, 'reconcildiff', MAX_RECONSET_SIZE, 4, 'disconnect', 'short ids');
    const askShortIds: number[] = [];
    for (let i = 0; i < n; i++) askShortIds.push(r.u32le());
    return { success: flag === 1, askShortIds };
  });
}
