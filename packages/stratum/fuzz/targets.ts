// Fuzz target for SV2 frames (issue 13: "P2P messages, SV2 frames"). Raw bytes are a byte
// stream from a peer: they go through the incremental FrameReader in chunks (sizes taken from
// the first input byte), each frame it yields is decoded as a message (with and without TLV
// fields), and the same bytes are also decoded as exactly one frame. Invariant: a value or a
// typed KeelError (StratumError), no other exception; a message that decodes re-encodes to the
// payload it came from (SV2 encodings are canonical). It is run by the coverage-guided runner
// of @keel/bitcoin (packages/bitcoin/fuzz/run.ts, `npm run fuzz -- --target sv2-frame`),
// which counts blocks of packages/stratum/src as coverage for this target.
import type { Secp256k1Backend } from '@keel/crypto';
import { isKeelError } from '@keel/util';
import { decodeFrame, FrameReader, type Sv2Frame } from '../src/codec/frame.ts';
import {
  decodeMessageFrame,
  decodeMessageFrameWith,
  encodeMessageFrame,
} from '../src/codec/message.ts';

/** A finding: the invariant the target checks did not hold. */
export class FuzzInvariantError extends Error {}

function typed<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (isKeelError(e)) return undefined;
    throw e;
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export interface FuzzTarget {
  name: string;
  maxLen: number;
  /** Path fragment whose code blocks count as new coverage for this target. */
  covers: string;
  run(data: Uint8Array, backend: Secp256k1Backend): void;
}

function checkFrame(frame: Sv2Frame): void {
  if (frame.payload.length !== frame.header.msgLength)
    throw new FuzzInvariantError('frame payload length differs from its header');
  const msg = typed(() => decodeMessageFrame(frame));
  if (msg) {
    const again = encodeMessageFrame(msg);
    if (!equal(again.payload, frame.payload))
      throw new FuzzInvariantError(`${msg.type}: decode/encode round trip`);
  }
  typed(() => decodeMessageFrameWith(frame, { tlv: true }));
}

export const targets: FuzzTarget[] = [
  {
    name: 'sv2-frame',
    maxLen: 4096,
    covers: '/packages/stratum/src/',
    run(data) {
      if (data.length === 0) return;
      const chunk = 1 + (data[0]! % 64);
      const stream = data.subarray(1);
      const reader = new FrameReader({ maxPayloadLength: 1 << 16, rejectUnknown: false });
      let frames = 0;
      for (let at = 0; at < stream.length; at += chunk) {
        const got = typed(() => reader.push(stream.subarray(at, at + chunk)));
        if (got === undefined) break; // a typed error ends the stream, as a connection would
        for (const f of got) {
          checkFrame(f);
          frames++;
        }
      }
      if (frames > stream.length / 6 + 1) throw new FuzzInvariantError('more frames than bytes');
      const one = typed(() => decodeFrame(stream));
      if (one) checkFrame(one);
    },
  },
];
