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
  type NoiseFrameReader,
  type SignatureNoiseMessage,
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
}

/** An established, encrypted SV2 connection. */
export class Sv2Connection {
  private handlers: ConnectionHandlers | undefined;
  private closed = false;
  private readonly pending: Sv2Message[] = [];
  /** Bytes written (encrypted) and read, for stats and the bench. */
  bytesOut = 0;
  bytesIn = 0;

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

/** Runs the responder handshake on an accepted socket. Rejects (and destroys it) on failure. */
export function acceptNoise(socket: Socket, o: AcceptOptions): Promise<Sv2Connection> {
  return new Promise((resolve, reject) => {
    let buf: Uint8Array = new Uint8Array(0);
    const fail = (reason: string) => {
      cleanup();
      socket.destroy();
      reject(new StratumNodeError(StratumNodeErrorCode.CONNECTION, reason));
    };
    const timer = setTimeout(() => fail('handshake timed out'), o.handshakeTimeoutMs);
    const onData = (chunk: Buffer) => {
      buf = concat(buf, chunk);
      if (buf.length < ACT_ONE_SIZE) return;
      cleanup();
      try {
        const responder = new Sv2NoiseResponder({
          staticKey: o.staticKey,
          certificate: o.certificate,
          random,
        });
        const { actTwo, session } = responder.readActOne(buf.subarray(0, ACT_ONE_SIZE));
        socket.write(actTwo);
        const conn = new Sv2Connection(socket, session, session.reader(o.limits));
        wire(conn);
        resolve(conn);
        if (buf.length > ACT_ONE_SIZE) conn.feed(buf.subarray(ACT_ONE_SIZE));
      } catch (e) {
        socket.destroy();
        reject(new StratumNodeError(StratumNodeErrorCode.CONNECTION, `handshake: ${describe(e)}`));
      }
    };
    const onEnd = () => fail('closed during handshake');
    const onError = (e: Error) => fail(`socket error during handshake: ${e.message}`);
    function cleanup() {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onEnd);
      socket.off('error', onError);
    }
    socket.on('data', onData);
    socket.on('close', onEnd);
    socket.on('error', onError);
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
  return new Promise((resolve, reject) => {
    const socket = connect({ host: o.host, port: o.port });
    socket.setNoDelay(true);
    let buf: Uint8Array = new Uint8Array(0);
    const initiator = new Sv2NoiseInitiator({ authorityPublicKey: o.authorityPublicKey, random });
    const fail = (reason: string) => {
      cleanup();
      socket.destroy();
      reject(new StratumNodeError(StratumNodeErrorCode.CONNECTION, reason));
    };
    const timer = setTimeout(() => fail('connect/handshake timed out'), o.timeoutMs);
    socket.once('connect', () => socket.write(initiator.writeActOne()));
    const onData = (chunk: Buffer) => {
      buf = concat(buf, chunk);
      if (buf.length < ACT_TWO_SIZE) return;
      cleanup();
      try {
        const now = o.now ? o.now() : Math.floor(Date.now() / 1000);
        const session = initiator.readActTwo(buf.subarray(0, ACT_TWO_SIZE), now);
        const conn = new Sv2Connection(socket, session, session.reader(o.limits));
        wire(conn);
        resolve(conn);
        if (buf.length > ACT_TWO_SIZE) conn.feed(buf.subarray(ACT_TWO_SIZE));
      } catch (e) {
        socket.destroy();
        reject(new StratumNodeError(StratumNodeErrorCode.CONNECTION, `handshake: ${describe(e)}`));
      }
    };
    const onClose = () => fail('connection closed during handshake');
    const onError = (e: Error) => fail(`cannot connect to ${o.host}:${o.port}: ${e.message}`);
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
