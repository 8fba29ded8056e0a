/**
 * The I/O half of merge mining (Namecoin-style AuxPoW): polls each secondary chain's
 * `createauxblock <address>` endpoint, keeps the aux merkle tree whose commitment the pool puts
 * in every job's coinbase, and for a share that meets a chain's target builds the AuxPoW with
 * @keel/stratum and calls `submitauxblock <hash> <auxpow>`. Accepted aux blocks go into the
 * revenue ledger (default split 60/25/10/5); per-chain statistics and the ledger export as JSON.
 */
import { writeFileSync } from 'node:fs';
import {
  type AuxChainWork,
  type AuxMerkleTree,
  auxPowsForShare,
  buildAuxMerkleTree,
  easiestAuxTarget,
  encodeAuxPow,
  type MiningJob,
  RevenueLedger,
  type RevenueLedgerExport,
  type RevenuePolicy,
} from '@keel/stratum';
import {
  bytesToHex,
  hexToBytes,
  type Logger,
  nullLogger,
  reverseBytes,
  type Startable,
} from '@keel/util';
import { StratumNodeError, StratumNodeErrorCode } from '../errors.ts';
import { JsonRpcClient } from '../net/jsonRpc.ts';
import { describe } from '../net/noiseConnection.ts';

export interface AuxChainConfig {
  readonly name: string;
  readonly url: string;
  /** Payout address passed to createauxblock. */
  readonly address: string;
  readonly cookieFile?: string;
  readonly user?: string;
  readonly password?: string;
  /** Expected chain id; when set, a createauxblock answer with another id is an error. */
  readonly chainId?: number;
}

export interface AuxChainStats {
  name: string;
  chainId: number | undefined;
  height: number | undefined;
  blockHash: string | undefined;
  target: string | undefined;
  sharesMeetingTarget: number;
  submitted: number;
  accepted: number;
  rejected: number;
  lastError: string | undefined;
}

/** The aux work a job was built with (the tree in its coinbase and each chain's target). */
export interface AuxContext {
  readonly tree: AuxMerkleTree;
  readonly chains: readonly AuxChainWork[];
  readonly poolTarget: bigint;
}

interface ChainState {
  readonly cfg: AuxChainConfig;
  readonly rpc: JsonRpcClient;
  readonly stats: AuxChainStats;
  work: (AuxChainWork & { reward: bigint; height: number; hashHex: string }) | undefined;
}

export interface MergeMiningOptions {
  readonly chains: readonly AuxChainConfig[];
  readonly pollMs?: number;
  readonly policy?: RevenuePolicy;
  /** Write the ledger JSON here after every accepted aux block. */
  readonly ledgerFile?: string;
  readonly logger?: Logger;
}

/** createauxblock's answer (Namecoin's field names; `_target` is the target's bytes, little-endian). */
export function parseAuxBlock(r: unknown): {
  hash: string;
  chainId: number;
  reward: bigint;
  height: number;
  target: bigint;
} {
  const bad = (m: string) =>
    new StratumNodeError(StratumNodeErrorCode.RPC, `createauxblock result: ${m}`);
  if (typeof r !== 'object' || r === null) throw bad('not an object');
  const o = r as Record<string, unknown>;
  if (typeof o.hash !== 'string' || !/^[0-9a-fA-F]{64}$/.test(o.hash))
    throw bad('hash must be 64 hex characters');
  if (typeof o._target !== 'string' || !/^[0-9a-fA-F]{64}$/.test(o._target))
    throw bad('_target must be 64 hex characters');
  const int = (k: string, max: number) => {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max)
      throw bad(`${k} must be an integer in [0, ${max}]`);
    return v;
  };
  const le = hexToBytes(o._target);
  let target = 0n;
  for (let i = 31; i >= 0; i--) target = (target << 8n) | BigInt(le[i]!);
  if (target === 0n) throw bad('_target is zero');
  return {
    hash: o.hash.toLowerCase(),
    chainId: int('chainid', 0x7fffffff),
    reward: BigInt(int('coinbasevalue', Number.MAX_SAFE_INTEGER)),
    height: int('height', 0x7fffffff),
    target,
  };
}

export class MergeMiningCoordinator implements Startable {
  readonly ledger: RevenueLedger;
  private readonly chains: ChainState[];
  private readonly log: Logger;
  private context: AuxContext | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Called when the aux work changed (the pool then issues fresh jobs). */
  onChange: (() => void) | undefined;

  constructor(private readonly o: MergeMiningOptions) {
    if (o.chains.length === 0) {
      throw new StratumNodeError(
        StratumNodeErrorCode.CONFIG,
        'merge mining needs at least one chain',
      );
    }
    this.ledger = new RevenueLedger(o.policy);
    this.log = o.logger ?? nullLogger;
    this.chains = o.chains.map((cfg) => ({
      cfg,
      rpc: new JsonRpcClient(cfg),
      work: undefined,
      stats: {
        name: cfg.name,
        chainId: cfg.chainId,
        height: undefined,
        blockHash: undefined,
        target: undefined,
        sharesMeetingTarget: 0,
        submitted: 0,
        accepted: 0,
        rejected: 0,
        lastError: undefined,
      },
    }));
  }

  async start(): Promise<void> {
    await this.pollAll();
    const loop = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => this.pollAll().finally(loop), this.o.pollMs ?? 5000);
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** The aux work for the next job, or undefined when no chain has work. */
  current(): AuxContext | undefined {
    return this.context;
  }

  stats(): AuxChainStats[] {
    return this.chains.map((c) => ({ ...c.stats }));
  }

  ledgerJSON(): RevenueLedgerExport {
    return this.ledger.toJSON();
  }

  private async pollAll(): Promise<void> {
    let changed = false;
    await Promise.all(
      this.chains.map(async (c) => {
        try {
          changed = (await this.poll(c)) || changed;
        } catch (e) {
          c.stats.lastError = describe(e);
          this.log.warn({ chain: c.cfg.name, err: c.stats.lastError }, 'createauxblock failed');
        }
      }),
    );
    if (changed) this.rebuild();
  }

  private async poll(c: ChainState): Promise<boolean> {
    const a = parseAuxBlock(await c.rpc.call('createauxblock', [c.cfg.address]));
    if (c.cfg.chainId !== undefined && a.chainId !== c.cfg.chainId) {
      throw new StratumNodeError(
        StratumNodeErrorCode.RPC,
        `${c.cfg.name}: createauxblock chain id ${a.chainId}, configured ${c.cfg.chainId}`,
      );
    }
    if (c.work?.hashHex === a.hash) return false;
    c.work = {
      chainId: a.chainId,
      blockHash: reverseBytes(hexToBytes(a.hash)),
      target: a.target,
      reward: a.reward,
      height: a.height,
      hashHex: a.hash,
    };
    Object.assign(c.stats, {
      chainId: a.chainId,
      height: a.height,
      blockHash: a.hash,
      target: a.target.toString(16).padStart(64, '0'),
    });
    return true;
  }

  private rebuild(): void {
    const works = this.chains.flatMap((c) => (c.work ? [c.work] : []));
    if (works.length === 0) {
      this.context = undefined;
    } else {
      const chains = works.map((w) => ({
        chainId: w.chainId,
        blockHash: w.blockHash,
        target: w.target,
      }));
      this.context = {
        tree: buildAuxMerkleTree(chains),
        chains,
        poolTarget: easiestAuxTarget(chains) ?? 0n,
      };
    }
    this.onChange?.();
  }

  /** A share that met the job's pool target: submit an AuxPoW to every chain whose target it meets. */
  async onShare(p: {
    readonly ctx: AuxContext;
    readonly job: MiningJob;
    readonly fullExtranonce: Uint8Array;
    readonly header: Uint8Array;
    readonly hash: Uint8Array;
  }): Promise<void> {
    const subs = auxPowsForShare({
      job: p.job,
      tree: p.ctx.tree,
      chains: p.ctx.chains,
      fullExtranonce: p.fullExtranonce,
      header: p.header,
      hash: p.hash,
    });
    for (const s of subs) {
      const c = this.chains.find((x) => x.work?.chainId === s.chainId);
      if (c === undefined || c.work === undefined) continue;
      c.stats.sharesMeetingTarget++;
      const hashHex = bytesToHex(reverseBytes(s.blockHash));
      if (hashHex !== c.work.hashHex) continue; // that aux block was already solved or replaced
      c.stats.submitted++;
      try {
        const r = await c.rpc.call('submitauxblock', [hashHex, bytesToHex(encodeAuxPow(s.auxpow))]);
        if (r === true || r === null) {
          c.stats.accepted++;
          this.ledger.record({
            chain: c.cfg.name,
            blockHash: hashHex,
            height: c.work.height,
            reward: c.work.reward,
            time: Math.floor(Date.now() / 1000),
          });
          if (this.o.ledgerFile) {
            writeFileSync(this.o.ledgerFile, `${JSON.stringify(this.ledgerJSON(), null, 2)}\n`);
          }
          this.log.info({ chain: c.cfg.name, hash: hashHex }, 'aux block accepted');
          if (await this.poll(c).catch(() => false)) this.rebuild();
        } else {
          c.stats.rejected++;
          c.stats.lastError = `submitauxblock returned ${JSON.stringify(r)}`;
        }
      } catch (e) {
        c.stats.rejected++;
        c.stats.lastError = describe(e);
        this.log.warn({ chain: c.cfg.name, err: c.stats.lastError }, 'submitauxblock failed');
      }
    }
  }
}
