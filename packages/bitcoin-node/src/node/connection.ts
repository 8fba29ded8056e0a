import type { Socket } from 'node:net';
import {
  type P2PMessage,
  Peer,
  type PeerInfo,
  type PeerOptions,
  type PeerOutput,
} from '@keel/bitcoin-p2p';
import type { Logger } from '@keel/util';
import { frameRaw, type Transport } from './transport.ts';

/** Received messages waiting to be handled before the socket is paused (backpressure). */
export const MAX_QUEUED_MESSAGES = 64;
/** Bytes queued for sending before the peer is dropped for not reading (Core's -maxsendbuffer is per message batch; this is the hard cap). */
export const MAX_SEND_BUFFER = 64 * 1024 * 1024;

export interface ConnectionHandlers {
  handshake(c: Connection, info: PeerInfo): void;
  message(c: Connection, msg: P2PMessage): Promise<void> | void;
  closed(c: Connection, reason: string, discourage: boolean): void;
}

/**
 * One peer connection: a socket, its transport (v1 or v2) and E's `Peer` state machine. Messages
 * are handled one at a time in arrival order (a block is fully processed before the next
 * message of that peer); the socket is paused while the queue is full.
 */
export class Connection {
  readonly peer: Peer;
  readonly connectedAt: number;
  bytesSent = 0;
  bytesRecv = 0;
  lastSend = 0;
  lastRecv = 0;
  pingMs: number | undefined;
  closed = false;
  private readonly queue: P2PMessage[] = [];
  private draining = false;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    readonly transport: Transport,
    private readonly magic: Uint8Array,
    readonly inbound: boolean,
    readonly address: string,
    peerOpts: Omit<PeerOptions, 'inbound' | 'now'>,
    private readonly handlers: ConnectionHandlers,
    private readonly now: () => number,
    private readonly log: Logger,
  ) {
    this.connectedAt = now();
    this.peer = new Peer({ ...peerOpts, inbound, now: this.connectedAt });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) =>
      this.close(`socket error: ${(e as NodeJS.ErrnoException).code ?? e.message}`),
    );
    socket.on('close', () => this.close('connection closed by peer'));
    this.write(transport.start());
    // a v2 transport holds our version until its handshake allows sending
    this.apply(this.peer.start());
  }

  get info(): Readonly<PeerInfo> | null {
    return this.peer.peerInfo;
  }

  get established(): boolean {
    return this.peer.isEstablished && !this.closed;
  }

  send(msg: P2PMessage): void {
    if (this.closed) return;
    this.write(this.transport.send(msg));
  }

  /** Sends an already-serialized payload (stored block bytes are served this way). */
  sendRaw(command: string, payload: Uint8Array): void {
    if (this.closed) return;
    this.write(frameRaw(this.transport, this.magic, command, payload));
  }

  /** 'v1' or 'v2' once known. */
  get transportKind(): 'v1' | 'v2' {
    return this.transport.version === 'v2' ? 'v2' : 'v1';
  }

  private write(bytes: Uint8Array): void {
    if (this.closed || bytes.length === 0) return;
    if (this.socket.writableLength > MAX_SEND_BUFFER) {
      this.close('peer is not reading (send buffer full)');
      return;
    }
    this.bytesSent += bytes.length;
    this.lastSend = this.now();
    this.socket.write(bytes);
  }

  /** Core's Misbehaving: the peer is discouraged and dropped. */
  misbehaving(reason: string): void {
    this.apply(this.peer.misbehaving(reason));
  }

  tick(): void {
    if (!this.closed) this.apply(this.peer.tick(this.now()));
  }

  close(reason: string, discourage = false): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.socket.destroy();
    this.handlers.closed(this, reason, discourage);
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.bytesRecv += chunk.length;
    this.lastRecv = this.now();
    const { events, send } = this.transport.receive(
      new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length),
    );
    this.write(send);
    for (const ev of events) {
      if (this.closed) return;
      this.apply(this.peer.receiveEvent(ev, this.now()));
    }
    if (this.transport.failed && !this.closed) this.close('transport failure');
  }

  private apply(outs: PeerOutput[]): void {
    for (const o of outs) {
      if (this.closed) return;
      switch (o.kind) {
        case 'send':
          this.send(o.message);
          break;
        case 'handshake':
          this.handlers.handshake(this, o.info);
          break;
        case 'message':
          this.enqueue(o.message);
          break;
        case 'pong':
          this.pingMs = o.rttMs;
          break;
        case 'ignored':
          this.log.debug(
            { peer: this.id, command: o.command, reason: o.reason },
            'ignored message',
          );
          break;
        case 'verdict':
          this.log.info(
            { peer: this.id, addr: this.address, action: o.action, reason: o.reason },
            'peer dropped',
          );
          this.close(o.reason, o.action === 'discourage');
          break;
      }
    }
  }

  private enqueue(msg: P2PMessage): void {
    this.queue.push(msg);
    if (this.queue.length >= MAX_QUEUED_MESSAGES) this.socket.pause();
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length && !this.closed) {
        const msg = this.queue.shift()!;
        try {
          await this.handlers.message(this, msg);
        } catch (e) {
          this.log.warn(
            { peer: this.id, command: msg.command, err: (e as Error).message },
            'message handler failed',
          );
          this.close(`internal error handling ${msg.command}`);
        }
        if (this.queue.length < MAX_QUEUED_MESSAGES / 2 && this.socket.isPaused())
          this.socket.resume();
      }
    } finally {
      this.draining = false;
    }
  }
}
