import { parseDerLax } from '@keel/crypto/secp256k1';
import { scriptFail } from './errors.ts';
import { ScriptFlags } from './flags.ts';
import { SigVersion } from './sigversion.ts';

/**
 * BIP66 strict DER with the trailing hash-type byte:
 * 0x30 len 0x02 rlen r 0x02 slen s hashtype, with minimal positive integers.
 */
export function isValidSignatureEncoding(sig: Uint8Array): boolean {
  const n = sig.length;
  if (n < 9 || n > 73) return false;
  if (sig[0] !== 0x30) return false;
  // The sequence length covers everything but the 0x30, itself and the hash type.
  if (sig[1] !== n - 3) return false;
  const lenR = sig[3]!;
  if (5 + lenR >= n) return false;
  const lenS = sig[5 + lenR]!;
  if (lenR + lenS + 7 !== n) return false;
  if (sig[2] !== 0x02 || lenR === 0) return false;
  if (sig[4]! & 0x80) return false; // negative R
  if (lenR > 1 && sig[4] === 0 && !(sig[5]! & 0x80)) return false; // padded R
  if (sig[lenR + 4] !== 0x02 || lenS === 0) return false;
  if (sig[lenR + 6]! & 0x80) return false; // negative S
  if (lenS > 1 && sig[lenR + 6] === 0 && !(sig[lenR + 7]! & 0x80)) return false; // padded S
  return true;
}

const HALF_ORDER = new Uint8Array([
  0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
]);

/** BIP62 low S: s <= n/2, for a DER signature (without hash type) that parses laxly. */
function isLowDerSignature(derNoHashType: Uint8Array): boolean {
  const rs = parseDerLax(derNoHashType);
  if (!rs) return false;
  for (let i = 0; i < 32; i++) {
    const a = rs[32 + i]!;
    const b = HALF_ORDER[i]!;
    if (a !== b) return a < b;
  }
  return true;
}

function isDefinedHashType(sig: Uint8Array): boolean {
  const t = sig[sig.length - 1]! & ~0x80;
  return t >= 1 && t <= 3;
}

/** Core's CheckSignatureEncoding; an empty signature is always allowed (it just fails). */
export function checkSignatureEncoding(sig: Uint8Array, flags: number): void {
  if (sig.length === 0) return;
  const strict = ScriptFlags.DERSIG | ScriptFlags.LOW_S | ScriptFlags.STRICTENC;
  if (flags & strict && !isValidSignatureEncoding(sig)) scriptFail('SIG_DER');
  if (flags & ScriptFlags.LOW_S && !isLowDerSignature(sig.subarray(0, sig.length - 1))) {
    scriptFail('SIG_HIGH_S');
  }
  if (flags & ScriptFlags.STRICTENC && !isDefinedHashType(sig)) scriptFail('SIG_HASHTYPE');
}

function isCompressedOrUncompressed(pub: Uint8Array): boolean {
  if (pub.length < 33) return false;
  if (pub[0] === 0x04) return pub.length === 65;
  if (pub[0] === 0x02 || pub[0] === 0x03) return pub.length === 33;
  return false;
}

function isCompressed(pub: Uint8Array): boolean {
  return pub.length === 33 && (pub[0] === 0x02 || pub[0] === 0x03);
}

/** Core's CheckPubKeyEncoding (STRICTENC; WITNESS_PUBKEYTYPE in segwit v0). */
export function checkPubKeyEncoding(pub: Uint8Array, flags: number, sigversion: SigVersion): void {
  if (flags & ScriptFlags.STRICTENC && !isCompressedOrUncompressed(pub)) scriptFail('PUBKEYTYPE');
  if (
    flags & ScriptFlags.WITNESS_PUBKEYTYPE &&
    sigversion === SigVersion.WITNESS_V0 &&
    !isCompressed(pub)
  ) {
    scriptFail('WITNESS_PUBKEYTYPE');
  }
}
