/**
 * Typed encode/decode of SV2 messages through the schema registry in `messages.ts`.
 */
import { BufferReader, BufferWriter } from '@keel/util';
import { malformed, StratumError, StratumErrorCode } from '../errors.ts';
import { maxSize, readValue, writeValue } from './dataTypes.ts';
import type { Sv2Frame } from './frame.ts';
import {
  MESSAGES,
  type MessageName,
  messageNameOf,
  type Sv2Message,
  type Sv2Payload,
  type Sv2Tlv,
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

function readFields(name: MessageName, r: BufferReader): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, t] of Object.entries(MESSAGES[name].fields)) {
    out[field] = readValue(r, t, `${name}.${field}`);
  }
  return out;
}

/** Parses the payload of message `name`; the payload must be consumed exactly. */
export function decodePayload<N extends MessageName>(name: N, payload: Uint8Array): Sv2Payload<N> {
  const r = new BufferReader(payload);
  const out = readFields(name, r);
  if (r.remaining !== 0) {
    throw malformed(`${name}: ${r.remaining} trailing bytes after the last field`, {
      message: name,
      trailing: r.remaining,
    });
  }
  return out as Sv2Payload<N>;
}

/** Largest number of TLV fields accepted after one message. */
export const MAX_TLVS = 64;

/** Serializes TLV fields: extension_type U16 ‖ field_type U8 ‖ length U16 ‖ value (all LE). */
export function encodeTlvs(tlvs: readonly Sv2Tlv[]): Uint8Array {
  const w = new BufferWriter(16);
  for (const t of tlvs) {
    if (t.value.length > 0xffff) {
      throw new StratumError(StratumErrorCode.INVALID_VALUE, 'TLV value longer than 65535 bytes');
    }
    w.u16le(t.extensionType).u8(t.fieldType).u16le(t.value.length).bytes(t.value);
  }
  return w.finish();
}

/** Parses TLV fields until the end of the bytes; a truncated TLV is MALFORMED. */
export function decodeTlvs(bytes: Uint8Array): Sv2Tlv[] {
  const r = new BufferReader(bytes);
  const out: Sv2Tlv[] = [];
  while (r.remaining > 0) {
    if (out.length === MAX_TLVS) throw malformed(`more than ${MAX_TLVS} TLV fields`);
    if (r.remaining < 5) throw malformed(`truncated TLV header (${r.remaining} bytes)`);
    const extensionType = r.u16le();
    const fieldType = r.u8();
    const len = r.u16le();
    if (len > r.remaining) throw malformed(`TLV value of ${len} bytes, ${r.remaining} left`);
    out.push({ extensionType, fieldType, value: r.copyBytes(len) });
  }
  return out;
}

/** Like decodePayload, but bytes after the last field are parsed as TLV fields. */
export function decodePayloadWithTlvs<N extends MessageName>(
  name: N,
  payload: Uint8Array,
): { payload: Sv2Payload<N>; tlvs: Sv2Tlv[] } {
  const r = new BufferReader(payload);
  const out = readFields(name, r);
  return { payload: out as Sv2Payload<N>, tlvs: decodeTlvs(payload.subarray(r.offset)) };
}

/** Builds the frame for a message, with the channel_msg bit the 08 table gives it. */
export function encodeMessageFrame(msg: Sv2Message): Sv2Frame {
  const schema = MESSAGES[msg.type];
  let payload = encodePayload(msg.type, msg.payload as never);
  if (msg.tlvs !== undefined && msg.tlvs.length > 0) {
    const t = encodeTlvs(msg.tlvs);
    const joined = new Uint8Array(payload.length + t.length);
    joined.set(payload);
    joined.set(t, payload.length);
    payload = joined;
  }
  return {
    header: {
      extensionType: schema.extensionType,
      channelMsg: schema.channelMsg,
      msgType: schema.msgType,
      msgLength: payload.length,
    },
    payload,
  };
}

export interface DecodeMessageOptions {
  /**
   * Parse bytes after the last field as TLV fields (only once an extension that adds TLVs was
   * negotiated, 09). Default false: trailing bytes are MALFORMED.
   */
  readonly tlv?: boolean;
}

/**
 * Decodes a frame's payload as the message its header names. Unknown messages throw
 * UNKNOWN_MESSAGE (callers that forward unknown channel messages check `messageNameOf` first).
 */
export function decodeMessageFrame(frame: Sv2Frame): Sv2Message {
  return decodeMessageFrameWith(frame, {});
}

/** decodeMessageFrame with options (TLV fields). */
export function decodeMessageFrameWith(frame: Sv2Frame, opts: DecodeMessageOptions): Sv2Message {
  const { extensionType, msgType } = frame.header;
  const name = messageNameOf(extensionType, msgType);
  if (name === undefined) {
    throw new StratumError(
      StratumErrorCode.UNKNOWN_MESSAGE,
      `unknown message: extension_type 0x${extensionType.toString(16)}, msg_type 0x${msgType.toString(16)}`,
      { extensionType, msgType },
    );
  }
  if (opts.tlv) {
    const { payload, tlvs } = decodePayloadWithTlvs(name, frame.payload);
    return (
      tlvs.length > 0 ? { type: name, payload, tlvs } : { type: name, payload }
    ) as Sv2Message;
  }
  return { type: name, payload: decodePayload(name, frame.payload) } as Sv2Message;
}
