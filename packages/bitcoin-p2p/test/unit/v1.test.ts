import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networks } from '@keel/bitcoin/consensus';
import { bytesToHex, concatBytes, encodeCompactSize, hexToBytes } from '@keel/util';
import {
  decodeMessage,
  encodeV1Frame,
  encodeV1Message,
  P2PError,
  type TransportEvent,
  V1Decoder,
} from '../../src/index.ts';

const MAGIC = networks.regtest.magic;

function feed(d: V1Decoder, bytes: Uint8Array, chunk = 1): TransportEvent[] {
  const out: TransportEvent[] = [];
  for (let i = 0; i < bytes.length; i += chunk) out.push(...d.push(bytes.subarray(i, i + chunk)));
  return out;
}

function errorOf(e: TransportEvent | undefined): P2PError {
  assert.ok(e && e.kind === 'error', `expected an error event, got ${JSON.stringify(e?.kind)}`);
  return e.error;
}

test('verack frame is the regtest bytes every node sends (checksum of empty = 5df6e0e2)', () => {
  const frame = encodeV1Message(MAGIC, { command: 'verack', payload: null });
  assert.equal(bytesToHex(frame), 'fabfb5da76657261636b000000000000000000005df6e0e2');
});

test('V1Decoder yields messages from one-byte chunks and from one big chunk', () => {
  const ping = encodeV1Message(MAGIC, { command: 'ping', payload: 0x0102030405060708n });
  const verack = encodeV1Message(MAGIC, { command: 'verack', payload: null });
  const stream = concatBytes(ping, verack, ping);
  for (const chunk of [1, 7, stream.length]) {
    const evs = feed(new V1Decoder({ magic: MAGIC }), stream, chunk);
    assert.deepEqual(
      evs.map((e) => (e.kind === 'message' ? e.message.command : e.kind)),
      ['ping', 'verack', 'ping'],
    );
    const first = evs[0]!;
    assert.ok(first.kind === 'message' && first.message.payload === 0x0102030405060708n);
  }
});

test('wrong magic is fatal: disconnect, and nothing more is decoded', () => {
  const d = new V1Decoder({ magic: MAGIC });
  const main = encodeV1Message(networks.main.magic, { command: 'verack', payload: null });
  const evs = feed(
    d,
    concatBytes(main, encodeV1Message(MAGIC, { command: 'verack', payload: null })),
  );
  assert.equal(evs.length, 1);
  const err = errorOf(evs[0]);
  assert.equal(err.verdict, 'disconnect');
  assert.match(err.message, /wrong magic f9beb4d9/);
  assert.ok(d.failed);
});

test('a length over 4,000,000 is refused from the header alone (no payload needed)', () => {
  const header = encodeV1Frame(MAGIC, 'block', new Uint8Array(0)).slice(0, 24);
  new DataView(header.buffer).setUint32(16, 4_000_001, true);
  const err = errorOf(new V1Decoder({ magic: MAGIC }).push(header)[0]);
  assert.equal(err.code, 'ERR_P2P_OVERSIZED');
  assert.equal(err.verdict, 'disconnect');
  // Exactly the limit is allowed: the decoder waits for the payload.
  new DataView(header.buffer).setUint32(16, 4_000_000, true);
  assert.deepEqual(new V1Decoder({ magic: MAGIC }).push(header), []);
});

test('bad checksum and invalid command drop the message; the stream goes on (Core net.cpp)', () => {
  const bad = encodeV1Message(MAGIC, { command: 'ping', payload: 1n });
  bad[20] = bad[20]! ^ 1;
  const badCmd = encodeV1Frame(MAGIC, 'ping', new Uint8Array(8));
  badCmd[5] = 0x01; // a control character inside the command
  const badPad = encodeV1Frame(MAGIC, 'ping', new Uint8Array(8));
  badPad[15] = 0x41; // a letter after the NUL padding started
  const good = encodeV1Message(MAGIC, { command: 'pong', payload: 2n });
  const d = new V1Decoder({ magic: MAGIC });
  const evs = feed(d, concatBytes(bad, badCmd, badPad, good), 5);
  assert.equal(evs.length, 4);
  const e0 = errorOf(evs[0]);
  assert.match(e0.message, /checksum/);
  assert.equal(e0.verdict, 'ignore');
  assert.equal(errorOf(evs[1]).verdict, 'ignore');
  assert.equal(errorOf(evs[2]).verdict, 'ignore');
  assert.ok(evs[3]!.kind === 'message' && evs[3]!.message.command === 'pong');
  assert.ok(!d.failed);
});

test('unknown commands are reported as ignored, not as errors', () => {
  const evs = new V1Decoder({ magic: MAGIC }).push(
    encodeV1Frame(MAGIC, 'filterload', Uint8Array.of(0)),
  );
  assert.deepEqual(evs, [{ kind: 'unknown', command: 'filterload', size: 1 }]);
  assert.equal(decodeMessage('filterload', new Uint8Array(3)), null);
});

function countOnly(n: number): Uint8Array {
  return encodeCompactSize(n);
}

test("Core's count limits, checked before allocating, with Core's verdicts", () => {
  const cases: [string, Uint8Array, string, RegExp][] = [
    ['inv', countOnly(50_001), 'discourage', /inv message size = 50001/],
    ['getdata', countOnly(50_001), 'discourage', /getdata message size = 50001/],
    ['notfound', countOnly(50_001), 'ignore', /notfound message size/],
    ['headers', countOnly(2_001), 'discourage', /headers message size = 2001/],
    ['addr', countOnly(1_001), 'discourage', /addr message size = 1001/],
    ['addrv2', countOnly(1_001), 'discourage', /addrv2 message size = 1001/],
    ['getheaders', concatBytes(new Uint8Array(4), countOnly(102)), 'disconnect', /102 locator/],
    ['getblocks', concatBytes(new Uint8Array(4), countOnly(102)), 'disconnect', /102 locator/],
  ];
  for (const [command, bytes, verdict, re] of cases) {
    assert.throws(
      () => decodeMessage(command, bytes),
      (e: unknown) => {
        assert.ok(e instanceof P2PError, `${command}: ${String(e)}`);
        assert.equal(e.verdict, verdict, command);
        assert.match(e.message, re);
        return true;
      },
    );
  }
  // A count within the limit but larger than the bytes present is malformed, not allocated.
  assert.throws(() => decodeMessage('inv', countOnly(50_000)), /need at least 1800000 bytes/);
});

test('version: user agent over 256 bytes is refused; an old short version decodes', () => {
  const base = hexToBytes(
    `${'62ea0000'}${'01'.padEnd(16, '0')}${'00'.repeat(8)}${'00'.repeat(26)}`,
  );
  const short = decodeMessage('version', base);
  assert.ok(short?.command === 'version');
  assert.equal(short.payload.version, 60002);
  assert.equal(short.payload.relay, true);
  const long = concatBytes(base, new Uint8Array(34), encodeCompactSize(257), new Uint8Array(257));
  assert.throws(() => decodeMessage('version', long), /user agent of 257 bytes exceeds 256/);
});
