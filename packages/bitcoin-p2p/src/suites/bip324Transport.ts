/**
 * Conformance suite `bip324-transport`: BIP324's packet-encoding vectors driven through
 * keel's V2Transport state machine (not the bare ciphers, which @keel/crypto's bip324-ellswift
 * suite covers). Per row, the transport is built from the vector's key, handshakes with the
 * vector's other key, and must produce the vector's session id, garbage terminator and packet
 * ciphertext at the vector's packet index (the version packet for index 0, with the vector's
 * AAD as our garbage; decoys to reach later indexes, across the 224-packet rekeys). The receive
 * path then decrypts the same packet sent the other way by @keel/crypto's cipher keyed from the
 * vector's shared secret. Contents above Core's 4,000,013-byte cap need raised limits, and the
 * default limits must refuse them.
 */
import type { ConformanceSuite, CountContext, SuiteContext } from '@keel/conformance';
import { deriveV2TransportKeys, FSChaCha20, V2PacketCipher } from '@keel/crypto/secp256k1';
import { bytesToHex, concatBytes, hexToBytes } from '@keel/util';
import { defaultP2PLimits, type P2PLimits } from '../limits.ts';
import type { TransportEvent } from '../v1.ts';
import { V2Transport } from '../v2/transport.ts';

const FILE = 'bips/bip-0324/packet_encoding_test_vectors.csv';
/** The vectors are generated for mainnet. */
const MAINNET_MAGIC = hexToBytes('f9beb4d9');
const EMPTY = new Uint8Array(0);

type Row = Record<string, string>;

function rows(text: string): Row[] {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0]!.split(',');
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}

/** One case per data row of the CSV (counted from its lines, not by the runner). */
function countRows(ctx: CountContext): number {
  return (
    ctx
      .readText(FILE)
      .split(/\r?\n/)
      .filter((l) => l.trim().length > 0).length - 1
  );
}

function contentsOf(row: Row): Uint8Array {
  const unit = hexToBytes(row.in_contents!);
  const times = Number(row.in_multiply);
  const out = new Uint8Array(unit.length * times);
  for (let i = 0; i < times; i++) out.set(unit, i * unit.length);
  return out;
}

function limitsFor(contentsLen: number): P2PLimits {
  const needed = contentsLen - 13;
  return needed > defaultP2PLimits.maxPayload
    ? { ...defaultP2PLimits, maxPayload: needed }
    : defaultP2PLimits;
}

function checkSend(ctx: SuiteContext, row: Row, contents: Uint8Array): V2Transport {
  const initiating = row.in_initiating === '1';
  const idx = Number(row.in_idx);
  const ours = hexToBytes(row.in_ellswift_ours!);
  const garbage = idx === 0 ? hexToBytes(row.in_aad!) : EMPTY;
  ctx.expectTrue(idx === 0 || garbage.length === 0, 'AAD only occurs on the first packet');
  const t = new V2Transport({
    initiating,
    magic: MAINNET_MAGIC,
    privateKey: hexToBytes(row.in_priv_ours!),
    ellswift: ours,
    garbage,
    versionContents: idx === 0 ? contents : EMPTY,
    limits: limitsFor(contents.length),
  });
  const start = t.start();
  ctx.expectEqual(
    bytesToHex(start),
    initiating ? bytesToHex(concatBytes(ours, garbage)) : '',
    'start',
  );
  const r = t.receive(hexToBytes(row.in_ellswift_theirs!));
  ctx.expectEqual(r.events, [], 'events after their key');
  const prefix = initiating ? 0 : ours.length + garbage.length;
  ctx.expectEqual(bytesToHex(t.sessionId ?? EMPTY), row.out_session_id, 'session id');
  ctx.expectEqual(
    bytesToHex(r.send.subarray(prefix, prefix + 16)),
    row.mid_send_garbage_terminator,
    'garbage terminator',
  );
  const version = r.send.subarray(prefix + 16);
  let ct = version;
  if (idx > 0) {
    for (let i = 1; i < idx; i++) t.sendDecoy(EMPTY);
    ct = row.in_ignore === '1' ? t.sendDecoy(contents) : t.sendContents(contents);
  }
  const hex = bytesToHex(ct);
  if (row.out_ciphertext) ctx.expectEqual(hex, row.out_ciphertext, 'ciphertext');
  if (row.out_ciphertext_endswith) {
    ctx.expectTrue(hex.endsWith(row.out_ciphertext_endswith), 'ciphertext suffix');
  }
  return t;
}

/** The same packet index the other way: encrypted by the peer's cipher, received by ours. */
function checkReceive(ctx: SuiteContext, row: Row, t: V2Transport, contents: Uint8Array): void {
  const initiating = row.in_initiating === '1';
  const idx = Number(row.in_idx);
  const secret = hexToBytes(row.mid_shared_secret!);
  const theirs = new V2PacketCipher(
    deriveV2TransportKeys(secret, !initiating, MAINNET_MAGIC),
    !initiating,
  );
  const theirGarbage = idx === 0 ? hexToBytes(row.in_aad!) : EMPTY;
  const parts = [theirGarbage, hexToBytes(row.mid_recv_garbage_terminator!)];
  parts.push(theirs.encrypt(idx === 0 ? contents : EMPTY, theirGarbage, false));
  for (let i = 1; i < idx; i++) parts.push(theirs.encrypt(EMPTY, EMPTY, true));
  const last = idx > 0 ? theirs.encrypt(contents, EMPTY, row.in_ignore === '1') : EMPTY;
  const events: TransportEvent[] = [...t.receive(concatBytes(...parts)).events];
  events.push(...t.receive(last).events);
  ctx.expectTrue(!t.failed, `receive failed: ${JSON.stringify(events.map((e) => e.kind))}`);
  ctx.expectTrue(t.established, 'version packet accepted');
  // A non-decoy application packet yields exactly one event; decoys and the version none.
  const expected = idx > 0 && row.in_ignore !== '1' ? 1 : 0;
  ctx.expectEqual(events.length, expected, 'events for the received packet');
  if (contents.length - 13 > defaultP2PLimits.maxPayload) checkRefused(ctx, row, contents);
}

/** With Core's limits, the oversized packet's length field alone disconnects. */
function checkRefused(ctx: SuiteContext, row: Row, contents: Uint8Array): void {
  const initiating = row.in_initiating === '1';
  const secret = hexToBytes(row.mid_shared_secret!);
  const keys = deriveV2TransportKeys(secret, !initiating, MAINNET_MAGIC);
  const theirs = new V2PacketCipher(keys, !initiating);
  // Their length cipher, to write the oversized length without encrypting the contents.
  const theirL = new FSChaCha20(initiating ? keys.responderL : keys.initiatorL);
  const t = new V2Transport({
    initiating,
    magic: MAINNET_MAGIC,
    privateKey: hexToBytes(row.in_priv_ours!),
    ellswift: hexToBytes(row.in_ellswift_ours!),
  });
  t.start();
  t.receive(hexToBytes(row.in_ellswift_theirs!));
  const version = theirs.encrypt(EMPTY, EMPTY, false);
  theirL.crypt(version.subarray(0, 3));
  t.receive(concatBytes(hexToBytes(row.mid_recv_garbage_terminator!), version));
  const n = contents.length;
  const evs = t.receive(theirL.crypt(Uint8Array.of(n & 0xff, (n >> 8) & 0xff, n >> 16))).events;
  const refused =
    evs.length === 1 && evs[0]!.kind === 'error' && /packet too large/.test(evs[0]!.error.message);
  ctx.expectTrue(t.failed && refused, 'default limits refuse the oversized packet');
}

export const bip324TransportSuite: ConformanceSuite = {
  name: 'bip324-transport',
  description:
    "BIP324 packet-encoding vectors through keel's V2Transport: handshake (session id, garbage terminator), packet ciphertext at each index across rekeys, the receive path, and Core's contents cap",
  files: [FILE],
  expectedCases: countRows,
  run(ctx) {
    for (const [i, row] of rows(ctx.readText(FILE)).entries()) {
      ctx.check(`packet-${i}-idx${row.in_idx}`, () => {
        const contents = contentsOf(row);
        const t = checkSend(ctx, row, contents);
        checkReceive(ctx, row, t, contents);
      });
    }
  },
};
