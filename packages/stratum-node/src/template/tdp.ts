/**
 * The Template Distribution Protocol (sv2-spec 07) over the Noise transport, both ends:
 * - `TdpServer` serves any TemplateProvider (e.g. keel's regtest chain) to TDP clients:
 *   SetupConnection(protocol 2) → CoinbaseOutputConstraints → NewTemplate / SetNewPrevHash
 *   pushed as they come; SubmitSolution handed to the provider; RequestTransactionData answered
 *   when the provider can list a template's transactions.
 * - `TdpTemplateSource` is a TemplateProvider for the pool that reads templates from a TDP
 *   server (a Template Provider such as Bitcoin Core's sv2 fork, or `TdpServer`).
 * TDP has no reply to SubmitSolution, so the client reports a solution accepted when the
 * server's next SetNewPrevHash builds on the solved block's hash (or rejects after a timeout).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { decodeTransaction, txid as txidOf } from '@keel/bitcoin/primitives';
import { sha256d } from '@keel/crypto/hashes';
import {
  merkleRootFromPath,
  type NewTemplate,
  prevHashFromMessage,
  prevHashToMessage,
  type SetNewPrevHash,
  type SubmitResult,
  type SubmitSolution,
  type Sv2Message,
  Sv2Protocol,
  solutionFromMessage,
  solutionToMessage,
  type TemplateListener,
  type TemplateProvider,
  templateFromMessage,
  templateToMessage,
} from '@keel/stratum';
import { equalBytes, type Logger, nullLogger, type Startable } from '@keel/util';
import type { PoolIdentity } from '../authority.ts';
import { StratumNodeError, StratumNodeErrorCode } from '../errors.ts';
import { listenAddress } from '../net/address.ts';
import { acceptNoise, connectNoise, describe, type Sv2Connection } from '../net/noiseConnection.ts';

/** Providers that can hand out a template's transactions (for RequestTransactionData). */
export interface TransactionDataSource {
  transactionData(templateId: bigint): readonly Uint8Array[] | undefined;
}

const setupPayload = (flags = 0) => ({
  protocol: Sv2Protocol.TEMPLATE_DISTRIBUTION,
  minVersion: 2,
  maxVersion: 2,
  flags,
  endpointHost: '',
  endpointPort: 0,
  vendor: 'keel',
  hardwareVersion: '',
  firmware: '0.1.0',
  deviceId: '',
});

export interface TdpServerOptions {
  readonly provider: TemplateProvider & Partial<TransactionDataSource>;
  readonly identity: PoolIdentity;
  readonly host?: string;
  readonly port?: number;
  readonly logger?: Logger;
}

export class TdpServer implements Startable {
  private server: Server | undefined;
  private readonly conns = new Set<Sv2Connection>();
  private readonly log: Logger;

  constructor(private readonly o: TdpServerOptions) {
    this.log = o.logger ?? nullLogger;
  }

  get address(): { host: string; port: number } {
    return listenAddress(this.server);
  }

  async start(): Promise<void> {
    const server = createServer((s) => this.accept(s));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port ?? 0, this.o.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    for (const c of this.conns) c.close('server stopping');
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    acceptNoise(socket, {
      staticKey: this.o.identity.staticKey,
      certificate: this.o.identity.certificate,
      limits: { maxPayloadLength: 1 << 16, rejectUnknown: true },
      handshakeTimeoutMs: 10_000,
    }).then(
      (conn) => this.serve(conn),
      (e) => this.log.warn({ reason: describe(e) }, 'TDP handshake failed'),
    );
  }

  private serve(conn: Sv2Connection): void {
    this.conns.add(conn);
    let state: 'setup' | 'constraints' | 'live' = 'setup';
    let unsubscribe: (() => void) | undefined;
    const provider = this.o.provider;
    conn.attach({
      onMessage: (m) => {
        if (state === 'setup') {
          if (
            m.type !== 'SetupConnection' ||
            m.payload.protocol !== Sv2Protocol.TEMPLATE_DISTRIBUTION
          ) {
            conn.send({
              type: 'SetupConnectionError',
              payload: { flags: 0, errorCode: 'unsupported-protocol' },
            });
            conn.close('TDP: expected SetupConnection for template distribution');
            return;
          }
          state = 'constraints';
          conn.send({ type: 'SetupConnectionSuccess', payload: { usedVersion: 2, flags: 0 } });
          return;
        }
        if (m.type === 'CoinbaseOutputConstraints') {
          unsubscribe?.();
          state = 'live';
          unsubscribe = provider.subscribe(
            {
              onNewTemplate: (t) =>
                conn.send({ type: 'NewTemplate', payload: templateToMessage(t) }),
              onSetNewPrevHash: (p) =>
                conn.send({ type: 'TdpSetNewPrevHash', payload: prevHashToMessage(p) }),
            },
            m.payload.coinbaseOutputMaxAdditionalSize,
          );
          return;
        }
        if (state !== 'live') {
          conn.close(`TDP: ${m.type} before CoinbaseOutputConstraints`);
          return;
        }
        if (m.type === 'SubmitSolution') {
          provider.submitSolution(solutionFromMessage(m.payload)).then(
            (r) =>
              this.log.info(
                {
                  accepted: r.accepted,
                  ...(r.accepted ? { height: r.height } : { reason: r.reason }),
                },
                'TDP solution',
              ),
            (e) => this.log.error({ err: describe(e) }, 'TDP submitSolution failed'),
          );
        } else if (m.type === 'RequestTransactionData') {
          const txs = provider.transactionData?.(m.payload.templateId);
          if (txs === undefined) {
            conn.send({
              type: 'RequestTransactionDataError',
              payload: { templateId: m.payload.templateId, errorCode: 'template-id-not-found' },
            });
          } else {
            conn.send({
              type: 'RequestTransactionDataSuccess',
              payload: {
                templateId: m.payload.templateId,
                excessData: new Uint8Array(0),
                transactionList: [...txs],
              },
            });
          }
        } else {
          conn.close(`TDP: unexpected ${m.type}`);
        }
      },
      onClose: (reason) => {
        unsubscribe?.();
        this.conns.delete(conn);
        this.log.info({ reason }, 'TDP client left');
      },
    });
  }
}

export interface TdpSourceOptions {
  readonly host: string;
  readonly port: number;
  readonly authorityPublicKey: Uint8Array;
  /** Bytes the pool adds to the coinbase outputs (CoinbaseOutputConstraints). Default 64. */
  readonly coinbaseOutputMaxAdditionalSize?: number;
  /** How long to wait for the SetNewPrevHash that confirms a solution. Default 10 s. */
  readonly confirmTimeoutMs?: number;
  readonly logger?: Logger;
}

interface Pending {
  readonly hash: Uint8Array;
  readonly height: number;
  readonly resolve: (r: SubmitResult) => void;
  readonly timer: NodeJS.Timeout;
}

export class TdpTemplateSource implements TemplateProvider, Startable {
  private conn: Sv2Connection | undefined;
  private readonly listeners = new Set<TemplateListener>();
  private readonly templates = new Map<bigint, NewTemplate>();
  private latestFuture: NewTemplate | undefined;
  private prev: SetNewPrevHash | undefined;
  private readonly pending = new Set<Pending>();
  /** The prev hash each template mines on (known once announced or activated). */
  private readonly templatePrev = new Map<bigint, Uint8Array>();
  private readonly log: Logger;

  constructor(private readonly o: TdpSourceOptions) {
    this.log = o.logger ?? nullLogger;
  }

  /** Connects, sets up, sends the constraints, and waits for the first template + prev hash. */
  async start(): Promise<void> {
    const conn = await connectNoise({
      host: this.o.host,
      port: this.o.port,
      authorityPublicKey: this.o.authorityPublicKey,
      limits: { maxPayloadLength: (1 << 24) - 1, rejectUnknown: false },
      timeoutMs: 10_000,
    });
    this.conn = conn;
    await new Promise<void>((resolve, reject) => {
      conn.attach({
        onMessage: (m) => {
          try {
            this.onMessage(m);
          } catch (e) {
            conn.close(`TDP: ${describe(e)}`);
          }
          if (this.prev !== undefined) resolve();
        },
        onClose: (reason) => {
          this.log.warn({ reason }, 'TDP connection closed');
          reject(new StratumNodeError(StratumNodeErrorCode.CONNECTION, `TDP: ${reason}`));
        },
      });
      conn.send({ type: 'SetupConnection', payload: setupPayload() });
    });
  }

  async stop(): Promise<void> {
    this.conn?.close('stopping');
    for (const x of this.pending) {
      clearTimeout(x.timer);
      x.resolve({ accepted: false, reason: 'template source stopped' });
    }
    this.pending.clear();
  }

  private onMessage(m: Sv2Message): void {
    switch (m.type) {
      case 'SetupConnectionSuccess':
        this.conn?.send({
          type: 'CoinbaseOutputConstraints',
          payload: {
            coinbaseOutputMaxAdditionalSize: this.o.coinbaseOutputMaxAdditionalSize ?? 64,
            coinbaseOutputMaxAdditionalSigops: 400,
          },
        });
        return;
      case 'SetupConnectionError':
        this.conn?.close(`TDP server refused setup: ${m.payload.errorCode}`);
        return;
      case 'NewTemplate': {
        const t = templateFromMessage(m.payload);
        this.templates.set(t.templateId, t);
        if (this.templates.size > 64) this.templates.delete(this.templates.keys().next().value!);
        if (t.futureTemplate) this.latestFuture = t;
        else if (this.prev) this.templatePrev.set(t.templateId, this.prev.prevHash);
        for (const l of this.listeners) l.onNewTemplate(t);
        return;
      }
      case 'TdpSetNewPrevHash': {
        const p = prevHashFromMessage(m.payload);
        this.prev = p;
        this.templatePrev.set(p.templateId, p.prevHash);
        if (this.templatePrev.size > 128)
          this.templatePrev.delete(this.templatePrev.keys().next().value!);
        for (const l of this.listeners) l.onSetNewPrevHash(p);
        // The new tip is either one of our solutions or makes every pending one stale.
        for (const x of this.pending) {
          clearTimeout(x.timer);
          this.pending.delete(x);
          x.resolve(
            equalBytes(x.hash, p.prevHash)
              ? { accepted: true, blockHash: x.hash, height: x.height }
              : { accepted: false, reason: 'stale: the tip moved to another block' },
          );
        }
        return;
      }
      default:
        this.log.debug({ type: m.type }, 'TDP message ignored');
    }
  }

  subscribe(listener: TemplateListener, _max: number): () => void {
    this.listeners.add(listener);
    const t = this.prev ? this.templates.get(this.prev.templateId) : this.latestFuture;
    if (t && this.prev) {
      listener.onNewTemplate({ ...t, futureTemplate: true });
      listener.onSetNewPrevHash(this.prev);
    }
    return () => {
      this.listeners.delete(listener);
    };
  }

  submitSolution(s: SubmitSolution): Promise<SubmitResult> {
    const t = this.templates.get(s.templateId);
    const prev = this.prev;
    if (t === undefined || prev === undefined || this.conn === undefined) {
      return Promise.resolve({ accepted: false, reason: 'unknown-template' });
    }
    const on = this.templatePrev.get(s.templateId);
    if (on === undefined || !equalBytes(on, prev.prevHash)) {
      return Promise.resolve({ accepted: false, reason: 'stale-template' });
    }
    let txid: Uint8Array;
    try {
      txid = txidOf(decodeTransaction(s.coinbaseTx));
    } catch (e) {
      return Promise.resolve({ accepted: false, reason: `bad coinbase: ${describe(e)}` });
    }
    const root = merkleRootFromPath(txid, t.merklePath);
    const header = new Uint8Array(80);
    const v = new DataView(header.buffer);
    v.setUint32(0, s.version >>> 0, true);
    header.set(prev.prevHash, 4);
    header.set(root, 36);
    v.setUint32(68, s.headerTimestamp >>> 0, true);
    v.setUint32(72, prev.nBits >>> 0, true);
    v.setUint32(76, s.headerNonce >>> 0, true);
    const hash = sha256d(header);
    this.conn.send({ type: 'SubmitSolution', payload: solutionToMessage(s) });
    return new Promise((resolve) => {
      const p: Pending = {
        hash,
        height: bip34Height(t.coinbasePrefix),
        resolve,
        timer: setTimeout(() => {
          this.pending.delete(p);
          resolve({ accepted: false, reason: 'not confirmed by a SetNewPrevHash in time' });
        }, this.o.confirmTimeoutMs ?? 10_000),
      };
      this.pending.add(p);
    });
  }
}

/** The height pushed first in a BIP34 coinbase scriptSig (OP_1..OP_16 or a minimal push). */
function bip34Height(prefix: Uint8Array): number {
  const op = prefix[0] ?? 0;
  if (op >= 0x51 && op <= 0x60) return op - 0x50;
  if (op >= 1 && op <= 4 && prefix.length > op) {
    let n = 0;
    for (let i = op; i >= 1; i--) n = n * 256 + prefix[i]!;
    return n;
  }
  return -1;
}
