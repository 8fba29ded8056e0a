import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type BlockJson, createHttpClient, type RpcClient, type StatusJson } from '@keel/api';
import type { BlsBackend } from '@keel/crypto';
import type { EvmStateMode } from '@keel/ledger';
import { ChainNodeError, ChainNodeErrorCode } from '../errors.ts';
import { type InitGenesisResult, initGenesis } from './init.ts';
import { LoadGenerator } from './load.ts';

export interface DevnetOptions {
  readonly dir: string;
  readonly validators: number;
  readonly chainId: string;
  /** The command that runs one node: `[node, keel.js, 'chain', 'run']`. */
  readonly command: readonly string[];
  readonly blockTimeMs: number;
  readonly baseTimeoutMs: number;
  readonly syncIntervalMs: number;
  readonly seed: Uint8Array;
  readonly bls: BlsBackend;
  readonly accounts: number;
  readonly adminToken: string;
  readonly host?: string;
  /** More `keel chain run` flags for every node (e.g. `--blob-retention-blocks 8`). */
  readonly nodeArgs?: readonly string[];
  /** EVM state backend of the genesis (`mpt` default, `verkle`). */
  readonly evmState?: EvmStateMode;
}

export interface DevnetNode {
  readonly index: number;
  readonly dir: string;
  readonly rpcUrl: string;
  readonly p2pPort: number;
  readonly rpcPort: number;
  readonly peerId: string;
  readonly args: string[];
  child: ChildProcess | null;
  readonly client: RpcClient;
}

/** The summary `keel devnet --slots S --json` prints (field names fixed by the issue). */
export interface DevnetSummary {
  readonly validators: number;
  readonly finalized: number;
  readonly agree: boolean;
  readonly stateRootsAgree: boolean;
  readonly txCommitted: number;
  readonly tps: number;
  readonly finalityP50Ms: number;
  readonly finalityP95Ms: number;
  readonly viewChanges: number;
}

/** A free TCP port on the loopback interface. */
export function freeLoopbackPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, host, () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * A local devnet: a fresh genesis, N `keel chain run` processes on loopback (each with its
 * own datadir, P2P and RPC port, the others as static peers), status polling, an optional
 * transfer load, and a cross-node agreement check over every block hash and state root.
 */
export class Devnet {
  readonly nodes: DevnetNode[] = [];
  init!: InitGenesisResult;
  load: LoadGenerator | null = null;
  private stopping = false;
  onExit: (index: number, code: number | null, signal: string | null) => void = () => {};

  constructor(readonly o: DevnetOptions) {}

  async setup(): Promise<void> {
    const o = this.o;
    const passphrasePath = join(o.dir, 'passphrase');
    mkdirSync(o.dir, { recursive: true });
    const passphrase = Buffer.from(o.seed).toString('hex');
    writeFileSync(passphrasePath, passphrase, { mode: 0o600 });
    this.init = await initGenesis({
      dir: o.dir,
      chainId: o.chainId,
      validators: o.validators,
      stake: 1000,
      accounts: o.accounts,
      balance: 1_000_000_000n,
      passphrase,
      seed: o.seed,
      genesisTime: Date.now(),
      bls: o.bls,
      ...(o.evmState ? { evmState: o.evmState } : {}),
    });
    const host = o.host ?? '127.0.0.1';
    const ports: number[] = [];
    while (ports.length < 2 * o.validators) {
      const p = await freeLoopbackPort(host);
      if (!ports.includes(p)) ports.push(p);
    }
    const addr = (i: number) =>
      `/ip4/${host}/tcp/${ports[2 * i]}/p2p/${this.init.validators[i]!.peerId}`;
    writeFileSync(join(o.dir, 'admin-token'), o.adminToken, { mode: 0o600 });
    for (const v of this.init.validators) {
      const i = v.index;
      const peers = this.init.validators.filter((x) => x.index !== i).map((x) => addr(x.index));
      const args = [
        '--datadir',
        v.dir,
        '--genesis',
        this.init.genesisPath,
        '--keys',
        v.keysPath,
        '--passphrase-file',
        passphrasePath,
        '--host',
        host,
        '--p2p-port',
        String(ports[2 * i]),
        '--rpc-port',
        String(ports[2 * i + 1]),
        '--peers',
        peers.join(','),
        '--block-time',
        String(o.blockTimeMs),
        '--base-timeout',
        String(o.baseTimeoutMs),
        '--sync-interval',
        String(o.syncIntervalMs),
        '--admin-token-file',
        join(o.dir, 'admin-token'),
        ...(o.nodeArgs ?? []),
      ];
      const rpcUrl = `http://${host}:${ports[2 * i + 1]}`;
      this.nodes.push({
        index: i,
        dir: v.dir,
        rpcUrl,
        p2pPort: ports[2 * i]!,
        rpcPort: ports[2 * i + 1]!,
        peerId: v.peerId,
        args,
        child: null,
        client: createHttpClient({ url: rpcUrl, timeoutMs: 5000, adminToken: o.adminToken }),
      });
    }
  }

  /** Spawns node `i` (again, after `kill`): same datadir, keys and ports. */
  startNode(i: number): void {
    const n = this.nodes[i]!;
    const log = openSync(join(n.dir, 'node.log'), 'a');
    const child = spawn(process.execPath, [...this.o.command.slice(1), ...n.args], {
      stdio: ['ignore', log, log, 'ipc'],
      env: { ...process.env, KEEL_LOG_LEVEL: process.env.KEEL_LOG_LEVEL ?? 'info' },
    });
    if (this.o.command[0] !== process.execPath && this.o.command[0] !== 'node') {
      throw new ChainNodeError(
        ChainNodeErrorCode.INVALID_CONFIG,
        'devnet command must start with node',
      );
    }
    n.child = child;
    child.on('exit', (code, signal) => {
      if (n.child === child) n.child = null;
      if (!this.stopping) this.onExit(i, code, signal);
    });
  }

  startAll(): void {
    for (const n of this.nodes) this.startNode(n.index);
  }

  /** Kills node `i` (SIGKILL: a crash, for tests) and waits for it to exit. */
  async kill(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const c = this.nodes[i]!.child;
    if (!c) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill(signal);
    await exited;
  }

  async statuses(): Promise<(StatusJson | null)[]> {
    return Promise.all(
      this.nodes.map(async (n) => {
        if (!n.child) return null;
        try {
          return await n.client.call('consensus_getStatus', {});
        } catch {
          return null;
        }
      }),
    );
  }

  /** Resolves once every node answers RPC (or throws after `timeoutMs`). */
  async waitReady(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const s = await this.statuses();
      if (s.every((x) => x !== null)) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new ChainNodeError(ChainNodeErrorCode.NETWORK, 'devnet nodes did not start in time');
  }

  /** Waits until every running node has committed `height` (throws after `timeoutMs`). */
  async waitForHeight(
    height: number,
    timeoutMs: number,
    onStatus?: (s: (StatusJson | null)[]) => void,
    nodes: readonly number[] = this.nodes.map((n) => n.index),
  ): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.statuses();
      onStatus?.(s);
      if (nodes.every((i) => (s[i]?.committedHeight ?? -1) >= height)) return;
      if (Date.now() > end) {
        throw new ChainNodeError(
          ChainNodeErrorCode.NETWORK,
          `devnet did not reach height ${height} in ${timeoutMs} ms (heights ${s.map((x) => x?.committedHeight ?? 'down').join(', ')})`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async startLoad(tps: number): Promise<void> {
    this.load = new LoadGenerator({
      chainId: this.o.chainId,
      rpcUrls: this.nodes.map((n) => n.rpcUrl),
      accounts: this.init.accounts,
      tps,
    });
    await this.load.start();
  }

  /** Fetches blocks 1..height from every node and checks hashes and state roots agree. */
  async summary(height: number, from = 1): Promise<DevnetSummary> {
    const perNode: BlockJson[][] = [];
    for (const n of this.nodes) {
      const blocks: BlockJson[] = [];
      for (let h = from; h <= height; h += 100) {
        const calls = [];
        for (let x = h; x < Math.min(height + 1, h + 100); x++) {
          calls.push({ method: 'chain_getBlockByHeight' as const, params: { height: x } });
        }
        blocks.push(...((await n.client.batch(calls)) as BlockJson[]));
      }
      perNode.push(blocks);
    }
    let agree = true;
    let rootsAgree = true;
    for (let i = 0; i <= height - from; i++) {
      const ref = perNode[0]![i];
      for (const blocks of perNode) {
        const b = blocks[i];
        if (!ref || !b || b instanceof Error || b.hash !== ref.hash) agree = false;
        if (!ref || !b || b instanceof Error || b.stateRoot !== ref.stateRoot) rootsAgree = false;
      }
    }
    const ref = perNode[0]!.filter((b) => b && !(b instanceof Error));
    const txCommitted = ref.reduce((a, b) => a + b.txs.length, 0);
    const lat = ref.map((b) => b.committedAt - b.timestamp).sort((a, b) => a - b);
    const first = ref[0]?.timestamp ?? 0;
    const last = ref[ref.length - 1]?.committedAt ?? 0;
    const secs = Math.max(0.001, (last - first) / 1000);
    const statuses = await this.statuses();
    return {
      validators: this.nodes.length,
      finalized: height - from + 1,
      agree,
      stateRootsAgree: rootsAgree,
      txCommitted,
      tps: Math.round((txCommitted / secs) * 10) / 10,
      finalityP50Ms: percentile(lat, 50),
      finalityP95Ms: percentile(lat, 95),
      viewChanges: Math.max(0, ...statuses.map((s) => s?.viewChanges ?? 0)),
    };
  }

  /** Stops every node (SIGTERM, then SIGKILL after `graceMs`) and the load generator. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    this.load?.stop();
    await Promise.all(
      this.nodes.map(async (n) => {
        const c = n.child;
        if (!c || c.exitCode !== null) return;
        const exited = new Promise<void>((r) => c.once('exit', () => r()));
        c.kill('SIGTERM');
        const t = setTimeout(() => c.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(t);
      }),
    );
  }
}
