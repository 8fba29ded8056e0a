/**
 * Stratum V1 endpoint translated onto the pool's SV2 channels: each SV1 connection becomes a
 * PoolSession with one extended channel (extranonce1 = the channel's extranonce_prefix,
 * extranonce2 = the miner's extranonce). Methods: mining.subscribe, mining.authorize,
 * mining.configure (BIP310 version-rolling), mining.extranonce.subscribe, mining.submit;
 * notifications: mining.notify, mining.set_difficulty. Newline-delimited JSON with a bounded
 * line length; bad JSON or an oversized line closes only that connection.
 */
import { createServer, type Server, type Socket } from 'node:net';
import {
  BIP323_VERSION_MASK,
  DIFF1_TARGET,
  MAX_TARGET,
  type Sv2Message,
  type Sv2Payload,
  targetToU256,
  u256ToTarget,
} from '@keel/stratum';
import { bytesToHex, hexToBytes, type Logger, nullLogger, type Startable } from '@keel/util';
import { listenAddress } from '../net/address.ts';
import type { Downstream } from '../pool/session.ts';

/** The extended channel an SV1 connection mines on (a pool channel, or a translator's). */
export interface Sv1Channel {
  readonly id: number;
  readonly extranoncePrefix: Uint8Array;
  readonly extranonceSize: number;
  readonly target: bigint;
}

/** One SV1 connection's SV2 side: it takes SetupConnection, OpenExtendedMiningChannel, shares. */
export interface Sv1BackendSession {
  handle(msg: Sv2Message): void;
  readonly channels: ReadonlyMap<number, Sv1Channel>;
}

/**
 * Where SV1 connections go: the pool itself (`Pool`), or `SplitChannelBackend` — the
 * translator's upstream SV2 extended channel split per SV1 miner.
 */
export interface Sv1Backend {
  attach(d: Downstream): Sv1BackendSession;
  detach(s: Sv1BackendSession): void;
  renameChannel(ch: Sv1Channel, identity: string): void;
}

export interface Sv1ServerOptions {
  readonly pool: Sv1Backend;
  readonly host?: string;
  readonly port?: number;
  /** Longest JSON line accepted. Default 16 KiB. */
  readonly maxLineBytes?: number;
  readonly logger?: Logger;
}

/** SV1 error codes as miners know them (the de-facto table of the original pool software). */
const SV1_ERRORS: Record<string, [number, string]> = {
  'invalid-job-id': [21, 'Job not found'],
  'stale-share': [21, 'Job not found (stale)'],
  'duplicate-share': [22, 'Duplicate share'],
  'difficulty-too-low': [23, 'Low difficulty share'],
};

type Id = number | string | null;

/** SV1's prevhash: the header's 32 bytes with each 4-byte word byte-reversed, as hex. */
export function sv1PrevHash(prevHash: Uint8Array): string {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i += 4) {
    out[i] = prevHash[i + 3]!;
    out[i + 1] = prevHash[i + 2]!;
    out[i + 2] = prevHash[i + 1]!;
    out[i + 3] = prevHash[i]!;
  }
  return bytesToHex(out);
}

const u32hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

/** Float difficulty for a target (difficulty 1 = 0xffff·2^208), precise for tiny values too. */
export function sv1Difficulty(target: bigint): number {
  return Number(DIFF1_TARGET) / Number(target);
}

class Sv1Connection implements Downstream {
  private session: Sv1BackendSession | undefined;
  private channel: Sv1Channel | undefined;
  private buf = '';
  private closed = false;
  private versionMask = 0;
  private seq = 0;
  private readonly submits = new Map<number, Id>();
  private readonly jobs = new Map<number, Sv2Payload<'NewExtendedMiningJob'>>();
  private authorized = false;
  private subscribed = false;

  constructor(
    private readonly socket: Socket,
    private readonly pool: Sv1Backend,
    private readonly maxLine: number,
    private readonly log: Logger,
  ) {
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (d: string) => this.onData(d));
    socket.on('close', () => this.close('peer closed the connection'));
    socket.on('error', (e) => this.close(`socket error: ${e.message}`));
  }

  get remote(): string {
    return `${this.socket.remoteAddress}:${this.socket.remotePort}`;
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    if (this.session) this.pool.detach(this.session);
    this.log.info({ remote: this.remote, reason }, 'SV1 connection closed');
  }

  private write(obj: unknown): void {
    if (!this.closed) this.socket.write(`${JSON.stringify(obj)}\n`);
  }

  private onData(d: string): void {
    this.buf += d;
    let nl = this.buf.indexOf('\n');
    while (nl >= 0 && !this.closed) {
      const line = this.buf.slice(0, nl).trim();
      this.buf = this.buf.slice(nl + 1);
      if (line.length > 0) this.onLine(line);
      nl = this.buf.indexOf('\n');
    }
    if (this.buf.length > this.maxLine) this.close(`line longer than ${this.maxLine} bytes`);
  }

  private onLine(line: string): void {
    if (line.length > this.maxLine) {
      this.close(`line longer than ${this.maxLine} bytes`);
      return;
    }
    let req: { id?: Id; method?: unknown; params?: unknown };
    try {
      req = JSON.parse(line);
    } catch {
      this.close('malformed JSON');
      return;
    }
    if (typeof req !== 'object' || req === null || typeof req.method !== 'string') {
      this.close('request without a method');
      return;
    }
    const id = req.id ?? null;
    const params = Array.isArray(req.params) ? req.params : [];
    const error = (code: number, msg: string) =>
      this.write({ id, result: null, error: [code, msg, null] });
    switch (req.method) {
      case 'mining.configure':
        this.configure(id, params);
        return;
      case 'mining.subscribe':
        this.subscribe(id);
        return;
      case 'mining.authorize':
        this.authorize(id, params);
        return;
      case 'mining.extranonce.subscribe':
        this.write({ id, result: true, error: null });
        return;
      case 'mining.submit':
        this.submit(id, params);
        return;
      default:
        error(20, `unknown method ${req.method.slice(0, 64)}`);
        return;
    }
  }

  private configure(id: Id, params: unknown[]): void {
    const exts = Array.isArray(params[0]) ? params[0] : [];
    const opts = (typeof params[1] === 'object' && params[1] !== null ? params[1] : {}) as Record<
      string,
      unknown
    >;
    const result: Record<string, unknown> = {};
    for (const e of exts) {
      if (e === 'version-rolling') {
        const asked =
          typeof opts['version-rolling.mask'] === 'string'
            ? Number.parseInt(opts['version-rolling.mask'] as string, 16) >>> 0
            : BIP323_VERSION_MASK;
        this.versionMask = (asked & BIP323_VERSION_MASK) >>> 0;
        result['version-rolling'] = true;
        result['version-rolling.mask'] = u32hex(this.versionMask);
      } else if (typeof e === 'string') {
        result[e] = false;
      }
    }
    this.write({ id, result, error: null });
  }

  private subscribe(id: Id): void {
    if (this.session === undefined) {
      this.session = this.pool.attach(this);
      this.session.handle({
        type: 'SetupConnection',
        payload: {
          protocol: 0,
          minVersion: 2,
          maxVersion: 2,
          flags: 0,
          endpointHost: '',
          endpointPort: 0,
          vendor: 'sv1',
          hardwareVersion: '',
          firmware: '',
          deviceId: '',
        },
      });
      this.session.handle({
        type: 'OpenExtendedMiningChannel',
        payload: {
          requestId: 1,
          userIdentity: 'sv1',
          nominalHashRate: 0,
          maxTarget: targetToU256(MAX_TARGET),
          minExtranonceSize: 1,
        },
      });
    }
    const ch = this.channel;
    if (ch === undefined) {
      this.write({ id, result: null, error: [20, 'no channel', null] });
      return;
    }
    const sub = bytesToHex(ch.extranoncePrefix.subarray(-4));
    this.write({
      id,
      result: [
        [
          ['mining.set_difficulty', sub],
          ['mining.notify', sub],
        ],
        bytesToHex(ch.extranoncePrefix),
        ch.extranonceSize,
      ],
      error: null,
    });
    this.write({ id: null, method: 'mining.set_difficulty', params: [sv1Difficulty(ch.target)] });
    this.subscribed = true;
    this.flushJob();
  }

  private authorize(id: Id, params: unknown[]): void {
    const user =
      typeof params[0] === 'string' && params[0].length > 0 ? params[0].slice(0, 255) : 'sv1';
    if (this.channel) this.pool.renameChannel(this.channel, user);
    this.authorized = true;
    this.write({ id, result: true, error: null });
  }

  private submit(id: Id, params: unknown[]): void {
    const ch = this.channel;
    if (ch === undefined) {
      this.write({ id, result: null, error: [25, 'Not subscribed', null] });
      return;
    }
    if (!this.authorized) {
      this.write({ id, result: null, error: [24, 'Unauthorized worker', null] });
      return;
    }
    const [, jobHex, en2, ntimeHex, nonceHex, vbHex] = params;
    const hex = (v: unknown, len: number) =>
      typeof v === 'string' && v.length === len && /^[0-9a-fA-F]*$/.test(v);
    if (
      typeof jobHex !== 'string' ||
      !/^[0-9a-fA-F]{1,8}$/.test(jobHex) ||
      !hex(en2, ch.extranonceSize * 2) ||
      !hex(ntimeHex, 8) ||
      !hex(nonceHex, 8) ||
      (vbHex !== undefined && !hex(vbHex, 8))
    ) {
      this.write({
        id,
        result: null,
        error: [20, 'invalid mining.submit parameters', null],
      });
      return;
    }
    const jobId = Number.parseInt(jobHex, 16);
    const job = this.jobs.get(jobId);
    const base = job?.version ?? 0;
    const version =
      vbHex !== undefined
        ? ((base & ~this.versionMask) |
            (Number.parseInt(vbHex as string, 16) & this.versionMask)) >>>
          0
        : base;
    const seq = this.seq++;
    this.submits.set(seq, id);
    this.session!.handle({
      type: 'SubmitSharesExtended',
      payload: {
        channelId: ch.id,
        sequenceNumber: seq,
        jobId,
        nonce: Number.parseInt(nonceHex as string, 16),
        ntime: Number.parseInt(ntimeHex as string, 16),
        version,
        extranonce: hexToBytes(en2 as string),
      },
    });
  }

  /** Messages the pool session sends to this "SV2 downstream", rendered as SV1. */
  send(m: Sv2Message): void {
    switch (m.type) {
      case 'OpenExtendedMiningChannelSuccess': {
        this.channel = this.session?.channels.get(m.payload.channelId);
        return;
      }
      case 'NewExtendedMiningJob':
        this.jobs.set(m.payload.jobId, m.payload);
        while (this.jobs.size > 32) this.jobs.delete(this.jobs.keys().next().value!);
        if (m.payload.minNtime !== undefined && this.prev) this.notify(m.payload, false);
        return;
      case 'SetNewPrevHash': {
        this.prev = m.payload;
        const job = this.jobs.get(m.payload.jobId);
        if (job) this.notify(job, true);
        return;
      }
      case 'SetTarget':
        this.write({
          id: null,
          method: 'mining.set_difficulty',
          params: [sv1Difficulty(u256ToTarget(m.payload.maximumTarget))],
        });
        return;
      case 'SubmitSharesSuccess':
      case 'SubmitSharesError': {
        const seq =
          m.type === 'SubmitSharesSuccess'
            ? m.payload.lastSequenceNumber
            : m.payload.sequenceNumber;
        const id = this.submits.get(seq) ?? null;
        this.submits.delete(seq);
        if (m.type === 'SubmitSharesSuccess') this.write({ id, result: true, error: null });
        else {
          const [code, msg] = SV1_ERRORS[m.payload.errorCode] ?? [20, m.payload.errorCode];
          this.write({ id, result: null, error: [code, msg, m.payload.errorCode] });
        }
        return;
      }
      case 'SetupConnectionError':
      case 'OpenMiningChannelError':
        this.log.warn({ type: m.type, payload: m.payload }, 'SV1 translation refused');
        return;
      default:
        return;
    }
  }

  private prev: Sv2Payload<'SetNewPrevHash'> | undefined;

  /** After subscribe: the current job, if the pool already sent one. */
  private flushJob(): void {
    if (this.prev) {
      const job = this.jobs.get(this.prev.jobId);
      if (job) this.notify(job, true);
    }
  }

  private notify(job: Sv2Payload<'NewExtendedMiningJob'>, clean: boolean): void {
    const prev = this.prev;
    if (prev === undefined || this.channel === undefined || !this.subscribed) return;
    this.write({
      id: null,
      method: 'mining.notify',
      params: [
        job.jobId.toString(16),
        sv1PrevHash(prev.prevHash),
        bytesToHex(job.coinbaseTxPrefix),
        bytesToHex(job.coinbaseTxSuffix),
        job.merklePath.map(bytesToHex),
        u32hex(job.version),
        u32hex(prev.nbits),
        u32hex(Math.max(prev.minNtime, Math.floor(Date.now() / 1000))),
        clean,
      ],
    });
  }
}

export class Sv1Server implements Startable {
  private server: Server | undefined;
  private readonly conns = new Set<Sv1Connection>();
  private readonly log: Logger;

  constructor(private readonly o: Sv1ServerOptions) {
    this.log = o.logger ?? nullLogger;
  }

  get address(): { host: string; port: number } {
    return listenAddress(this.server);
  }

  async start(): Promise<void> {
    const server = createServer((socket) => {
      const c = new Sv1Connection(socket, this.o.pool, this.o.maxLineBytes ?? 16 * 1024, this.log);
      this.conns.add(c);
      socket.on('close', () => this.conns.delete(c));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port ?? 0, this.o.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.log.info(this.address, 'SV1 endpoint listening');
  }

  async stop(): Promise<void> {
    for (const c of this.conns) c.close('pool shutting down');
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
