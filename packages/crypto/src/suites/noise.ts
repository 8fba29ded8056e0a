import type { ConformanceSuite, SuiteContext } from '@keel/conformance';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@keel/util';
import { CryptoError, CryptoErrorCode } from '../errors.ts';
import { sha256 } from '../hashes/index.ts';
import { createHandshake, type HandshakeState } from '../noise/handshakeState.ts';
import { HANDSHAKE_PATTERNS, PATTERN_NX } from '../noise/patterns.ts';
import {
  cipherChaChaPoly,
  hashSha256,
  SUITE_25519_CHACHAPOLY_SHA256,
} from '../noise/primitives.ts';
import { SUITE_SECP256K1_ELLSWIFT_CHACHAPOLY_SHA256 } from '../noise/sv2.ts';
import { initialHandshakeHash, SymmetricState } from '../noise/symmetricState.ts';
import type { NoiseTransport } from '../noise/transport.ts';

interface CacophonyVector {
  protocol_name: string;
  init_prologue: string;
  init_static?: string;
  init_ephemeral: string;
  init_remote_static?: string;
  resp_prologue: string;
  resp_static?: string;
  resp_ephemeral: string;
  resp_remote_static?: string;
  handshake_hash: string;
  messages: { payload: string; ciphertext: string }[];
}

interface Sv2Handshake {
  protocol_name: string;
  protocol_name_sha256: string;
  initial_state: { ck: string; h: string };
  sizes_bytes: {
    act1_initiator_to_responder: number;
    act2_responder_to_initiator: number;
    signature_noise_message: number;
  };
}

const CACOPHONY = 'noise/cacophony_25519_chachapoly_sha256.json';
const SV2 = 'noise/sv2.json';
/** Messages per cacophony vector (handshake + transport) and vectors in the file. */
const MESSAGES_PER_VECTOR = 6;
const VECTORS = 3;
const SV2_CASES = 4;

export const noiseSuite: ConformanceSuite = {
  name: 'noise',
  description:
    'Noise rev 34 engine: cacophony NX/NN/XX 25519_ChaChaPoly_SHA256 replays (every message + handshake hash); SV2 protocol-name hash, initial ck/h and act sizes (Secp256k1+EllSwift)',
  files: [CACOPHONY, SV2],
  expectedCases: VECTORS * (MESSAGES_PER_VECTOR + 1) + SV2_CASES,
  async run(ctx) {
    const { vectors } = ctx.readJson(CACOPHONY) as { vectors: CacophonyVector[] };
    for (const v of vectors) await replayCacophony(ctx, v);
    const { handshake } = ctx.readJson(SV2) as { handshake: Sv2Handshake };
    await sv2Cases(ctx, handshake);
  },
};

function side(v: CacophonyVector, initiator: boolean): HandshakeState {
  const patternName = /^Noise_([A-Z]+)_25519_ChaChaPoly_SHA256$/.exec(v.protocol_name)?.[1];
  const pattern = patternName === undefined ? undefined : HANDSHAKE_PATTERNS[patternName];
  if (pattern === undefined) {
    throw new CryptoError(CryptoErrorCode.INVALID_INPUT, `unsupported protocol ${v.protocol_name}`);
  }
  const dh = SUITE_25519_CHACHAPOLY_SHA256.dh;
  const pair = (hex: string | undefined) =>
    hex === undefined ? undefined : dh.keyPairFromPrivate(hexToBytes(hex));
  const opt = (hex: string | undefined) => (hex === undefined ? undefined : hexToBytes(hex));
  const p = initiator ? 'init' : 'resp';
  const s = pair(v[`${p}_static`]);
  const e = pair(v[`${p}_ephemeral`]);
  const rs = opt(v[`${p}_remote_static`]);
  return createHandshake({
    suite: SUITE_25519_CHACHAPOLY_SHA256,
    pattern,
    initiator,
    prologue: hexToBytes(v[`${p}_prologue`]),
    ...(s && { s }),
    ...(e && { e }),
    ...(rs && { rs }),
  });
}

async function replayCacophony(ctx: SuiteContext, v: CacophonyVector): Promise<void> {
  const id = v.protocol_name;
  let init: HandshakeState | undefined;
  let resp: HandshakeState | undefined;
  let transports: [NoiseTransport, NoiseTransport] | undefined;
  const hsCount = () => HANDSHAKE_PATTERNS[id.split('_')[1]!]?.messages.length ?? 0;
  if (v.messages.length !== MESSAGES_PER_VECTOR) {
    throw new CryptoError(
      CryptoErrorCode.INVALID_INPUT,
      `${id}: ${v.messages.length} messages, expected ${MESSAGES_PER_VECTOR}`,
    );
  }
  for (const [i, m] of v.messages.entries()) {
    await ctx.check(`${id}/message-${i}`, () => {
      init ??= side(v, true);
      resp ??= side(v, false);
      const payload = hexToBytes(m.payload);
      const fromInit = i % 2 === 0;
      let wire: Uint8Array;
      let got: Uint8Array;
      if (i < hsCount()) {
        const [w, r] = fromInit ? [init, resp] : [resp, init];
        wire = w.writeMessage(payload);
        got = r.readMessage(wire);
      } else {
        transports ??= [init.split(), resp.split()];
        const [w, r] = fromInit ? transports : [transports[1], transports[0]];
        wire = w.encrypt(payload);
        got = r.decrypt(wire);
      }
      ctx.expectEqual(bytesToHex(wire), m.ciphertext.toLowerCase(), 'ciphertext');
      ctx.expectEqual(bytesToHex(got), m.payload.toLowerCase(), 'decrypted payload');
    });
  }
  await ctx.check(`${id}/handshake-hash`, () => {
    ctx.expectTrue(transports !== undefined, 'handshake did not complete');
    const [ti, tr] = transports!;
    ctx.expectEqual(bytesToHex(ti.handshakeHash), v.handshake_hash.toLowerCase(), 'initiator h');
    ctx.expectEqual(bytesToHex(tr.handshakeHash), v.handshake_hash.toLowerCase(), 'responder h');
  });
}

async function sv2Cases(ctx: SuiteContext, hs: Sv2Handshake): Promise<void> {
  await ctx.check('sv2/protocol-name-hash', () => {
    ctx.expectEqual(
      bytesToHex(initialHandshakeHash(hashSha256, hs.protocol_name)),
      hs.protocol_name_sha256,
    );
  });
  await ctx.check('sv2/initial-ck-h', () => {
    const ss = new SymmetricState(hs.protocol_name, cipherChaChaPoly, hashSha256);
    ss.mixHash(new Uint8Array(0)); // SV2 uses an empty prologue
    ctx.expectEqual(bytesToHex(ss.chainingKey), hs.initial_state.ck, 'ck');
    ctx.expectEqual(bytesToHex(ss.handshakeHash), hs.initial_state.h, 'h');
  });
  await sv2SizeCases(ctx, hs);
}

/** Act sizes of the SV2 handshake with fixed keys and a 74-byte SIGNATURE_NOISE_MESSAGE. */
async function sv2SizeCases(ctx: SuiteContext, hs: Sv2Handshake): Promise<void> {
  const suite = SUITE_SECP256K1_ELLSWIFT_CHACHAPOLY_SHA256;
  const key = (label: string) =>
    suite.dh.keyPairFromPrivate(sha256(utf8ToBytes(`keel noise sv2 ${label}`)));
  const init = createHandshake({ suite, pattern: PATTERN_NX, initiator: true, e: key('ie') });
  const resp = createHandshake({
    suite,
    pattern: PATTERN_NX,
    initiator: false,
    e: key('re'),
    s: key('rs'),
  });
  await ctx.check('sv2/act1-size', () => {
    ctx.expectEqual(init.protocolName, hs.protocol_name, 'protocol name');
    const act1 = init.writeMessage();
    ctx.expectEqual(act1.length, hs.sizes_bytes.act1_initiator_to_responder, 'act 1 length');
    ctx.expectEqual(resp.readMessage(act1).length, 0, 'act 1 payload');
  });
  await ctx.check('sv2/act2-size', () => {
    const sigMsg = new Uint8Array(hs.sizes_bytes.signature_noise_message).fill(0x5a);
    const act2 = resp.writeMessage(sigMsg);
    ctx.expectEqual(act2.length, hs.sizes_bytes.act2_responder_to_initiator, 'act 2 length');
    ctx.expectEqual(bytesToHex(init.readMessage(act2)), bytesToHex(sigMsg), 'act 2 payload');
    ctx.expectEqual(bytesToHex(init.remoteStatic!), bytesToHex(key('rs').publicKey), 'rs');
    const [ti, tr] = [init.split(), resp.split()];
    ctx.expectEqual(bytesToHex(ti.handshakeHash), bytesToHex(tr.handshakeHash), 'h');
  });
}
