import { decodeFrame, defaultFrameLimits, encodeFrame, type FrameLimits } from './frame.ts';
import {
  type DecodeMessageOptions,
  decodeMessageFrameWith,
  encodeMessageFrame,
} from './message.ts';
import type { Sv2Message } from './messages.ts';

/** A message as one plaintext frame (header + payload). */
export function encodeMessage(msg: Sv2Message): Uint8Array {
  return encodeFrame(encodeMessageFrame(msg));
}

/** One plaintext frame's bytes (exactly) to a typed message. */
export function decodeMessage(
  bytes: Uint8Array,
  limits: FrameLimits = defaultFrameLimits,
  opts: DecodeMessageOptions = {},
): Sv2Message {
  return decodeMessageFrameWith(decodeFrame(bytes, limits), opts);
}
