/**
 * SV2 messages over TCP with the Noise_NX transport (sv2-spec 04): the responder side for the
 * pool, the initiator side (pinned authority key) for miners and TDP clients. Every failure —
 * handshake timeout, bad act, bad certificate, bad MAC, oversized or malformed frame — closes
 * only this socket, with the reason handed to `onClose`.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import {
  ACT_ONE_SIZE,
  ACT_TWO_SIZE,
  decodeMessageFrame,
  type FrameLimits,
  type generateStaticKey,
  messageNameOf,
  type NoiseFrameReader,
  type SignatureNoiseMessage,
  type Sv2Frame,
  type Sv2Message,
  Sv2NoiseInitiator,
  Sv2NoiseResponder,
  type Sv2NoiseSession,
} from '@keel/stratum';
import { isKeelError } from '@keel/util';
import { StratumNodeError, StratumNodeErrorCode } from '../errors.ts';

/** Bytes queued for a peer before it counts as not reading. */
export const MAX_WRITE_BUFFER = 4 << 20;

export const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

export interface ConnectionHandlers {
  onMessage(msg: Sv2Message): void;
  onClose(reason: string): void;
  /**
   * A frame of a message we do not know (another extension, 03 §3.4): proxies forward channel
   * messages by `channelIdOf(frame)`; endpoints leave this out and the frame is ignored.
   */
  onUnknown?(frame: Sv2Frame): void;
}

/** An established, encrypted SV2 connection. */
export class Sv2Connection {
  private handlers: ConnectionHandlers | undefined;
  private closed = false;
  private readonly pending: Sv2Message[] = [];
  /** Bytes written (encrypted) and read, for stats and the bench. */
  bytesOut = 0;
  bytesIn = 0;
  /** Frames of unknown messages read and ignored (or handed to `onUnknown`). */
  unknownFrames = 0;

  constructor(
    readonly socket: Socket,
    readonly session: Sv2NoiseSession,
    private readonly reader: NoiseFrameReader,
  ) {}

  get remote(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? 0}`;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Starts delivering messages (queued ones first). */
  attach(h: ConnectionHandlers): void {
    this.handlers = h;
    for (const m of this.pending.splice(0)) if (!this.closed) h.onMessage(m);
  }

  /** Feeds bytes read after the handshake. */
  feed(chunk: Uint8Array): void {
    if (this.closed) return;
    this.bytesIn += chunk.length;
    try {
      for (const frame of this.reader.push(chunk)) {
        if (messageNameOf(frame.header.extensionType, frame.header.msgType) === undefined) {
          this.unknownFrames++;
          this.handlers?.onUnknown?.(frame);
          continue;
        }
        const msg = decodeMessageFrame(frame);
        if (this.handlers) this.handlers.onMessage(msg);
        else this.pending.push(msg);
        if (this.closed) return;
      }
    } catch (e) {
      this.close(describe(e));
    }
  }

  send(msg: Sv2Message): void {
    if (this.closed) return;
    // A peer that stops reading must not make us buffer without bound.
    if (this.socket.writableLength > MAX_WRITE_BUFFER) {
      this.close(`peer is not reading (${this.socket.writableLength} bytes queued)`);
      return;
    }
    const bytes = this.session.encryptMessage(msg);
    this.bytesOut += bytes.length;
    this.socket.write(bytes);
  }

  /** Forwards a raw frame (a proxy relaying a message of an unknown extension, 03 §3.4). */
  sendFrame(frame: Sv2Frame): void {
    if (this.closed) return;
    const bytes = this.session.encryptFrame(frame);
    this.bytesOut += bytes.length;
    this.socket.write(bytes);
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.handlers?.onClose(reason);
  }
}

export function describe(e: unknown): string {
  if (isKeelError(e)) return `${e.code}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

export interface AcceptOptions {
  readonly staticKey: ReturnType<typeof generateStaticKey>;
  readonly certificate: SignatureNoiseMessage;
  readonly limits: FrameLimits;
  readonly handshakeTimeoutMs: number;
}

interface HandshakeWait {
  readonly size: number;
  readonly timeoutMs: number;
  readonly timeoutReason: string;
  readonly closeReason: string;
  readonly errorReason: (e: Error) => string;
  readonly limits: FrameLimits;
  /** Runs the handshake on the first `size` bytes; returns the transport session. */
  readonly complete: (act: Uint8Array) => Sv2NoiseSession;
}

/**
 * Collects the peer's handshake act of `w.size` bytes (bounded by a timeout), completes the
 * handshake on it and resolves to the connection, handing it any bytes that came after the
 * act. Any failure destroys the socket and rejects with a reason.
 */
function awaitHandshake(socket: Socket, w: HandshakeWait): Promise<Sv2Connection> {
  return new Promise((resolve, reject) => {
    let buf: Uint8Array = new Uint8Array(0);
    const fail = (reason: string) => {
      cleanup();
      socket.destroy();
      reject(new StratumNodeError(StratumNodeErrorCode.CONNECTION, reason));
    };
    const timer = setTimeout(() => fail(w.timeoutReason), w.timeoutMs);
    const onData = (chunk: Buffer) => {
      buf = concat(buf, chunk);
      if (buf.length < w.size) return;
      cleanup();
      try {
        const session = w.complete(buf.subarray(0, w.size));
        const conn = new Sv2Connection(socket, session, session.reader(w.limits));
        wire(conn);
        resolve(conn);
        if (buf.length > w.size) conn.feed(buf.subarray(w.size));
      } catch (e) {
        socket.destroy();
        reject(new StratumNodeError(StratumNodeErrorCode.CONNECTION, `handshake: ${describe(e)}`));
      }
    };
    const onClose = () => fail(w.closeReason);
    const onError = (e: Error) => fail(w.errorReason(e));
    function cleanup() {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onError);
    }
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', onError);
  });
}

/** Runs the responder handshake on an accepted socket. Rejects (and destroys it) on failure. */
export function acceptNoise(socket: Socket, o: AcceptOptions): Promise<Sv2Connection> {
  return awaitHandshake(socket, {
    size: ACT_ONE_SIZE,
    timeoutMs: o.handshakeTimeoutMs,
    timeoutReason: 'handshake timed out',
    closeReason: 'closed during handshake',
    errorReason: (e) => `socket error during handshake: ${e.message}`,
    limits: o.limits,
    complete(act) {
      const responder = new Sv2NoiseResponder({
        staticKey: o.staticKey,
        certificate: o.certificate,
        random,
      });
      const { actTwo, session } = responder.readActOne(act);
      socket.write(actTwo);
      return session;
    },
  });
}

export interface ConnectOptions {
  readonly host: string;
  readonly port: number;
  readonly authorityPublicKey: Uint8Array;
  readonly limits: FrameLimits;
  readonly timeoutMs: number;
  /** Unix seconds for the certificate check. */
  readonly now?: () => number;
}

/** Connects and runs the initiator handshake, verifying the pool's certificate. */
export function connectNoise(o: ConnectOptions): Promise<Sv2Connection> {
  const socket = connect({ host: o.host, port: o.port });
  socket.setNoDelay(true);
  const initiator = new Sv2NoiseInitiator({ authorityPublicKey: o.authorityPublicKey, random });
  socket.once('connect', () => socket.write(initiator.writeActOne()));
  return awaitHandshake(socket, {
    size: ACT_TWO_SIZE,
    timeoutMs: o.timeoutMs,
    timeoutReason: 'connect/handshake timed out',
    closeReason: 'connection closed during handshake',
    errorReason: (e) => `cannot connect to ${o.host}:${o.port}: ${e.message}`,
    limits: o.limits,
    complete(act) {
      const now = o.now ? o.now() : Math.floor(Date.now() / 1000);
      return initiator.readActTwo(act, now);
    },
  });
}

function wire(conn: Sv2Connection): void {
  conn.socket.on('data', (chunk: Buffer) => conn.feed(chunk));
  conn.socket.on('close', () => conn.close('peer closed the connection'));
  conn.socket.on('error', (e) => conn.close(`socket error: ${e.message}`));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return new Uint8Array(b);
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
