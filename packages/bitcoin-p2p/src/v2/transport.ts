/**
 * BIP324 v2 transport as a byte-stream state machine, following Core's V2Transport: the
 * ElligatorSwift key exchange, garbage (≤ 4095 bytes) and garbage terminators, the version
 * packet (authenticating the garbage as AAD), decoys, application packets with short message
 * ids, and — for a responder — falling back to v1 when the first 16 bytes are a v1 `version`
 * header. Cryptography (ECDH, HKDF, FSChaCha20/FSChaCha20Poly1305 with rekeying every 224
 * packets) is @keel/crypto's; randomness (key, garbage) comes in through the options.
 */
import { sha256 } from '@keel/crypto';
import {
  deriveV2TransportKeys,
  ellswiftCreate,
  ellswiftXdh,
  V2PacketCipher,
} from '@keel/crypto/secp256k1';
import { bytesToHex, concatBytes, equalBytes, isKeelError } from '@keel/util';
import { P2PError, P2PErrorCode } from '../errors.ts';
import { defaultP2PLimits, type P2PLimits } from '../limits.ts';
import { encodeMessage } from '../messages/registry.ts';
import type { P2PMessage } from '../messages/types.ts';
import { checkPayload, type Transport, type TransportOutput } from '../transport.ts';
import {
  COMMAND_SIZE,
  decodePayloadEvent,
  encodeV1Frame,
  encodeV1Message,
  type TransportEvent,
  V1Decoder,
} from '../v1.ts';
import { decodeV2Contents, encodeV2Contents } from './messageIds.ts';

export const ELLSWIFT_SIZE = 64;
export const GARBAGE_TERMINATOR_SIZE = 16;
/** BIP324: at most 4095 bytes of garbage before the terminator. */
export const MAX_GARBAGE_LEN = 4095;
const LENGTH_SIZE = 3;
/** header byte + Poly1305 tag. */
const PACKET_OVERHEAD = 1 + 16;
const V1_PREFIX_LEN = 16;
/** What `send` may hold before the peer's key arrives (two maximal messages). */
const MAX_QUEUED_BYTES = 8_000_026;
const VERSION_COMMAND = Uint8Array.of(0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0, 0, 0, 0, 0);

export interface V2TransportOptions {
  initiating: boolean;
  /** The network magic (HKDF salt and the v1 prefix a responder detects). */
  magic: Uint8Array;
  /** Our ephemeral secret key (32 random bytes from the caller). */
  privateKey: Uint8Array;
  /** Its ElligatorSwift encoding; derived from `privateKey` and `auxRand` when omitted. */
  ellswift?: Uint8Array;
  /** 32 random bytes that randomize the encoding (zeros when omitted). */
  auxRand?: Uint8Array;
  /** Random garbage sent after our key (0–4095 bytes). */
  garbage?: Uint8Array;
  /** Contents of our version packet; BIP324 v2 sends it empty (other values are reserved). */
  versionContents?: Uint8Array;
  /** Responder: fall back to v1 when the peer opens with a v1 version header (default true). */
  allowV1Fallback?: boolean;
  limits?: P2PLimits;
}

type RecvState = 'maybe-v1' | 'key' | 'garbage' | 'version' | 'app' | 'v1' | 'failed';

interface Queued {
  contents: Uint8Array;
  ignore: boolean;
}

export class V2Transport implements Transport {
  private readonly opts: V2TransportOptions;
  private readonly limits: P2PLimits;
  private readonly ourEllswift: Uint8Array;
  private readonly garbage: Uint8Array;
  private state: RecvState;
  /** Bytes of the current unit: key prefix/key, garbage+terminator, or one packet. */
  private buf: Uint8Array;
  private fill = 0;
  private cipher: V2PacketCipher | null = null;
  private recvTerminator: Uint8Array | null = null;
  private recvAad: Uint8Array = new Uint8Array(0);
  private packetLen = -1;
  private queue: Queued[] = [];
  private queuedBytes = 0;
  private v1: V1Decoder | null = null;
  private sentKey = false;
  private sid: Uint8Array | null = null;

  constructor(opts: V2TransportOptions) {
    const garbage = opts.garbage ?? new Uint8Array(0);
    if (garbage.length > MAX_GARBAGE_LEN)
      invalid(`garbage of ${garbage.length} bytes exceeds 4095`);
    if (opts.magic.length !== 4) invalid('magic must be 4 bytes');
    this.opts = opts;
    this.limits = opts.limits ?? defaultP2PLimits;
    this.garbage = garbage.slice();
    this.ourEllswift = opts.ellswift?.slice() ?? createEllswift(opts);
    if (this.ourEllswift.length !== ELLSWIFT_SIZE) invalid('ellswift must be 64 bytes');
    const maybeV1 = !opts.initiating && opts.allowV1Fallback !== false;
    this.state = opts.initiating || !maybeV1 ? 'key' : 'maybe-v1';
    this.buf = new Uint8Array(ELLSWIFT_SIZE);
  }

  get version(): 'v1' | 'v2' | 'pending' {
    if (this.state === 'v1') return 'v1';
    return this.state === 'maybe-v1' ? 'pending' : 'v2';
  }

  get failed(): boolean {
    return this.state === 'failed' || (this.v1?.failed ?? false);
  }

  /** True once application messages are flowing both ways (the peer's version packet arrived). */
  get established(): boolean {
    return this.state === 'app';
  }

  /** BIP324 session id (32 bytes), once the keys are derived. */
  get sessionId(): Uint8Array | null {
    return this.sid;
  }

  /** Our 64-byte ElligatorSwift public key. */
  get ellswift(): Uint8Array {
    return this.ourEllswift;
  }

  start(): Uint8Array {
    if (!this.opts.initiating || this.sentKey) return new Uint8Array(0);
    this.sentKey = true;
    return concatBytes(this.ourEllswift, this.garbage);
  }

  send(msg: P2PMessage): Uint8Array {
    if (this.state === 'v1') return encodeV1Message(this.opts.magic, msg);
    return this.sendContents(encodeV2Contents(msg.command, encodeMessage(msg)), false);
  }

  sendPayload(command: string, payload: Uint8Array): Uint8Array {
    checkPayload(payload, this.limits);
    if (this.state === 'v1') return encodeV1Frame(this.opts.magic, command, payload);
    return this.sendContents(encodeV2Contents(command, payload), false);
  }

  /** A decoy packet (ignore bit set): the receiver authenticates and drops it. */
  sendDecoy(contents: Uint8Array): Uint8Array {
    if (this.state === 'v1') invalid('no decoys on a v1 connection');
    return this.sendContents(contents, true);
  }

  /** An application packet with raw BIP324 contents (message type ‖ payload). */
  sendContents(contents: Uint8Array, ignore = false): Uint8Array {
    const max = 1 + COMMAND_SIZE + this.limits.maxPayload;
    if (contents.length > max) invalid(`contents of ${contents.length} bytes exceed ${max}`);
    if (this.state === 'failed') return new Uint8Array(0);
    if (this.cipher === null) {
      // Before the key exchange: held (bounded) until the version packet has gone out.
      this.queuedBytes += contents.length;
      if (this.queuedBytes > MAX_QUEUED_BYTES) {
        invalid(`more than ${MAX_QUEUED_BYTES} bytes queued before the handshake`);
      }
      this.queue.push({ contents: contents.slice(), ignore });
      return new Uint8Array(0);
    }
    return this.cipher.encrypt(contents, new Uint8Array(0), ignore);
  }

  receive(chunk: Uint8Array): TransportOutput {
    const out: Uint8Array[] = [];
    const events: TransportEvent[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (this.state === 'failed') break;
      if (this.state === 'v1') {
        events.push(...this.v1!.push(chunk.subarray(pos)));
        break;
      }
      pos += this.step(chunk, pos, out, events);
    }
    return { send: concatBytes(...out), events };
  }

  /** Consumes bytes for the current state; returns how many. */
  private step(
    chunk: Uint8Array,
    pos: number,
    out: Uint8Array[],
    events: TransportEvent[],
  ): number {
    switch (this.state) {
      case 'maybe-v1':
        return this.stepMaybeV1(chunk, pos, out, events);
      case 'key':
        return this.stepKey(chunk, pos, out, events);
      case 'garbage':
        return this.stepGarbage(chunk[pos]!, events);
      default:
        return this.stepPacket(chunk, pos, events);
    }
  }

  private stepMaybeV1(
    chunk: Uint8Array,
    pos: number,
    out: Uint8Array[],
    events: TransportEvent[],
  ): number {
    const b = chunk[pos]!;
    const i = this.fill;
    const expected = i < 4 ? this.opts.magic[i]! : VERSION_COMMAND[i - 4]!;
    this.buf[this.fill++] = b;
    if (b !== expected) {
      // BIP324: one byte off the v1 prefix is enough to know it is v2; send our key now.
      this.state = 'key';
      out.push(this.sendOurKey());
      if (this.fill === ELLSWIFT_SIZE) this.completeKey(out, events);
      return 1;
    }
    if (this.fill === V1_PREFIX_LEN) {
      this.state = 'v1';
      this.v1 = new V1Decoder({ magic: this.opts.magic, limits: this.limits });
      events.push(...this.v1.push(this.buf.subarray(0, V1_PREFIX_LEN)));
      this.buf = new Uint8Array(0);
      // Anything queued before we knew goes out in v1 framing (decoys have no v1 form).
      for (const q of this.queue) {
        const typed = q.ignore ? null : decodeV2Contents(q.contents);
        if (typed) out.push(encodeV1Frame(this.opts.magic, typed.command, typed.payload));
      }
      this.queue = [];
      this.queuedBytes = 0;
    }
    return 1;
  }

  private sendOurKey(): Uint8Array {
    this.sentKey = true;
    return concatBytes(this.ourEllswift, this.garbage);
  }

  private stepKey(
    chunk: Uint8Array,
    pos: number,
    out: Uint8Array[],
    events: TransportEvent[],
  ): number {
    if (!this.opts.initiating && !this.sentKey) out.push(this.sendOurKey());
    const take = Math.min(ELLSWIFT_SIZE - this.fill, chunk.length - pos);
    this.buf.set(chunk.subarray(pos, pos + take), this.fill);
    this.fill += take;
    // Core: bytes 4–16 of a v1 version header behind another network's magic is a v1 peer of
    // another network, not a v2 key.
    if (!this.opts.initiating && this.fill >= V1_PREFIX_LEN && this.fill - take < V1_PREFIX_LEN) {
      if (equalBytes(this.buf.subarray(4, V1_PREFIX_LEN), VERSION_COMMAND)) {
        const magic = this.buf.subarray(0, 4);
        this.fail(
          events,
          equalBytes(magic, this.opts.magic)
            ? 'V1 peer refused (v1 fallback disabled)'
            : `V1 peer with wrong MessageStart ${bytesToHex(magic)}`,
        );
        return take;
      }
    }
    if (this.fill === ELLSWIFT_SIZE) this.completeKey(out, events);
    return take;
  }

  /** Their key is in: derive the keys, send terminator ‖ version packet ‖ anything queued. */
  private completeKey(out: Uint8Array[], events: TransportEvent[]): void {
    const theirs = this.buf.slice(0, ELLSWIFT_SIZE);
    const init = this.opts.initiating;
    let cipher: V2PacketCipher;
    try {
      const secret = ellswiftXdh(
        init ? this.ourEllswift : theirs,
        init ? theirs : this.ourEllswift,
        this.opts.privateKey,
        init,
      );
      const keys = deriveV2TransportKeys(secret, init, this.opts.magic);
      cipher = new V2PacketCipher(keys, init);
      this.sid = keys.sessionId;
      this.recvTerminator = keys.recvGarbageTerminator;
      out.push(keys.sendGarbageTerminator);
    } catch (e) {
      this.fail(events, `key exchange failed: ${isKeelError(e) ? e.message : String(e)}`);
      return;
    }
    this.cipher = cipher;
    out.push(cipher.encrypt(this.opts.versionContents ?? new Uint8Array(0), this.garbage, false));
    for (const q of this.queue) out.push(cipher.encrypt(q.contents, new Uint8Array(0), q.ignore));
    this.queue = [];
    this.queuedBytes = 0;
    this.state = 'garbage';
    this.buf = new Uint8Array(MAX_GARBAGE_LEN + GARBAGE_TERMINATOR_SIZE);
    this.fill = 0;
  }

  private stepGarbage(b: number, events: TransportEvent[]): number {
    this.buf[this.fill++] = b;
    const n = this.fill;
    if (n >= GARBAGE_TERMINATOR_SIZE) {
      const tail = this.buf.subarray(n - GARBAGE_TERMINATOR_SIZE, n);
      if (equalBytes(tail, this.recvTerminator!)) {
        this.recvAad = this.buf.slice(0, n - GARBAGE_TERMINATOR_SIZE);
        this.state = 'version';
        this.startPacket();
        return 1;
      }
    }
    if (n === this.buf.length) {
      this.fail(events, 'missing garbage terminator (more than 4095 bytes of garbage)');
    }
    return 1;
  }

  private startPacket(): void {
    this.buf = new Uint8Array(LENGTH_SIZE);
    this.fill = 0;
    this.packetLen = -1;
  }

  private stepPacket(chunk: Uint8Array, pos: number, events: TransportEvent[]): number {
    const take = Math.min(this.buf.length - this.fill, chunk.length - pos);
    this.buf.set(chunk.subarray(pos, pos + take), this.fill);
    this.fill += take;
    if (this.fill < this.buf.length) return take;
    if (this.packetLen < 0) {
      const len = this.cipher!.decryptLength(this.buf);
      const max = 1 + COMMAND_SIZE + this.limits.maxPayload;
      if (len > max) {
        this.fail(events, `packet too large (${len} bytes, max ${max})`, P2PErrorCode.OVERSIZED);
        return take;
      }
      this.packetLen = len;
      this.buf = new Uint8Array(PACKET_OVERHEAD + len);
      this.fill = 0;
      return take;
    }
    let pt: { ignore: boolean; contents: Uint8Array };
    try {
      pt = this.cipher!.decrypt(this.buf, this.recvAad);
    } catch {
      this.fail(events, `packet decryption failure (${this.packetLen} bytes)`);
      return take;
    }
    this.recvAad = new Uint8Array(0);
    this.startPacket();
    if (pt.ignore) return take;
    if (this.state === 'version') {
      // The version packet's contents are reserved for future extensions: ignored.
      this.state = 'app';
      return take;
    }
    events.push(this.contentsEvent(pt.contents));
    return take;
  }

  private contentsEvent(contents: Uint8Array): TransportEvent {
    const typed = decodeV2Contents(contents);
    if (!typed) {
      const error = new P2PError(P2PErrorCode.V2_TRANSPORT, 'invalid v2 message type', 'ignore', {
        first: contents[0] ?? null,
      });
      return { kind: 'error', error };
    }
    return decodePayloadEvent(typed.command, typed.payload, this.limits);
  }

  private fail(
    events: TransportEvent[],
    message: string,
    code: P2PErrorCode = P2PErrorCode.V2_TRANSPORT,
  ): void {
    this.state = 'failed';
    this.buf = new Uint8Array(0);
    this.queue = [];
    this.queuedBytes = 0;
    events.push({
      kind: 'error',
      error: new P2PError(code, `v2 transport: ${message}`, 'disconnect'),
    });
  }
}

function invalid(message: string): never {
  throw new P2PError(P2PErrorCode.INVALID_ARGUMENT, `V2Transport: ${message}`, 'ignore');
}

/**
 * ellswiftCreate, re-randomized while an initiator's encoding would start with the network
 * magic (a responder would take it for a v1 header's first bytes).
 */
function createEllswift(opts: V2TransportOptions): Uint8Array {
  let aux = opts.auxRand ?? new Uint8Array(32);
  for (;;) {
    const e = ellswiftCreate(opts.privateKey, aux);
    if (!opts.initiating || !equalBytes(e.subarray(0, 4), opts.magic)) return e;
    aux = sha256(aux);
  }
}
