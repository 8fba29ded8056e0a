/**
 * `keel stratum proxy`: many downstream SV2 devices (standard, extended or group channels,
 * each with its own vardiff and accounting) aggregated into one upstream extended channel
 * (sv2-spec 05 §5.2). A local keel `Pool` serves the upstream's jobs (re-served by
 * `PoolUpstream`, byte-identical because every local extranonce_prefix starts with the
 * upstream's); each accepted local share that meets the upstream job's target is forwarded.
 * The upstream connection falls back to the next configured upstream when it drops.
 */
import { hashToBigInt, type VardiffOptions } from '@keel/stratum';
import { type Logger, nullLogger, type Startable } from '@keel/util';
import type { PoolIdentity } from '../authority.ts';
import { StratumNodeError, StratumNodeErrorCode } from '../errors.ts';
import { Pool, type ShareEvent } from '../pool/pool.ts';
import { PoolUpstream } from './poolUpstream.ts';
import type { UpstreamAddress } from './upstream.ts';

export interface MiningProxyOptions {
  readonly upstreams: readonly UpstreamAddress[];
  /** The upstream pool's authority key (pinned). */
  readonly upstreamAuthorityKey: Uint8Array;
  /** The proxy's own identity towards its devices. */
  readonly identity: PoolIdentity;
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  /** Extranonce bytes the proxy uses to number its devices (default 4). */
  readonly deviceBytes?: number;
  readonly vardiff?: VardiffOptions;
  readonly logger?: Logger;
}

export class MiningProxy implements Startable {
  readonly upstream: PoolUpstream;
  private local: Pool | undefined;
  private readonly log: Logger;
  /** Local shares not forwarded: they did not meet the upstream job's target. */
  sharesKeptLocal = 0;

  constructor(private readonly o: MiningProxyOptions) {
    this.log = o.logger ?? nullLogger;
    this.upstream = new PoolUpstream({
      upstreams: o.upstreams,
      authorityPublicKey: o.upstreamAuthorityKey,
      user: o.user ?? 'keel-proxy',
      minExtranonceSize: (o.deviceBytes ?? 4) + 4,
      logger: this.log.child({ mod: 'upstream' }),
    });
  }

  get pool(): Pool {
    if (this.local === undefined)
      throw new StratumNodeError(StratumNodeErrorCode.CONFIG, 'proxy not started');
    return this.local;
  }

  get address(): { host: string; port: number } {
    return this.pool.address;
  }

  async start(): Promise<void> {
    await this.upstream.start();
    const up = this.upstream;
    const deviceBytes = this.o.deviceBytes ?? 4;
    const local = new Pool({
      identity: this.o.identity,
      provider: up,
      payoutScript: new Uint8Array(0), // every output is the upstream's (value remaining 0)
      host: this.o.host ?? '127.0.0.1',
      port: this.o.port ?? 0,
      initialTarget: up.target,
      extranoncePrefixBase: up.prefix,
      extranoncePrefixSize: up.prefix.length + deviceBytes,
      extranonceSize: up.extranonceSize - deviceBytes,
      ...(this.o.vardiff ? { vardiff: this.o.vardiff } : {}),
      logger: this.log.child({ mod: 'local' }),
    });
    local.on('share', (e: ShareEvent) => this.forward(e));
    up.on('prefix', (p: Uint8Array) => local.setExtranoncePrefixBase(p));
    this.local = local;
    await local.start();
  }

  async stop(): Promise<void> {
    await this.local?.stop();
    await this.upstream.stop();
  }

  private forward(e: ShareEvent): void {
    const upstreamJob = Number(e.job.templateId);
    if (hashToBigInt(e.hash) > this.upstream.targetFor(upstreamJob)) {
      this.sharesKeptLocal++;
      return;
    }
    this.upstream.submit({
      jobId: upstreamJob,
      nonce: e.share.nonce,
      ntime: e.share.ntime,
      version: e.share.version,
      fullExtranonce: e.fullExtranonce,
      from: e.channel.identity,
    });
  }
}
