import type { ConformanceSuite, SuiteContext } from '@keel/conformance';
import { bytesToHex, hexToBytes } from '@keel/util';
import { deriveV2TransportKeys, V2PacketCipher } from '../secp256k1/bip324.ts';
import {
  ellswiftDecode,
  ellswiftEcdhXonly,
  ellswiftXdh,
  xswiftec,
  xswiftecInv,
} from '../secp256k1/ellswift.ts';
import { nobleSecp256k1 } from '../secp256k1/noble.ts';
import { parseCsv } from './_secp256k1Variant.ts';

const DIR = 'bips/bip-0324';
const DECODE = `${DIR}/ellswift_decode_test_vectors.csv`;
const INV = `${DIR}/xswiftec_inv_test_vectors.csv`;
const PACKET = `${DIR}/packet_encoding_test_vectors.csv`;
/** The vectors are generated for mainnet. */
const MAINNET_MAGIC = hexToBytes('f9beb4d9');

function packetCase(ctx: SuiteContext, row: Record<string, string>): void {
  const h = (k: string) => hexToBytes(row[k]!);
  const initiating = row.in_initiating === '1';
  const sk = h('in_priv_ours');
  const ours = h('in_ellswift_ours');
  const theirs = h('in_ellswift_theirs');
  ctx.expectEqual(bytesToHex(nobleSecp256k1.xOnlyPublicKey(sk)), row.mid_x_ours, 'x(priv·G)');
  ctx.expectEqual(bytesToHex(ellswiftDecode(ours)), row.mid_x_ours, 'decode(ellswift_ours)');
  ctx.expectEqual(bytesToHex(ellswiftDecode(theirs)), row.mid_x_theirs, 'decode(ellswift_theirs)');
  ctx.expectEqual(bytesToHex(ellswiftEcdhXonly(theirs, sk)), row.mid_x_shared, 'x-only ECDH');
  const [a, b] = initiating ? [ours, theirs] : [theirs, ours];
  const secret = ellswiftXdh(a, b, sk, initiating);
  ctx.expectEqual(bytesToHex(secret), row.mid_shared_secret, 'v2_ecdh shared secret');
  const keys = deriveV2TransportKeys(secret, initiating, MAINNET_MAGIC);
  ctx.expectEqual(bytesToHex(keys.initiatorL), row.mid_initiator_l, 'initiator_L');
  ctx.expectEqual(bytesToHex(keys.initiatorP), row.mid_initiator_p, 'initiator_P');
  ctx.expectEqual(bytesToHex(keys.responderL), row.mid_responder_l, 'responder_L');
  ctx.expectEqual(bytesToHex(keys.responderP), row.mid_responder_p, 'responder_P');
  ctx.expectEqual(
    bytesToHex(keys.sendGarbageTerminator),
    row.mid_send_garbage_terminator,
    'send terminator',
  );
  ctx.expectEqual(
    bytesToHex(keys.recvGarbageTerminator),
    row.mid_recv_garbage_terminator,
    'recv terminator',
  );
  ctx.expectEqual(bytesToHex(keys.sessionId), row.out_session_id, 'session id');
  const cipher = new V2PacketCipher(keys, initiating);
  // in_idx packets with empty contents come first (this exercises rekeying at 224 and 448).
  for (let i = 0; i < Number(row.in_idx); i++) cipher.encrypt(new Uint8Array(0));
  const unit = h('in_contents');
  const times = Number(row.in_multiply);
  const contents = new Uint8Array(unit.length * times);
  for (let i = 0; i < times; i++) contents.set(unit, i * unit.length);
  const ct = bytesToHex(cipher.encrypt(contents, h('in_aad'), row.in_ignore === '1'));
  if (row.out_ciphertext) ctx.expectEqual(ct, row.out_ciphertext, 'ciphertext');
  if (row.out_ciphertext_endswith) {
    ctx.expectTrue(ct.endsWith(row.out_ciphertext_endswith), 'ciphertext suffix mismatch');
  }
}

/** BIP324: ElligatorSwift decoding, XSwiftECInv, and full v2 packet encoding. */
export const bip324Suite: ConformanceSuite = {
  name: 'bip324-ellswift',
  description:
    'BIP324: ElligatorSwift decode, XSwiftECInv (8 cases per u), ECDH/HKDF/garbage terminators/session id/packet encryption',
  files: [DECODE, INV, PACKET],
  ownsDirs: [DIR],
  expectedCases: 76 + 32 + 7,
  run(ctx) {
    parseCsv(ctx.readText(DECODE)).forEach((row, i) => {
      ctx.check(`decode-${i}`, () => {
        ctx.expectEqual(bytesToHex(ellswiftDecode(hexToBytes(row.ellswift!))), row.x, row.comment);
      });
    });
    parseCsv(ctx.readText(INV)).forEach((row, i) => {
      ctx.check(`xswiftec_inv-${i}`, () => {
        const u = BigInt(`0x${row.u}`);
        const x = BigInt(`0x${row.x}`);
        for (let c = 0; c < 8; c++) {
          const t = xswiftecInv(x, u, c);
          const got = t === null ? '' : t.toString(16).padStart(64, '0');
          ctx.expectEqual(got, row[`case${c}_t`], `case ${c}`);
          if (t !== null) ctx.expectTrue(xswiftec(u, t) === x, `case ${c}: XSwiftEC(u, t) != x`);
        }
      });
    });
    parseCsv(ctx.readText(PACKET)).forEach((row, i) => {
      ctx.check(`packet-${i}-idx${row.in_idx}`, () => packetCase(ctx, row));
    });
  },
};
