import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex, hexToBytes } from '@keel/util';
import {
  channelIdOf,
  decodeFrame,
  decodeMessage,
  decodePayload,
  EXTENSIONS_NEGOTIATION_EXTENSION_TYPE,
  encodeMessage,
  encodePayload,
  FrameReader,
  maxPayloadSize,
  StratumErrorCode,
  type Sv2Message,
} from '../../src/index.ts';

const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;

test('SubmitSharesStandard: 24-byte payload, channel_msg bit set, fields little-endian', () => {
  // Written by hand from sv2-spec 05 §5.3.11 and 03 §3.2: ext 0x8000, type 0x1a, len 24.
  const msg: Sv2Message = {
    type: 'SubmitSharesStandard',
    payload: {
      channelId: 1,
      sequenceNumber: 2,
      jobId: 3,
      nonce: 0xdeadbeef,
      ntime: 0x5f5e1000,
      version: 0x20000000,
    },
  };
  assert.equal(
    bytesToHex(encodeMessage(msg)),
    '00801a180000' + '01000000' + '02000000' + '03000000' + 'efbeadde' + '00105e5f' + '00000020',
  );
  assert.deepEqual(decodeMessage(encodeMessage(msg)), msg);
});

test('NewMiningJob: OPTION[U32] absent is one 0x00 byte, present is 0x01 + U32', () => {
  const p = {
    channelId: 7,
    jobId: 9,
    minNtime: undefined,
    version: 4,
    merkleRoot: new Uint8Array(32).fill(0xaa),
  };
  const none = encodePayload('NewMiningJob', p);
  assert.equal(bytesToHex(none.subarray(8, 9)), '00');
  assert.equal(none.length, 4 + 4 + 1 + 4 + 32);
  const some = encodePayload('NewMiningJob', { ...p, minNtime: 0x01020304 });
  assert.equal(bytesToHex(some.subarray(8, 13)), '0104030201');
  // An OPTION count of 2 is malformed.
  const bad = some.slice();
  bad[8] = 2;
  assert.throws(() => decodePayload('NewMiningJob', bad), code(StratumErrorCode.MALFORMED));
});

test('BOOL: only the least significant bit is read (03 §3.1)', () => {
  const p = encodePayload('TdpSetNewPrevHash', {
    templateId: 1n,
    prevHash: new Uint8Array(32),
    headerTimestamp: 0,
    nBits: 0,
    target: new Uint8Array(32),
  });
  assert.equal(p.length, 8 + 32 + 4 + 4 + 32);
  const nt = encodePayload('NewTemplate', {
    templateId: 5n,
    futureTemplate: true,
    version: 0,
    coinbaseTxVersion: 2,
    coinbasePrefix: new Uint8Array([3, 1, 0, 0]),
    coinbaseTxInputSequence: 0xffffffff,
    coinbaseTxValueRemaining: 5000000000n,
    coinbaseTxOutputsCount: 0,
    coinbaseTxOutputs: new Uint8Array(0),
    coinbaseTxLocktime: 0,
    merklePath: [],
  });
  assert.equal(nt[8], 1);
  const odd = nt.slice();
  odd[8] = 0xfe; // LSB clear: false
  assert.equal(decodePayload('NewTemplate', odd).futureTemplate, false);
  odd[8] = 0x03;
  assert.equal(decodePayload('NewTemplate', odd).futureTemplate, true);
});

test('F32 and STR0_255 layouts; over-long strings are refused on encode', () => {
  const b = encodePayload('UpdateChannel', {
    channelId: 1,
    nominalHashRate: 1.5,
    maximumTarget: new Uint8Array(32),
  });
  assert.equal(bytesToHex(b.subarray(4, 8)), '0000c03f');
  assert.throws(
    () => encodePayload('CloseChannel', { channelId: 1, reasonCode: 'x'.repeat(256) }),
    code(StratumErrorCode.INVALID_VALUE),
  );
  const bad = hexToBytes('01000000' + '01' + 'ff'); // invalid UTF-8
  assert.throws(() => decodePayload('CloseChannel', bad), code(StratumErrorCode.MALFORMED));
});

test('a frame longer than the limit or than the message can be is rejected from its header alone', () => {
  // SubmitSharesStandard can never exceed 24 bytes: a header claiming 16 MiB is refused at once.
  const head = hexToBytes('00801affffff');
  assert.equal(maxPayloadSize('SubmitSharesStandard'), 24);
  const r = new FrameReader();
  assert.throws(() => r.push(head), code(StratumErrorCode.FRAME_TOO_LARGE));
  // The reader stays failed: the stream position is lost.
  assert.throws(() => r.push(new Uint8Array(0)), code(StratumErrorCode.FRAME_TOO_LARGE));
  // Caller limit applies to every message, known or not.
  const unknown = hexToBytes('0040ee00100000'); // ext 0x4000 type 0xee len 4096 (+1 stray byte)
  assert.throws(
    () => new FrameReader({ maxPayloadLength: 1024, rejectUnknown: false }).push(unknown),
    code(StratumErrorCode.FRAME_TOO_LARGE),
  );
  assert.throws(
    () => new FrameReader({ maxPayloadLength: 1 << 20, rejectUnknown: true }).push(unknown),
    code(StratumErrorCode.UNKNOWN_MESSAGE),
  );
});

test('a sequence count larger than the bytes left is rejected before allocating', () => {
  // SetGroupChannel: group id, SEQ0_64K[U32] with count 65535 but no elements.
  const p = hexToBytes('01000000ffff');
  assert.throws(() => decodePayload('SetGroupChannel', p), code(StratumErrorCode.MALFORMED));
});

test('declared vs carried length mismatch and trailing payload bytes are rejected', () => {
  const wire = encodeMessage({
    type: 'SetTarget',
    payload: { channelId: 1, maximumTarget: new Uint8Array(32) },
  });
  assert.throws(
    () => decodeFrame(wire.subarray(0, wire.length - 1)),
    code(StratumErrorCode.MALFORMED),
  );
  const longer = new Uint8Array(wire.length + 1);
  longer.set(wire);
  assert.throws(() => decodeFrame(longer), code(StratumErrorCode.MALFORMED));
  // SetTarget is fixed-size, so a header covering a stray byte fails on the size bound…
  const lied = longer.slice();
  lied[3] = wire.length + 1 - 6;
  assert.throws(() => decodeMessage(lied), code(StratumErrorCode.FRAME_TOO_LARGE));
  // …and a variable-size message with a stray byte after its last field fails as trailing data.
  const close = hexToBytes('008018060000' + '01000000' + '00' + '00');
  assert.throws(() => decodeMessage(close), code(StratumErrorCode.MALFORMED));
});

test('unknown message in decodeMessage is a typed error', () => {
  assert.throws(
    () => decodeMessage(hexToBytes('00001e000000')),
    code(StratumErrorCode.UNKNOWN_MESSAGE),
  );
});

test('TLV fields after a message decode only when asked, and stay within maxTlvBytes', () => {
  // Extension 0x0002 (worker-specific hashrate tracking) appends user_identity as TLV 0x0002/0x01.
  const msg: Sv2Message = {
    type: 'SubmitSharesExtended',
    payload: {
      channelId: 1,
      sequenceNumber: 2,
      jobId: 3,
      nonce: 4,
      ntime: 5,
      version: 6,
      extranonce: new Uint8Array(8),
    },
    tlvs: [{ extensionType: 2, fieldType: 1, value: new TextEncoder().encode('Worker_001') }],
  };
  const wire = encodeMessage(msg);
  assert.equal(bytesToHex(wire.subarray(wire.length - 15)), '0200010a00576f726b65725f303031');
  // Default: strict, the TLV is trailing data.
  assert.throws(() => decodeMessage(wire), code(StratumErrorCode.MALFORMED));
  // A fixed-size message plus a TLV exceeds the schema maximum unless maxTlvBytes allows it.
  const st = encodeMessage({
    type: 'SubmitSharesStandard',
    payload: { channelId: 1, sequenceNumber: 2, jobId: 3, nonce: 4, ntime: 5, version: 6 },
    tlvs: msg.tlvs,
  });
  assert.throws(() => decodeMessage(st), code(StratumErrorCode.FRAME_TOO_LARGE));
  const limits = { maxPayloadLength: 1 << 16, rejectUnknown: false, maxTlvBytes: 1024 };
  assert.throws(() => decodeMessage(wire, limits), code(StratumErrorCode.MALFORMED));
  assert.deepEqual(decodeMessage(wire, limits, { tlv: true }), msg);
  const truncated = wire.slice(0, wire.length - 1);
  truncated[3] = (truncated[3] ?? 0) - 1;
  assert.throws(
    () => decodeMessage(truncated, limits, { tlv: true }),
    code(StratumErrorCode.MALFORMED),
  );
});

test('extension 0x0001 messages carry extension_type 1 in the header', () => {
  const wire = encodeMessage({
    type: 'RequestExtensions',
    payload: { requestId: 1, requestedExtensions: [2, 3] },
  });
  assert.equal(bytesToHex(wire), '010000080000' + '0100' + '0200' + '0200' + '0300');
  assert.equal(EXTENSIONS_NEGOTIATION_EXTENSION_TYPE, 1);
  assert.equal(decodeMessage(wire).type, 'RequestExtensions');
  // The same msg_type under extension 0 is SetupConnection, which this payload is not.
  const asCore = wire.slice();
  asCore[0] = 0;
  assert.throws(() => decodeMessage(asCore));
});

test('U256 ↔ bigint is little-endian (03 §3.1)', async () => {
  const { bigIntToU256, u256ToBigInt } = await import('../../src/index.ts');
  const b = new Uint8Array(33);
  b[1] = 1; // sub-array at offset 1: value 1
  assert.equal(u256ToBigInt(b.subarray(1)), 1n);
  b[32] = 0x80;
  assert.equal(u256ToBigInt(b.subarray(1)), (1n << 255n) | 1n);
  assert.deepEqual(bigIntToU256((1n << 255n) | 1n), b.subarray(1));
  assert.throws(() => u256ToBigInt(new Uint8Array(31)));
});

test('channelIdOf reads the U32 channel_id of channel messages, known or not', () => {
  const f = decodeFrame(
    encodeMessage({
      type: 'SetTarget',
      payload: { channelId: 0x01020304, maximumTarget: new Uint8Array(32) },
    }),
  );
  assert.equal(channelIdOf(f), 0x01020304);
  const unknown = decodeFrame(hexToBytes('00c0ee050000' + '0700000099'));
  assert.equal(unknown.header.extensionType, 0x4000);
  assert.equal(channelIdOf(unknown), 7);
  assert.throws(
    () => channelIdOf(decodeFrame(hexToBytes('408001020000aabb'))),
    code(StratumErrorCode.MALFORMED),
  );
  assert.throws(
    () => channelIdOf(decodeFrame(hexToBytes('000001060000' + '020000000000'))),
    code(StratumErrorCode.INVALID_VALUE),
  );
});

test('channel_msg bits per 08: SetCustomMiningJob(.Success/.Error) 1, PushSolution 0; no IdentifyTransactions', () => {
  const ext = (m: Sv2Message) => {
    const b = encodeMessage(m);
    return b[0]! | (b[1]! << 8);
  };
  const custom: Sv2Message = {
    type: 'SetCustomMiningJob',
    payload: {
      channelId: 7,
      requestId: 1,
      miningJobToken: Uint8Array.of(0xab),
      version: 0x20000000,
      prevHash: new Uint8Array(32),
      minNtime: 1,
      nbits: 0x207fffff,
      coinbaseTxVersion: 2,
      coinbasePrefix: new Uint8Array(0),
      coinbaseTxInputNSequence: 0xffffffff,
      coinbaseTxOutputs: Uint8Array.of(0),
      coinbaseTxLocktime: 0,
      merklePath: [],
    },
  };
  assert.equal(ext(custom), 0x8000);
  assert.equal(channelIdOf(decodeFrame(encodeMessage(custom))), 7);
  assert.equal(
    ext({ type: 'SetCustomMiningJobSuccess', payload: { channelId: 7, requestId: 1, jobId: 9 } }),
    0x8000,
  );
  assert.equal(
    ext({
      type: 'SetCustomMiningJobError',
      payload: { channelId: 7, requestId: 1, errorCode: 'invalid-mining-job-token' },
    }),
    0x8000,
  );
  const push: Sv2Message = {
    type: 'PushSolution',
    payload: {
      extranonce: new Uint8Array(16),
      prevHash: new Uint8Array(32),
      nonce: 1,
      ntime: 2,
      nbits: 3,
      version: 4,
    },
  };
  assert.equal(ext(push), 0x0000);
  assert.equal(encodeMessage(push)[2], 0x60);
  // 0x53/0x54 (IdentifyTransactions) were removed from 06/08: unknown now.
  assert.throws(
    () => decodeMessage(Uint8Array.of(0, 0, 0x53, 4, 0, 0, 1, 0, 0, 0)),
    code(StratumErrorCode.UNKNOWN_MESSAGE),
  );
});
