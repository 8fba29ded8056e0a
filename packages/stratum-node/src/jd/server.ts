/**
 * Job Declarator Server (sv2-spec 06 §6.1, Full-Template mode) beside the pool: a Noise
 * listener for Job Declarator Clients, and the pool's `CustomJobAuthority`.
 *
 * - AllocateMiningJobToken → a random token and the pool payout output (0 sat, first).
 * - DeclareMiningJob → wtxids looked up in the pool node's mempool; unknown ones are asked for
 *   with ProvideMissingTransactions (their wtxids must match what is provided). Policy, with
 *   reasons in DeclareMiningJob.Error: every transaction decodes and the whole set connects on
 *   the tip (inputs unspent, scripts, amounts, weight/sigops — the node's own block checks), no
 *   duplicates, the coinbase pays the pool payout output more than 0 sat. Success → a new token
 *   naming the declared job.
 * - The pool's SetCustomMiningJob must name such a token and carry the same coinbase outputs and
 *   the merkle path of exactly the declared transactions; blocks found on it are assembled with
 *   those transactions and submitted to the node.
 * - PushSolution → the block rebuilt from the connection's last declared job, submitted too.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { decodeTransaction, txid, wtxid } from '@keel/bitcoin/primitives';
import {
  assembleBlock,
  coinbaseMerklePath,
  encodeHeader,
  merkleRootFromPath,
  parseDeclaredCoinbase,
  poolCoinbaseOutputs,
  type SubmitResult,
  type Sv2Message,
  type Sv2Payload,
  Sv2Protocol,
  valuePaidTo,
} from '@keel/stratum';
import {
  bytesToHex,
  concatBytes,
  equalBytes,
  type Logger,
  nullLogger,
  type Startable,
} from '@keel/util';
import type { PoolIdentity } from '../authority.ts';
import { listenAddress } from '../net/address.ts';
import { acceptNoise, describe, type Sv2Connection } from '../net/noiseConnection.ts';
import type { CustomJobAuthority } from '../pool/pool.ts';

/** What the JDS needs from the pool's node. */
export interface JdMempool {
  /** A mempool transaction by wtxid (internal order), serialized; undefined if unknown. */
  transactionByWtxid(wtxid: Uint8Array): Uint8Array | undefined;
  /** Whether the set (in order) fits a block on the tip: undefined = yes, else the reason. */
  checkTransactions(txs: readonly Uint8Array[]): string | undefined;
  submitBlock(block: Uint8Array): Promise<SubmitResult>;
}

export interface JobDeclaratorServerOptions {
  readonly identity: PoolIdentity;
  readonly mempool: JdMempool;
  /** The pool payout scriptPubKey (first output of every token's coinbase_tx_outputs). */
  readonly payoutScript: Uint8Array;
  readonly host?: string;
  readonly port?: number;
  readonly logger?: Logger;
  /** Declared jobs kept for the pool (default 256). */
  readonly maxJobs?: number;
  /** Largest transaction list a declaration may carry (default 10 000). */
  readonly maxTransactions?: number;
}

interface DeclaredJob {
  readonly prefix: Uint8Array;
  readonly suffix: Uint8Array;
  readonly outputsField: Uint8Array;
  readonly txs: readonly Uint8Array[];
  readonly txids: readonly Uint8Array[];
  readonly version: number;
}

interface PendingDeclaration {
  readonly msg: Sv2Payload<'DeclareMiningJob'>;
  readonly txs: (Uint8Array | undefined)[];
  readonly missing: number[];
}

/** DeclareMiningJob.Error codes (06 leaves them to implementations; 03 §3.5 style). */
export const JdError = {
  TOKEN: 'invalid-mining-job-token',
  TOO_MANY: 'too-many-transactions',
  DUPLICATE: 'duplicate-transaction',
  PROVIDED: 'invalid-provided-transaction',
  TX: 'invalid-transactions',
  COINBASE: 'invalid-coinbase',
  PAYOUT: 'pool-payout-missing',
  MERKLE: 'invalid-job-param-value-merkle-path',
  OUTPUTS: 'invalid-job-param-value-coinbase-outputs',
} as const;

export class JobDeclaratorServer implements Startable, CustomJobAuthority {
  private server: Server | undefined;
  private readonly log: Logger;
  private readonly allocated = new Map<string, string>();
  private readonly declared = new Map<string, DeclaredJob>();
  private readonly conns = new Set<Sv2Connection>();
  /** Declarations refused, by reason (policy stats). */
  readonly refused: Record<string, number> = {};
  jobsDeclared = 0;

  constructor(private readonly o: JobDeclaratorServerOptions) {
    this.log = o.logger ?? nullLogger;
  }

  get address(): { host: string; port: number } {
    return listenAddress(this.server);
  }

  async start(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port ?? 0, this.o.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.log.info(this.address, 'Job Declarator Server listening (Noise_NX)');
  }

  async stop(): Promise<void> {
    for (const c of this.conns) c.close('JDS shutting down');
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    acceptNoise(socket, {
      staticKey: this.o.identity.staticKey,
      certificate: this.o.identity.certificate,
      limits: { maxPayloadLength: 1 << 24, rejectUnknown: false },
      handshakeTimeoutMs: 10_000,
    }).then(
      (conn) => {
        this.conns.add(conn);
        const state: {
          setup: boolean;
          pending: PendingDeclaration | undefined;
          last: DeclaredJob | undefined;
        } = { setup: false, pending: undefined, last: undefined };
        conn.attach({
          onMessage: (m) => this.onMessage(conn, state, m),
          onClose: (reason) => {
            this.conns.delete(conn);
            this.log.info({ reason }, 'JDC disconnected');
          },
        });
      },
      (e) => this.log.warn({ reason: describe(e) }, 'JDS handshake failed'),
    );
  }

  private onMessage(
    conn: Sv2Connection,
    st: { setup: boolean; pending: PendingDeclaration | undefined; last: DeclaredJob | undefined },
    m: Sv2Message,
  ): void {
    if (!st.setup) {
      if (m.type !== 'SetupConnection' || m.payload.protocol !== Sv2Protocol.JOB_DECLARATION) {
        conn.send({
          type: 'SetupConnectionError',
          payload: { flags: 0, errorCode: 'unsupported-protocol' },
        });
        conn.close('not a Job Declaration SetupConnection');
        return;
      }
      st.setup = true;
      conn.send({ type: 'SetupConnectionSuccess', payload: { usedVersion: 2, flags: 0 } });
      return;
    }
    switch (m.type) {
      case 'AllocateMiningJobToken': {
        const token = new Uint8Array(randomBytes(16));
        this.remember(this.allocated, bytesToHex(token), m.payload.userIdentifier);
        conn.send({
          type: 'AllocateMiningJobTokenSuccess',
          payload: {
            requestId: m.payload.requestId,
            miningJobToken: token,
            coinbaseTxOutputs: poolCoinbaseOutputs(this.o.payoutScript),
          },
        });
        return;
      }
      case 'DeclareMiningJob':
        this.declare(conn, st, m.payload);
        return;
      case 'ProvideMissingTransactionsSuccess':
        this.provided(conn, st, m.payload);
        return;
      case 'PushSolution':
        this.pushSolution(st.last, m.payload);
        return;
      default:
        this.log.debug({ type: m.type }, 'JDS ignored a message');
    }
  }

  private refuse(conn: Sv2Connection, requestId: number, code: string, detail: string): void {
    this.refused[code] = (this.refused[code] ?? 0) + 1;
    this.log.info({ code, detail }, 'declared job refused');
    conn.send({
      type: 'DeclareMiningJobError',
      payload: {
        requestId,
        errorCode: code,
        errorDetails: new TextEncoder().encode(detail.slice(0, 1000)),
      },
    });
  }

  private declare(
    conn: Sv2Connection,
    st: { pending: PendingDeclaration | undefined; last: DeclaredJob | undefined },
    d: Sv2Payload<'DeclareMiningJob'>,
  ): void {
    if (!this.allocated.has(bytesToHex(d.miningJobToken))) {
      this.refuse(conn, d.requestId, JdError.TOKEN, 'token was not allocated here');
      return;
    }
    if (d.wtxidList.length > (this.o.maxTransactions ?? 10_000)) {
      this.refuse(conn, d.requestId, JdError.TOO_MANY, `${d.wtxidList.length} transactions`);
      return;
    }
    const seen = new Set<string>();
    const txs: (Uint8Array | undefined)[] = [];
    const missing: number[] = [];
    for (let i = 0; i < d.wtxidList.length; i++) {
      const k = bytesToHex(d.wtxidList[i]!);
      if (seen.has(k)) {
        this.refuse(conn, d.requestId, JdError.DUPLICATE, `wtxid ${k} twice`);
        return;
      }
      seen.add(k);
      const tx = this.o.mempool.transactionByWtxid(d.wtxidList[i]!);
      txs.push(tx);
      if (tx === undefined) missing.push(i);
    }
    if (missing.length > 0) {
      st.pending = { msg: d, txs, missing };
      conn.send({
        type: 'ProvideMissingTransactions',
        payload: { requestId: d.requestId, unknownTxPositionList: missing },
      });
      return;
    }
    this.finish(conn, st, d, txs as Uint8Array[]);
  }

  private provided(
    conn: Sv2Connection,
    st: { pending: PendingDeclaration | undefined; last: DeclaredJob | undefined },
    p: Sv2Payload<'ProvideMissingTransactionsSuccess'>,
  ): void {
    const pend = st.pending;
    if (pend === undefined || pend.msg.requestId !== p.requestId) return;
    st.pending = undefined;
    if (p.transactionList.length !== pend.missing.length) {
      this.refuse(
        conn,
        p.requestId,
        JdError.PROVIDED,
        `${p.transactionList.length} transactions for ${pend.missing.length} positions`,
      );
      return;
    }
    for (let i = 0; i < pend.missing.length; i++) {
      const pos = pend.missing[i]!;
      const raw = p.transactionList[i]!;
      let ok = false;
      try {
        ok = equalBytes(wtxid(decodeTransaction(raw)), pend.msg.wtxidList[pos]!);
      } catch {
        ok = false;
      }
      if (!ok) {
        this.refuse(
          conn,
          p.requestId,
          JdError.PROVIDED,
          `position ${pos} does not match its wtxid`,
        );
        return;
      }
      pend.txs[pos] = raw;
    }
    this.finish(conn, st, pend.msg, pend.txs as Uint8Array[]);
  }

  private finish(
    conn: Sv2Connection,
    st: { last: DeclaredJob | undefined },
    d: Sv2Payload<'DeclareMiningJob'>,
    txs: Uint8Array[],
  ): void {
    const reason = this.o.mempool.checkTransactions(txs);
    if (reason !== undefined) {
      this.refuse(conn, d.requestId, JdError.TX, reason);
      return;
    }
    let cb: ReturnType<typeof parseDeclaredCoinbase>;
    try {
      cb = parseDeclaredCoinbase(d.coinbaseTxPrefix, d.coinbaseTxSuffix);
    } catch (e) {
      this.refuse(conn, d.requestId, JdError.COINBASE, describe(e));
      return;
    }
    // 06 §6.4.3: the JDC must allocate sats to the pool payout output.
    if (valuePaidTo(cb.outputs, this.o.payoutScript) === 0n) {
      this.refuse(conn, d.requestId, JdError.PAYOUT, 'no value to the pool payout output');
      return;
    }
    const job: DeclaredJob = {
      prefix: d.coinbaseTxPrefix,
      suffix: d.coinbaseTxSuffix,
      outputsField: cb.outputsField,
      txs,
      txids: txs.map((t) => txid(decodeTransaction(t))),
      version: d.version,
    };
    const token = new Uint8Array(randomBytes(16));
    this.remember(this.declared, bytesToHex(token), job);
    st.last = job;
    this.jobsDeclared++;
    conn.send({
      type: 'DeclareMiningJobSuccess',
      payload: { requestId: d.requestId, newMiningJobToken: token },
    });
  }

  private remember<V>(m: Map<string, V>, k: string, v: V): void {
    m.set(k, v);
    while (m.size > (this.o.maxJobs ?? 256)) m.delete(m.keys().next().value!);
  }

  // CustomJobAuthority (the pool asks about SetCustomMiningJob)
  checkCustomJob(
    p: Sv2Payload<'SetCustomMiningJob'>,
  ): { ok: true; transactions: readonly Uint8Array[] } | { ok: false; error: string } {
    const job = this.declared.get(bytesToHex(p.miningJobToken));
    if (job === undefined) return { ok: false, error: JdError.TOKEN };
    const path = coinbaseMerklePath(job.txids);
    if (
      path.length !== p.merklePath.length ||
      path.some((h, i) => !equalBytes(h, p.merklePath[i]!))
    ) {
      return { ok: false, error: JdError.MERKLE };
    }
    if (!equalBytes(job.outputsField, p.coinbaseTxOutputs)) {
      return { ok: false, error: JdError.OUTPUTS };
    }
    return { ok: true, transactions: job.txs };
  }

  submitBlock(block: Uint8Array): Promise<SubmitResult> {
    return this.o.mempool.submitBlock(block);
  }

  /** 06 §6.4.9: rebuild the block from the last declared job on this connection and propagate. */
  private pushSolution(job: DeclaredJob | undefined, s: Sv2Payload<'PushSolution'>): void {
    if (job === undefined) return;
    const coinbase = concatBytes(job.prefix, s.extranonce, job.suffix);
    let cbTxid: Uint8Array;
    try {
      cbTxid = txid(decodeTransaction(coinbase));
    } catch (e) {
      this.log.warn({ err: describe(e) }, 'PushSolution: coinbase does not decode');
      return;
    }
    const root = merkleRootFromPath(cbTxid, coinbaseMerklePath(job.txids));
    const header = encodeHeader(s.version, s.prevHash, root, s.ntime, s.nbits, s.nonce);
    const block = assembleBlock(header, coinbase, job.txs);
    this.o.mempool.submitBlock(block).then(
      (r) =>
        this.log.info(
          { accepted: r.accepted, ...(r.accepted ? {} : { reason: r.reason }) },
          'PushSolution block',
        ),
      (e) => this.log.warn({ err: describe(e) }, 'PushSolution submit failed'),
    );
  }
}
