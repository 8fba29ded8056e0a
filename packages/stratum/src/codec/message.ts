/**
 * Typed encode/decode of SV2 messages through the schema registry in `messages.ts`.
 */
import { BufferReader, BufferWriter } from '@keel/util';
import { malformed, StratumError, StratumErrorCode } from '../errors.ts';
import { maxSize, readValue, writeValue } from './dataTypes.ts';
import type { Sv2Frame } from './frame.ts';
import {
  CORE_EXTENSION_TYPE,
  MESSAGES,
  type MessageName,
  messageNameOf,
  type Sv2Message,
  type Sv2Payload,
} from './messages.ts';

const MAX_FRAME_PAYLOAD = 0xffffff;
const maxCache = new Map<MessageName, number>();

/** The largest payload a valid message `name` can have (≤ 2^24 − 1). */
export function maxPayloadSize(name: MessageName): number {
  let v = maxCache.get(name);
  if (v === undefined) {
    v = 0;
    for (const t of Object.values(MESSAGES[name].fields)) v += maxSize(t);
    v = Math.min(v, MAX_FRAME_PAYLOAD);
    maxCache.set(name, v);
  }
  return v;
}

/** Serializes the payload of message `name` (no frame header). */
export function encodePayload<N extends MessageName>(name: N, payload: Sv2Payload<N>): Uint8Array {
  const schema = MESSAGES[name];
  if (schema === undefined) {
    throw new StratumError(
      StratumErrorCode.UNKNOWN_MESSAGE,
      `unknown message name ${String(name)}`,
    );
  }
  const w = new BufferWriter(64);
  const p = payload as Record<string, unknown>;
  for (const [field, t] of Object.entries(schema.fields))
    writeValue(w, t, p[field], `${name}.${field}`);
  const out = w.finish();
  if (out.length > MAX_FRAME_PAYLOAD) {
    throw new StratumError(
      StratumErrorCode.FRAME_TOO_LARGE,
      `${name} payload exceeds 2^24 − 1 bytes`,
    );
  }
  return out;
}

/** Parses the payload of message `name`; the payload must be consumed exactly. */
export function decodePayload<N extends MessageName>(name: N, payload: Uint8Array): Sv2Payload<N> {
  const schema = MESSAGES[name];
  const r = new BufferReader(payload);
  const out: Record<string, unknown> = {};
  for (const [field, t] of Object.entries(schema.fields))
    out[field] = readValue(r, t, `${name}.${field}`);
  if (r.remaining !== 0) {
    throw malformed(`${name}: ${r.remaining} trailing bytes after the last field`, {
      message: name,
      trailing: r.remaining,
    });
  }
  return out as Sv2Payload<N>;
}

/** Builds the frame for a message, with the channel_msg bit the 08 table gives it. */
export function encodeMessageFrame(msg: Sv2Message): Sv2Frame {
  const schema = MESSAGES[msg.type];
  const payload = encodePayload(msg.type, msg.payload as never);
  return {
    header: {
      extensionType: CORE_EXTENSION_TYPE,
      channelMsg: schema.channelMsg,
      msgType: schema.msgType,
      msgLength: payload.length,
    },
    payload,
  };
}

/**
 * Decodes a frame's payload as the message its header names. Unknown messages throw
 * UNKNOWN_MESSAGE (callers that forward unknown channel messages check `messageNameOf` first).
 */
export function decodeMessageFrame(frame: Sv2Frame): Sv2Message {
  const { extensionType, msgType } = frame.header;
  const name = messageNameOf(extensionType, msgType);
  if (name === undefined) {
    throw new StratumError(
      StratumErrorCode.UNKNOWN_MESSAGE,
      `unknown message: extension_type 0x${extensionType.toString(16)}, msg_type 0x${msgType.toString(16)}`,
      { extensionType, msgType },
    );
  }
  return { type: name, payload: decodePayload(name, frame.payload) } as Sv2Message;
}
