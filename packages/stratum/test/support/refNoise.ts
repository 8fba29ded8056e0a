// A second SV2 Noise implementation written straight from sv2-spec 04 (§4.4 operations, §4.5
// acts, §4.5.3 certificate, §4.6 framing), for cross-checking src/noise. It shares no code with
// @keel/crypto or src/noise: SHA-256, HMAC and ChaCha20-Poly1305 come from node:crypto
// (OpenSSL); ElligatorSwift decoding, x-only ECDH and BIP340 are BigInt code in refSecp.ts.
// The one borrowed piece is @keel/crypto's ElligatorSwift *encoder* for the reference's own
// keys (any valid encoding works, and decoding it is refSecp's job).
import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';
import { ellswiftCreate } from '@keel/crypto/secp256k1';
import { refEcdhXonly, refEllswiftDecode, refSchnorrSign, refSchnorrVerify } from './refSecp.ts';

const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const hmacSha256 = (k: Uint8Array, d: Uint8Array) =>
  new Uint8Array(createHmac('sha256', k).update(d).digest());
function seal(k: Uint8Array, n: Uint8Array, pt: Uint8Array, ad: Uint8Array): Uint8Array {
  const c = createCipheriv('chacha20-poly1305', k, n, { authTagLength: 16 });
  c.setAAD(ad, { plaintextLength: pt.length });
  return new Uint8Array(Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]));
}
function open(k: Uint8Array, n: Uint8Array, ct: Uint8Array, ad: Uint8Array): Uint8Array {
  if (ct.length < 16) throw new Error('ref: ciphertext shorter than a tag');
  const d = createDecipheriv('chacha20-poly1305', k, n, { authTagLength: 16 });
  d.setAAD(ad, { plaintextLength: ct.length - 16 });
  d.setAuthTag(ct.subarray(ct.length - 16));
  return new Uint8Array(Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]));
}

const enc = new TextEncoder();
const cat = (...a: Uint8Array[]) => {
  const o = new Uint8Array(a.reduce((n, x) => n + x.length, 0));
  let i = 0;
  for (const x of a) {
    o.set(x, i);
    i += x.length;
  }
  return o;
};
const EMPTY = new Uint8Array(0);

/** 4 zero bytes then the 64-bit counter little-endian (§4.4.1). */
function nonce(n: bigint): Uint8Array {
  const b = new Uint8Array(12);
  new DataView(b.buffer).setBigUint64(4, n, true);
  return b;
}

function hkdf2(ck: Uint8Array, ikm: Uint8Array): [Uint8Array, Uint8Array] {
  const temp = hmacSha256(ck, ikm);
  const o1 = hmacSha256(temp, Uint8Array.of(1));
  return [o1, hmacSha256(temp, cat(o1, Uint8Array.of(2)))];
}

export class RefCipher {
  n = 0n;
  constructor(readonly k: Uint8Array) {}
  encrypt(ad: Uint8Array, pt: Uint8Array): Uint8Array {
    return seal(this.k, nonce(this.n++), pt, ad);
  }
  decrypt(ad: Uint8Array, ct: Uint8Array): Uint8Array {
    const pt = open(this.k, nonce(this.n), ct, ad); // throws on a bad tag; n unchanged
    this.n++;
    return pt;
  }
}

class RefSymmetric {
  h: Uint8Array;
  ck: Uint8Array;
  c: RefCipher | undefined;
  constructor() {
    // §4.5.1: h = HASH(protocolName); ck = h; h = HASH(h)
    this.h = sha256(enc.encode('Noise_NX_Secp256k1+EllSwift_ChaChaPoly_SHA256'));
    this.ck = this.h;
    this.h = sha256(this.h);
  }
  mixHash(d: Uint8Array): void {
    this.h = sha256(cat(this.h, d));
  }
  mixKey(ikm: Uint8Array): void {
    const [ck, k] = hkdf2(this.ck, ikm);
    this.ck = ck;
    this.c = new RefCipher(k);
  }
  encryptAndHash(pt: Uint8Array): Uint8Array {
    const ct = this.c ? this.c.encrypt(this.h, pt) : pt;
    this.mixHash(ct);
    return ct;
  }
  decryptAndHash(ct: Uint8Array): Uint8Array {
    const pt = this.c ? this.c.decrypt(this.h, ct) : ct;
    this.mixHash(ct);
    return pt;
  }
  split(): [RefCipher, RefCipher] {
    const [a, b] = hkdf2(this.ck, EMPTY);
    return [new RefCipher(a), new RefCipher(b)];
  }
}

/** §4.4.2 ECDH = BIP324 v2_ecdh, ordered initiator first. */
function ecdh(
  sk: Uint8Array,
  mine: Uint8Array,
  theirs: Uint8Array,
  initiator: boolean,
): Uint8Array {
  const x = refEcdhXonly(theirs, sk);
  const tag = sha256(enc.encode('bip324_ellswift_xonly_ecdh'));
  return initiator
    ? sha256(cat(tag, tag, mine, theirs, x))
    : sha256(cat(tag, tag, theirs, mine, x));
}

export interface RefKey {
  sk: Uint8Array;
  pub: Uint8Array;
}
export function refKey(sk: Uint8Array, aux: Uint8Array): RefKey {
  return { sk, pub: ellswiftCreate(sk, aux) };
}

export class RefTransport {
  constructor(
    readonly send: RefCipher,
    readonly recv: RefCipher,
    readonly handshakeHash: Uint8Array,
  ) {}
  /** §4.6: 22-byte header ciphertext, then 65519-byte plaintext blocks each with a MAC. */
  encryptFrame(extType: number, msgType: number, payload: Uint8Array): Uint8Array {
    const n = payload.length;
    const head = Uint8Array.of(
      extType & 0xff,
      extType >> 8,
      msgType,
      n & 0xff,
      (n >> 8) & 0xff,
      n >> 16,
    );
    const parts = [this.send.encrypt(EMPTY, head)];
    for (let i = 0; i < n; i += 65519)
      parts.push(this.send.encrypt(EMPTY, payload.subarray(i, i + 65519)));
    return cat(...parts);
  }
  decryptFrame(b: Uint8Array): { extType: number; msgType: number; payload: Uint8Array } {
    const head = this.recv.decrypt(EMPTY, b.subarray(0, 22));
    const len = head[3]! | (head[4]! << 8) | (head[5]! << 16);
    const parts: Uint8Array[] = [];
    let off = 22;
    let left = len;
    while (left > 0) {
      const chunk = Math.min(left, 65519);
      parts.push(this.recv.decrypt(EMPTY, b.subarray(off, off + chunk + 16)));
      off += chunk + 16;
      left -= chunk;
    }
    if (off !== b.length) throw new Error('ref: frame length mismatch');
    return { extType: head[0]! | (head[1]! << 8), msgType: head[2]!, payload: cat(...parts) };
  }
}

export class RefInitiator {
  private readonly ss = new RefSymmetric();
  constructor(private readonly e: RefKey) {}
  actOne(): Uint8Array {
    this.ss.mixHash(this.e.pub);
    this.ss.encryptAndHash(EMPTY);
    return this.e.pub;
  }
  actTwo(msg: Uint8Array, authority: Uint8Array, now: number): RefTransport {
    if (msg.length !== 234) throw new Error('ref: act 2 size');
    const re = msg.subarray(0, 64);
    this.ss.mixHash(re);
    this.ss.mixKey(ecdh(this.e.sk, this.e.pub, re, true));
    const rs = this.ss.decryptAndHash(msg.subarray(64, 144));
    this.ss.mixKey(ecdh(this.e.sk, this.e.pub, rs, true));
    const cert = this.ss.decryptAndHash(msg.subarray(144, 234));
    const dv = new DataView(cert.buffer, cert.byteOffset);
    const from = dv.getUint32(2, true);
    const until = dv.getUint32(6, true);
    const m = sha256(cat(cert.subarray(0, 10), refEllswiftDecode(rs)));
    if (!refSchnorrVerify(cert.subarray(10, 74), m, authority)) throw new Error('ref: bad cert');
    if (now < from || now > until) throw new Error('ref: cert expired');
    const [c1, c2] = this.ss.split();
    return new RefTransport(c1, c2, this.ss.h);
  }
}

export class RefResponder {
  private readonly ss = new RefSymmetric();
  constructor(
    private readonly e: RefKey,
    private readonly s: RefKey,
    private readonly authoritySk: Uint8Array,
    private readonly validity: { version: number; validFrom: number; notValidAfter: number },
  ) {}
  respond(act1: Uint8Array): { actTwo: Uint8Array; transport: RefTransport } {
    if (act1.length !== 64) throw new Error('ref: act 1 size');
    this.ss.mixHash(act1);
    this.ss.decryptAndHash(EMPTY);
    this.ss.mixHash(this.e.pub);
    this.ss.mixKey(ecdh(this.e.sk, this.e.pub, act1, false));
    const encS = this.ss.encryptAndHash(this.s.pub);
    this.ss.mixKey(ecdh(this.s.sk, this.s.pub, act1, false));
    const v = new Uint8Array(10);
    const dv = new DataView(v.buffer);
    dv.setUint16(0, this.validity.version, true);
    dv.setUint32(2, this.validity.validFrom, true);
    dv.setUint32(6, this.validity.notValidAfter, true);
    const m = sha256(cat(v, refEllswiftDecode(this.s.pub)));
    const sig = refSchnorrSign(m, this.authoritySk, new Uint8Array(32).fill(9));
    const encCert = this.ss.encryptAndHash(cat(v, sig));
    const [c1, c2] = this.ss.split();
    return {
      actTwo: cat(this.e.pub, encS, encCert),
      transport: new RefTransport(c2, c1, this.ss.h),
    };
  }
}
