import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Devnet } from '@keel/chain-node';
import { loadBlsBackend } from '@keel/crypto';
import { tempDir } from '@keel/test-utils';
import { type Chain, defineChain } from 'viem';

const KEEL_BIN = new URL('../../../cli/bin/keel.js', import.meta.url).pathname;

export interface RpcReply<D = unknown> {
  result?: unknown;
  error?: { code: number; message: string; data?: D };
}

/** One raw JSON-RPC call over HTTP POST (what a client sends, without a client library). */
export async function rpc<D = unknown>(
  url: string,
  method: string,
  params: unknown[],
): Promise<RpcReply<D>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return (await res.json()) as RpcReply<D>;
}

export interface TestDevnetOptions {
  /** Chain id and temp-dir prefix (`keel-<name>-`). */
  readonly name: string;
  readonly validators?: number;
  readonly accounts?: number;
  /** `keel chain run` flags for every node. */
  readonly nodeArgs?: readonly string[];
  /** More flags for node `i` (after `nodeArgs`). */
  readonly argsOf?: (i: number) => readonly string[];
  /** Nodes started at once (default all); the others wait for `startNode`. */
  readonly start?: readonly number[];
  /** How long the started nodes may take to answer RPC (4 processes on 2 busy cores: slow). */
  readonly readyTimeoutMs?: number;
  /** Wait until the started nodes committed this height (default 1). */
  readonly height?: number;
  readonly heightTimeoutMs?: number;
  /** Genesis EVM state backend (default mpt). */
  readonly evmState?: 'mpt' | 'verkle';
}

/**
 * A devnet of real `keel chain run` processes for an e2e test (200 ms blocks, 1 s base
 * timeout, sync every 2 s), in its own temp dir: `stop()` ends every process and removes it.
 */
export class TestDevnet {
  private readonly tmp: { path: string; cleanup: () => void };

  private constructor(
    readonly devnet: Devnet,
    tmp: { path: string; cleanup: () => void },
  ) {
    this.tmp = tmp;
  }

  static async start(o: TestDevnetOptions): Promise<TestDevnet> {
    const tmp = tempDir(`keel-${o.name}-`);
    const devnet = new Devnet({
      dir: tmp.path,
      validators: o.validators ?? 4,
      chainId: `keel-${o.name}`,
      command: [process.execPath, KEEL_BIN, 'chain', 'run'],
      blockTimeMs: 200,
      baseTimeoutMs: 1000,
      syncIntervalMs: 2000,
      seed: new Uint8Array(randomBytes(32)),
      bls: await loadBlsBackend('blst'),
      accounts: o.accounts ?? 1,
      adminToken: `${o.name}-admin`,
      nodeArgs: o.nodeArgs,
      ...(o.evmState ? { evmState: o.evmState } : {}),
    });
    const t = new TestDevnet(devnet, tmp);
    try {
      await devnet.setup();
      if (o.argsOf) for (const n of devnet.nodes) n.args.push(...o.argsOf(n.index));
      const first = o.start ?? devnet.nodes.map((n) => n.index);
      for (const i of first) devnet.startNode(i);
      await t.waitReady(first, o.readyTimeoutMs ?? 150_000);
      await devnet.waitForHeight(o.height ?? 1, o.heightTimeoutMs ?? 60_000, undefined, first);
    } catch (e) {
      await t.stop();
      throw e;
    }
    return t;
  }

  get dir(): string {
    return this.tmp.path;
  }

  url(i: number): string {
    return this.devnet.nodes[i]!.rpcUrl;
  }

  get evmChainId(): number {
    return this.devnet.init.genesis.evmChainId!;
  }

  ethKey(i: number): `0x${string}` {
    return this.devnet.init.ethAccounts[i]!.privateKey as `0x${string}`;
  }

  ethAddress(i: number): `0x${string}` {
    return this.devnet.init.ethAccounts[i]!.address as `0x${string}`;
  }

  /** The viem chain of this devnet, with node `i`'s RPC as the default URL. */
  chain(i = 0): Chain {
    return defineChain({
      id: this.evmChainId,
      name: 'keel devnet',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [this.url(i)] } },
    });
  }

  /** Resolves once every node in `nodes` answers consensus_getStatus. */
  async waitReady(nodes: readonly number[], timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.devnet.statuses();
      if (nodes.every((i) => s[i] !== null)) return;
      if (Date.now() > end)
        throw new Error(`devnet nodes ${nodes.join(', ')} did not answer RPC in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Starts node `i` (not started yet, or killed) and waits for its RPC. */
  async startNode(i: number, readyTimeoutMs = 60_000): Promise<void> {
    this.devnet.startNode(i);
    await this.waitReady([i], readyTimeoutMs);
  }

  /** Kills node `i` and deletes its chain and blob databases (its keys stay). */
  async wipe(i: number): Promise<void> {
    await this.devnet.kill(i);
    const d = this.devnet.nodes[i]!.dir;
    for (const sub of ['db', 'blobs']) rmSync(join(d, sub), { recursive: true, force: true });
  }

  /** Stops every node and removes the temp dir (kept, with the node logs, if KEEL_KEEP_DEVNET=1). */
  async stop(): Promise<void> {
    try {
      await this.devnet.stop();
    } finally {
      if (process.env.KEEL_KEEP_DEVNET === '1') console.error(`devnet kept in ${this.dir}`);
      else this.tmp.cleanup();
    }
  }
}
