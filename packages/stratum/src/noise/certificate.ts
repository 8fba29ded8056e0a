/**
 * The SV2 server certificate (sv2-spec 04 §4.5.2–4.5.3). The responder sends
 * SIGNATURE_NOISE_MESSAGE = version U16 ‖ valid_from U32 ‖ not_valid_after U32 ‖ signature (64),
 * encrypted inside act 2. The signed message is
 * m = SHA-256(version ‖ valid_from ‖ not_valid_after ‖ server static x-only key), signed with
 * BIP340 by the pool's authority key. The 64-byte EllSwift static key is decoded to its x
 * coordinate for this.
 */
import { sha256 } from '@keel/crypto/hashes';
import { ellswiftDecode, nobleSecp256k1, type Secp256k1Backend } from '@keel/crypto/secp256k1';
import { BufferReader, BufferWriter } from '@keel/util';
import { StratumError, StratumErrorCode } from '../errors.ts';

export const SIGNATURE_NOISE_MESSAGE_SIZE = 74;

export interface CertificateValidity {
  /** Certificate format version (0 today). */
  readonly version: number;
  /** Unix seconds. */
  readonly validFrom: number;
  /** Unix seconds; the certificate is invalid after this second. */
  readonly notValidAfter: number;
}

export interface SignatureNoiseMessage extends CertificateValidity {
  /** 64-byte BIP340 signature by the authority key. */
  readonly signature: Uint8Array;
}

export function encodeSignatureNoiseMessage(m: SignatureNoiseMessage): Uint8Array {
  if (m.signature.length !== 64) {
    throw new StratumError(
      StratumErrorCode.INVALID_VALUE,
      'certificate signature must be 64 bytes',
    );
  }
  return new BufferWriter(SIGNATURE_NOISE_MESSAGE_SIZE)
    .u16le(m.version)
    .u32le(m.validFrom)
    .u32le(m.notValidAfter)
    .bytes(m.signature)
    .finish();
}

export function decodeSignatureNoiseMessage(b: Uint8Array): SignatureNoiseMessage {
  if (b.length !== SIGNATURE_NOISE_MESSAGE_SIZE) {
    throw new StratumError(
      StratumErrorCode.HANDSHAKE,
      `SIGNATURE_NOISE_MESSAGE must be ${SIGNATURE_NOISE_MESSAGE_SIZE} bytes, got ${b.length}`,
    );
  }
  const r = new BufferReader(b);
  return {
    version: r.u16le(),
    validFrom: r.u32le(),
    notValidAfter: r.u32le(),
    signature: r.copyBytes(64),
  };
}

/** x-only form of a server static key given as 64-byte EllSwift or 32-byte x-only. */
export function serverKeyXOnly(serverStaticKey: Uint8Array): Uint8Array {
  if (serverStaticKey.length === 32) return serverStaticKey;
  if (serverStaticKey.length === 64) return ellswiftDecode(serverStaticKey);
  throw new StratumError(
    StratumErrorCode.INVALID_VALUE,
    'server key must be 32 (x-only) or 64 (EllSwift) bytes',
  );
}

/** m = SHA-256(version U16 ‖ valid_from U32 ‖ not_valid_after U32 ‖ server x-only key). */
export function certificateMessageHash(
  v: CertificateValidity,
  serverStaticKey: Uint8Array,
): Uint8Array {
  const w = new BufferWriter(42).u16le(v.version).u32le(v.validFrom).u32le(v.notValidAfter);
  return sha256(w.bytes(serverKeyXOnly(serverStaticKey)).finish());
}

export interface SignCertificateParameters extends CertificateValidity {
  /** The responder's static public key (64-byte EllSwift or 32-byte x-only). */
  readonly serverStaticKey: Uint8Array;
  readonly authoritySecretKey: Uint8Array;
  /** 32 bytes of BIP340 auxiliary randomness (injected; zeros when omitted). */
  readonly auxRand?: Uint8Array;
  readonly secp?: Secp256k1Backend;
}

export function signCertificate(p: SignCertificateParameters): SignatureNoiseMessage {
  const secp = p.secp ?? nobleSecp256k1;
  const m = certificateMessageHash(p, p.serverStaticKey);
  const signature = secp.schnorrSign(m, p.authoritySecretKey, p.auxRand);
  return { version: p.version, validFrom: p.validFrom, notValidAfter: p.notValidAfter, signature };
}

export interface VerifyCertificateParameters {
  readonly certificate: SignatureNoiseMessage;
  readonly serverStaticKey: Uint8Array;
  /** The pinned pool authority key, 32-byte x-only. */
  readonly authorityPublicKey: Uint8Array;
  /** Current time, unix seconds (injected: this package reads no clock). */
  readonly now: number;
  /**
   * Seconds a certificate may start early against `now` (clock skew). Default
   * `CERTIFICATE_CLOCK_LEEWAY` (10, as SRI, which signs with valid_from = now).
   */
  readonly leewaySeconds?: number;
  readonly secp?: Secp256k1Backend;
}

/** Clock skew allowed on valid_from (SRI's 10 s). */
export const CERTIFICATE_CLOCK_LEEWAY = 10;

/**
 * Throws BAD_CERTIFICATE when the version is not 0 (04 §4.5.2) or when the signature does not verify under the authority key (which is
 * what a wrong authority key looks like), CERTIFICATE_EXPIRED when `now` is outside
 * [valid_from − leeway, not_valid_after].
 */
export function verifyCertificate(p: VerifyCertificateParameters): void {
  const secp = p.secp ?? nobleSecp256k1;
  const c = p.certificate;
  if (p.authorityPublicKey.length !== 32) {
    throw new StratumError(
      StratumErrorCode.INVALID_VALUE,
      'authority public key must be 32 bytes (x-only)',
    );
  }
  if (c.version !== 0) {
    throw new StratumError(
      StratumErrorCode.BAD_CERTIFICATE,
      `server certificate version ${c.version} is not 0 (the only version 04 §4.5.2 defines)`,
    );
  }
  const m = certificateMessageHash(c, p.serverStaticKey);
  if (!secp.schnorrVerify(c.signature, m, p.authorityPublicKey)) {
    throw new StratumError(
      StratumErrorCode.BAD_CERTIFICATE,
      'server certificate signature does not verify under the pinned authority key',
    );
  }
  const leeway = p.leewaySeconds ?? CERTIFICATE_CLOCK_LEEWAY;
  if (p.now + leeway < c.validFrom || p.now > c.notValidAfter) {
    throw new StratumError(
      StratumErrorCode.CERTIFICATE_EXPIRED,
      `server certificate is valid from ${c.validFrom} to ${c.notValidAfter}, now is ${p.now}`,
      { validFrom: c.validFrom, notValidAfter: c.notValidAfter, now: p.now },
    );
  }
}
