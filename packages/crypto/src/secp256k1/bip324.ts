/**
 * BIP324 v2 transport cryptography after the ElligatorSwift handshake: key and session-id
 * derivation (HKDF-SHA256 salted with the network magic), the rekeying FSChaCha20 (lengths)
 * and FSChaCha20Poly1305 (contents) ciphers, and packet encryption/decryption. Pure: no I/O;
 * framing and the garbage scan belong to the P2P layer.
 */
import { concatBytes, utf8ToBytes } from '@keel/util';
import { chacha20, chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { assertLength, CryptoError, CryptoErrorCode } from '../errors.ts';
import { hkdfSha256Expand, hkdfSha256Extract } from '../hashes/index.ts';

/** BIP324: keys change every 224 messages. */
export const REKEY_INTERVAL = 224;
export const LENGTH_FIELD_LEN = 3;
export const HEADER_LEN = 1;
const IGNORE_BIT = 0x80;
export const MAX_CONTENTS_LEN = 2 ** 24 - 1;

function nonce12(low: number, epoch: number): Uint8Array {
  const n = new Uint8Array(12);
  const v = new DataView(n.buffer);
  v.setUint32(0, low >>> 0, true);
  v.setUint32(4, epoch % 2 ** 32, true);
  v.setUint32(8, Math.floor(epoch / 2 ** 32), true);
  return n;
}

/** BIP324 FSChaCha20: one ChaCha20 stream per 224 chunks, rekeyed from its own keystream. */
export class FSChaCha20 {
  private key: Uint8Array;
  private blockCounter = 0;
  private chunkCounter = 0;
  private stream = new Uint8Array(0);
  private pos = 0;

  constructor(key: Uint8Array) {
    assertLength(key, 32, 'FSChaCha20 key');
    this.key = key.slice();
  }

  private keystream(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.pos === this.stream.length) {
        const nonce = nonce12(0, Math.floor(this.chunkCounter / REKEY_INTERVAL));
        this.stream = chacha20(this.key, nonce, new Uint8Array(64), undefined, this.blockCounter++);
        this.pos = 0;
      }
      const take = Math.min(n - filled, this.stream.length - this.pos);
      out.set(this.stream.subarray(this.pos, this.pos + take), filled);
      this.pos += take;
      filled += take;
    }
    return out;
  }

  /** Encrypts or decrypts one chunk (the same operation). */
  crypt(chunk: Uint8Array): Uint8Array {
    const ks = this.keystream(chunk.length);
    for (let i = 0; i < ks.length; i++) ks[i] = ks[i]! ^ chunk[i]!;
    if ((this.chunkCounter + 1) % REKEY_INTERVAL === 0) {
      this.key = this.keystream(32);
      this.blockCounter = 0;
      this.stream = new Uint8Array(0);
      this.pos = 0;
    }
    this.chunkCounter++;
    return ks;
  }
}

/** BIP324 FSChaCha20Poly1305: RFC 8439 AEAD with a packet-counter nonce, rekeyed every 224. */
export class FSChaCha20Poly1305 {
  private key: Uint8Array;
  private packetCounter = 0;

  constructor(key: Uint8Array) {
    assertLength(key, 32, 'FSChaCha20Poly1305 key');
    this.key = key.slice();
  }

  private step<T>(fn: (key: Uint8Array, nonce: Uint8Array) => T): T {
    const epoch = Math.floor(this.packetCounter / REKEY_INTERVAL);
    const ret = fn(this.key, nonce12(this.packetCounter % REKEY_INTERVAL, epoch));
    if ((this.packetCounter + 1) % REKEY_INTERVAL === 0) {
      const rekeyNonce = nonce12(0xffffffff, epoch);
      this.key = chacha20poly1305(this.key, rekeyNonce).encrypt(new Uint8Array(32)).slice(0, 32);
    }
    this.packetCounter++;
    return ret;
  }

  encrypt(aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    return this.step((k, n) => chacha20poly1305(k, n, aad).encrypt(plaintext));
  }

  /** Decrypts, or throws CryptoError DECRYPT_FAILED (the counter still advances). */
  decrypt(aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    return this.step((k, n) => {
      try {
        return chacha20poly1305(k, n, aad).decrypt(ciphertext);
      } catch {
        throw new CryptoError(
          CryptoErrorCode.DECRYPT_FAILED,
          'BIP324 packet failed to authenticate',
        );
      }
    });
  }
}

/** Everything `initialize_v2_transport` derives, from one side's point of view. */
export interface V2TransportKeys {
  sessionId: Uint8Array;
  initiatorL: Uint8Array;
  initiatorP: Uint8Array;
  responderL: Uint8Array;
  responderP: Uint8Array;
  sendGarbageTerminator: Uint8Array;
  recvGarbageTerminator: Uint8Array;
}

/** BIP324 key derivation: HKDF-SHA256 with salt "bitcoin_v2_shared_secret" ‖ network magic. */
export function deriveV2TransportKeys(
  ecdhSecret: Uint8Array,
  initiating: boolean,
  networkMagic: Uint8Array,
): V2TransportKeys {
  assertLength(ecdhSecret, 32, 'ECDH secret');
  assertLength(networkMagic, 4, 'network magic');
  const salt = concatBytes(utf8ToBytes('bitcoin_v2_shared_secret'), networkMagic);
  const prk = hkdfSha256Extract(ecdhSecret, salt);
  const expand = (info: string) => hkdfSha256Expand(prk, utf8ToBytes(info), 32);
  const terminators = expand('garbage_terminators');
  const initiatorTerm = terminators.slice(0, 16);
  const responderTerm = terminators.slice(16);
  return {
    sessionId: expand('session_id'),
    initiatorL: expand('initiator_L'),
    initiatorP: expand('initiator_P'),
    responderL: expand('responder_L'),
    responderP: expand('responder_P'),
    sendGarbageTerminator: initiating ? initiatorTerm : responderTerm,
    recvGarbageTerminator: initiating ? responderTerm : initiatorTerm,
  };
}

/** One direction-pair of packet ciphers, set up from the derived keys. */
export class V2PacketCipher {
  readonly sessionId: Uint8Array;
  private readonly sendL: FSChaCha20;
  private readonly sendP: FSChaCha20Poly1305;
  private readonly recvL: FSChaCha20;
  private readonly recvP: FSChaCha20Poly1305;

  constructor(keys: V2TransportKeys, initiating: boolean) {
    this.sessionId = keys.sessionId;
    this.sendL = new FSChaCha20(initiating ? keys.initiatorL : keys.responderL);
    this.sendP = new FSChaCha20Poly1305(initiating ? keys.initiatorP : keys.responderP);
    this.recvL = new FSChaCha20(initiating ? keys.responderL : keys.initiatorL);
    this.recvP = new FSChaCha20Poly1305(initiating ? keys.responderP : keys.initiatorP);
  }

  /** BIP324 v2_enc_packet: encrypted 3-byte length ‖ AEAD(header ‖ contents). */
  encrypt(contents: Uint8Array, aad: Uint8Array = new Uint8Array(0), ignore = false): Uint8Array {
    if (contents.length > MAX_CONTENTS_LEN) {
      throw new CryptoError(CryptoErrorCode.INVALID_LENGTH, 'BIP324 contents exceed 2^24-1 bytes', {
        length: contents.length,
      });
    }
    const plaintext = new Uint8Array(HEADER_LEN + contents.length);
    plaintext[0] = ignore ? IGNORE_BIT : 0;
    plaintext.set(contents, HEADER_LEN);
    const aead = this.sendP.encrypt(aad, plaintext);
    const n = contents.length;
    const len = this.sendL.crypt(Uint8Array.of(n & 0xff, (n >> 8) & 0xff, n >> 16));
    return concatBytes(len, aead);
  }

  /** Decrypts the 3-byte length field of the next packet: the contents length. */
  decryptLength(encLength: Uint8Array): number {
    assertLength(encLength, LENGTH_FIELD_LEN, 'encrypted length');
    const l = this.recvL.crypt(encLength);
    return l[0]! | (l[1]! << 8) | (l[2]! << 16);
  }

  /** Decrypts header ‖ contents (HEADER_LEN + length + 16 bytes); throws DECRYPT_FAILED. */
  decrypt(aeadCiphertext: Uint8Array, aad: Uint8Array = new Uint8Array(0)) {
    const pt = this.recvP.decrypt(aad, aeadCiphertext);
    return { ignore: (pt[0]! & IGNORE_BIT) !== 0, contents: pt.subarray(HEADER_LEN) };
  }
}
