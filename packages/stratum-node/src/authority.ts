/**
 * The pool's authority key (sv2-spec 04 §4.7): kept in the datadir as `authority.key` (hex secret,
 * mode 0600), its x-only public key written as hex to `authority.pub` at every start. Each start
 * makes a fresh Noise static key and a certificate over it signed by the authority key.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nobleSecp256k1 } from '@keel/crypto/secp256k1';
import {
  decodeAuthorityKey,
  generateStaticKey,
  type SignatureNoiseMessage,
  signCertificate,
} from '@keel/stratum';
import { bytesToHex, hexToBytes, isKeelError } from '@keel/util';
import { StratumNodeError, StratumNodeErrorCode } from './errors.ts';
import { random } from './net/noiseConnection.ts';

export interface PoolIdentity {
  readonly authoritySecretKey: Uint8Array;
  readonly authorityPublicKey: Uint8Array;
  readonly staticKey: ReturnType<typeof generateStaticKey>;
  readonly certificate: SignatureNoiseMessage;
}

/** A fresh static key and a certificate valid from an hour ago for `validSeconds`. */
export function createIdentity(
  authoritySecretKey: Uint8Array,
  validSeconds = 365 * 86400,
): PoolIdentity {
  const now = Math.floor(Date.now() / 1000);
  const staticKey = generateStaticKey(random);
  const certificate = signCertificate({
    version: 0,
    validFrom: now - 3600,
    notValidAfter: now + validSeconds,
    serverStaticKey: staticKey.publicKey,
    authoritySecretKey,
    auxRand: random(32),
  });
  return {
    authoritySecretKey,
    authorityPublicKey: nobleSecp256k1.xOnlyPublicKey(authoritySecretKey),
    staticKey,
    certificate,
  };
}

/** Loads (or creates) `D/authority.key` and writes `D/authority.pub`. */
export function loadOrCreateAuthority(datadir: string): PoolIdentity {
  mkdirSync(datadir, { recursive: true });
  const keyPath = join(datadir, 'authority.key');
  let sk: Uint8Array;
  if (existsSync(keyPath)) {
    const text = readFileSync(keyPath, 'utf8').trim();
    if (!/^[0-9a-fA-F]{64}$/.test(text)) {
      throw new StratumNodeError(
        StratumNodeErrorCode.CONFIG,
        `${keyPath}: expected 64 hex characters (the authority secret key)`,
      );
    }
    sk = hexToBytes(text);
  } else {
    do sk = random(32);
    while (!nobleSecp256k1.isValidPrivateKey(sk));
    writeFileSync(keyPath, `${bytesToHex(sk)}\n`, { mode: 0o600 });
  }
  const id = createIdentity(sk);
  writeFileSync(join(datadir, 'authority.pub'), `${bytesToHex(id.authorityPublicKey)}\n`);
  return id;
}

/** `HEX` (64 hex chars or base58check per 04 §4.7) or `@FILE` holding either. */
export function parseAuthorityKeyArg(arg: string): Uint8Array {
  let text = arg.trim();
  if (text.startsWith('@')) {
    const path = text.slice(1);
    try {
      text = readFileSync(path, 'utf8').trim();
    } catch (e) {
      throw new StratumNodeError(
        StratumNodeErrorCode.CONFIG,
        `cannot read authority key file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      );
    }
  }
  try {
    return decodeAuthorityKey(text);
  } catch (e) {
    throw new StratumNodeError(
      StratumNodeErrorCode.CONFIG,
      `invalid authority key: ${isKeelError(e) ? e.message : String(e)}`,
    );
  }
}
