/**
 * SV2's `Noise_NX_Secp256k1+EllSwift_ChaChaPoly_SHA256` handshake (sv2-spec 04 §4.5) as two pure
 * state machines over @keel/crypto's Noise engine:
 *   act 1  initiator → responder: e (64 bytes, EllSwift)
 *   act 2  responder → initiator: e, ee, s, es, SIGNATURE_NOISE_MESSAGE (64 + 80 + 90 = 234 bytes)
 * The initiator then checks the certificate against the pinned authority key at the injected
 * time. Both sides end with an `Sv2NoiseSession` (c1 initiator→responder, c2 the other way).
 */
import {
  createHandshake,
  type HandshakeState,
  type NoiseKeyPair,
  type RandomBytes,
  SUITE_SECP256K1_ELLSWIFT_CHACHAPOLY_SHA256,
  SV2_NOISE_PATTERN,
} from '@keel/crypto/noise';
import type { Secp256k1Backend } from '@keel/crypto/secp256k1';
import { type ErrorMeta, isKeelError } from '@keel/util';
import { StratumError, StratumErrorCode } from '../errors.ts';
import {
  decodeSignatureNoiseMessage,
  encodeSignatureNoiseMessage,
  type SignatureNoiseMessage,
  verifyCertificate,
} from './certificate.ts';
import { Sv2NoiseSession } from './session.ts';

export const ACT_ONE_SIZE = 64;
export const ACT_TWO_SIZE = 234;

/** Maps crypto-layer failures to typed stratum errors (bad MAC vs. malformed handshake). */
function wrap<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof StratumError) throw e;
    const code = isKeelError(e) ? e.code : 'unknown';
    const meta: ErrorMeta = { cause: code };
    if (code === 'ERR_CRYPTO_DECRYPT_FAILED') {
      throw new StratumError(
        StratumErrorCode.BAD_MAC,
        `${what}: authentication tag mismatch`,
        meta,
      );
    }
    const msg = e instanceof Error ? e.message : String(e);
    throw new StratumError(StratumErrorCode.HANDSHAKE, `${what}: ${msg}`, meta);
  }
}

export function generateStaticKey(random: RandomBytes): NoiseKeyPair {
  return SUITE_SECP256K1_ELLSWIFT_CHACHAPOLY_SHA256.dh.generateKeyPair(random);
}

export function staticKeyFromPrivate(sk: Uint8Array): NoiseKeyPair {
  return wrap('static key', () =>
    SUITE_SECP256K1_ELLSWIFT_CHACHAPOLY_SHA256.dh.keyPairFromPrivate(sk),
  );
}

export interface Sv2InitiatorOptions {
  /** Pinned pool authority key, 32-byte x-only. */
  readonly authorityPublicKey: Uint8Array;
  readonly random: RandomBytes;
  readonly secp?: Secp256k1Backend;
  /** Fixed ephemeral key (tests only). */
  readonly ephemeral?: NoiseKeyPair;
}

export class Sv2NoiseInitiator {
  private readonly hs: HandshakeState;
  private readonly opts: Sv2InitiatorOptions;
  private state: 'start' | 'sent' | 'done' | 'failed' = 'start';
  /** The certificate the server presented (after a successful `readActTwo`). */
  certificate: SignatureNoiseMessage | undefined;
  /** The server's static key, 64-byte EllSwift (after `readActTwo`). */
  serverStaticKey: Uint8Array | undefined;

  constructor(opts: Sv2InitiatorOptions) {
    this.opts = opts;
    this.hs = createHandshake({
      suite: SUITE_SECP256K1_ELLSWIFT_CHACHAPOLY_SHA256,
      pattern: SV2_NOISE_PATTERN,
      initiator: true,
      random: opts.random,
      ...(opts.ephemeral ? { e: opts.ephemeral } : {}),
    });
  }

  /** Act 1: the 64-byte ephemeral key. */
  writeActOne(): Uint8Array {
    if (this.state !== 'start') throw handshakeOrder('writeActOne', this.state);
    const out = wrap('act 1', () => this.hs.writeMessage());
    this.state = 'sent';
    return out;
  }

  /**
   * Act 2: decrypts the server's static key and certificate, verifies the certificate at
   * `now` (unix seconds) and returns the transport session.
   */
  readActTwo(message: Uint8Array, now: number): Sv2NoiseSession {
    if (this.state !== 'sent') throw handshakeOrder('readActTwo', this.state);
    this.state = 'failed';
    if (message.length !== ACT_TWO_SIZE) {
      throw new StratumError(
        StratumErrorCode.HANDSHAKE,
        `act 2 must be ${ACT_TWO_SIZE} bytes, got ${message.length}`,
      );
    }
    const payload = wrap('act 2', () => this.hs.readMessage(message));
    const cert = decodeSignatureNoiseMessage(payload);
    const rs = this.hs.remoteStatic!;
    verifyCertificate({
      certificate: cert,
      serverStaticKey: rs,
      authorityPublicKey: this.opts.authorityPublicKey,
      now,
      ...(this.opts.secp ? { secp: this.opts.secp } : {}),
    });
    this.certificate = cert;
    this.serverStaticKey = rs;
    this.state = 'done';
    return new Sv2NoiseSession(wrap('split', () => this.hs.split()));
  }
}

export interface Sv2ResponderOptions {
  /** The server's static key pair (EllSwift public key). */
  readonly staticKey: NoiseKeyPair;
  /** Certificate over `staticKey` signed by the authority key (see `signCertificate`). */
  readonly certificate: SignatureNoiseMessage;
  readonly random: RandomBytes;
  readonly ephemeral?: NoiseKeyPair;
}

export interface Sv2ResponderResult {
  /** Act 2 bytes to send to the initiator. */
  readonly actTwo: Uint8Array;
  readonly session: Sv2NoiseSession;
}

export class Sv2NoiseResponder {
  private readonly hs: HandshakeState;
  private readonly cert: Uint8Array;
  private done = false;

  constructor(opts: Sv2ResponderOptions) {
    this.cert = encodeSignatureNoiseMessage(opts.certificate);
    this.hs = createHandshake({
      suite: SUITE_SECP256K1_ELLSWIFT_CHACHAPOLY_SHA256,
      pattern: SV2_NOISE_PATTERN,
      initiator: false,
      s: opts.staticKey,
      random: opts.random,
      ...(opts.ephemeral ? { e: opts.ephemeral } : {}),
    });
  }

  /** Consumes act 1 (exactly 64 bytes) and produces act 2 and the session. */
  readActOne(message: Uint8Array): Sv2ResponderResult {
    if (this.done) throw handshakeOrder('readActOne', 'done');
    this.done = true;
    if (message.length !== ACT_ONE_SIZE) {
      throw new StratumError(
        StratumErrorCode.HANDSHAKE,
        `act 1 must be ${ACT_ONE_SIZE} bytes, got ${message.length}`,
      );
    }
    wrap('act 1', () => this.hs.readMessage(message));
    const actTwo = wrap('act 2', () => this.hs.writeMessage(this.cert));
    return { actTwo, session: new Sv2NoiseSession(wrap('split', () => this.hs.split())) };
  }
}

function handshakeOrder(call: string, state: string): StratumError {
  return new StratumError(StratumErrorCode.HANDSHAKE, `${call} called in state ${state}`);
}
