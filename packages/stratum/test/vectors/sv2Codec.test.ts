// Byte layouts checked against noise/sv2.json (sv2-tp and SRI test bytes, sv2-spec examples).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { vectorsDirOrSkip } from '@keel/test-utils';
import { bytesToHex, hexToBytes } from '@keel/util';
import {
  decodeFrameHeader,
  decodePayload,
  decodeTlvs,
  encodeFrameHeader,
  encodePayload,
  encodeTlvs,
  type MessageName,
  messageNameOf,
  type Sv2Payload,
} from '../../src/index.ts';

interface Sv2Json {
  tlv: { reference_implementation: { hex: string; value_ascii: string } };
  frame_header: {
    cases: { hex: string; extension_type: number; msg_type: number; msg_length: number }[];
  };
  messages: {
    name: string;
    msg_type: number;
    payload_hex: string;
    fields: Record<string, unknown>;
  }[];
}

function load(): Sv2Json | undefined {
  const dir = vectorsDirOrSkip();
  return dir
    ? (JSON.parse(readFileSync(join(dir, 'noise/sv2.json'), 'utf8')) as Sv2Json)
    : undefined;
}

test('frame headers from sv2-tp / SRI decode and re-encode byte for byte', (t) => {
  const v = load();
  if (!v) return t.skip('vectors folder absent');
  assert.equal(v.frame_header.cases.length, 4);
  for (const c of v.frame_header.cases) {
    const h = decodeFrameHeader(hexToBytes(c.hex), {
      maxPayloadLength: 0xffffff,
      rejectUnknown: false,
    });
    assert.equal(h.extensionType | (h.channelMsg ? 0x8000 : 0), c.extension_type);
    assert.equal(h.msgType, c.msg_type);
    assert.equal(h.msgLength, c.msg_length);
    assert.equal(bytesToHex(encodeFrameHeader(h)), c.hex);
  }
});

// Field names in the file are the spec's snake_case (a few with _hex suffixes).
const camel = (s: string) =>
  s.replace(/_hex$/, '').replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

test('SetupConnection, .Success, .Error and TDP SetNewPrevHash payloads match the reference bytes', (t) => {
  const v = load();
  if (!v) return t.skip('vectors folder absent');
  assert.equal(v.messages.length, 4);
  for (const c of v.messages) {
    const name = messageNameOf(0, c.msg_type) as MessageName;
    assert.ok(name, c.name);
    const decoded = decodePayload(name, hexToBytes(c.payload_hex)) as Record<string, unknown>;
    for (const [k, want] of Object.entries(c.fields)) {
      const got = decoded[camel(k)];
      if (k.endsWith('_hex')) assert.equal(bytesToHex(got as Uint8Array), want, `${c.name}.${k}`);
      else if (typeof got === 'bigint') assert.equal(got, BigInt(want as number), `${c.name}.${k}`);
      else assert.equal(got, want, `${c.name}.${k}`);
    }
    assert.equal(
      bytesToHex(encodePayload(name, decoded as Sv2Payload<MessageName>)),
      c.payload_hex,
      c.name,
    );
  }
});

test("TLV field: the reference implementation's bytes (little-endian type and length)", (t) => {
  const v = load();
  if (!v) return t.skip('vectors folder absent');
  const c = v.tlv.reference_implementation;
  const [tlv, ...rest] = decodeTlvs(hexToBytes(c.hex));
  assert.equal(rest.length, 0);
  assert.equal(tlv?.extensionType, 2);
  assert.equal(tlv?.fieldType, 1);
  assert.equal(new TextDecoder().decode(tlv?.value), c.value_ascii);
  assert.equal(bytesToHex(encodeTlvs([tlv!])), c.hex);
});
