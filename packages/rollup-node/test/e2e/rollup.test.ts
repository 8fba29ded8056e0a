import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROLLUP_CONTRACTS } from '@keel/rollup';
import { tempDir } from '@keel/test-utils';
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  parseEther,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

const KEEL = new URL('../../../cli/bin/keel.js', import.meta.url).pathname;
type Sixteen = readonly [
  Hex,
  Hex,
  Hex,
  Hex,
  Hex,
  Hex,
  Hex,
  Hex,
  Hex,
  Hex,
  Hex,
  Hex,
  Hex,
  Hex,
  Hex,
  Hex,
];
const L2_BRIDGE = '0x4200000000000000000000000000000000000016';
// a 1-validator L1 devnet: the fastest chain that still runs real consensus and finality
const VALIDATORS = '1';
const T0 = Date.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Proc {
  child: ChildProcess;
  lines: string[];
  /** Set before the test kills it on purpose. */
  expectExit: boolean;
}

/** Every process started; `until` fails at once when one dies unexpectedly. */
const live: Proc[] = [];

function run(args: string[]): Proc {
  const child = spawn(process.execPath, [KEEL, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buf = '';
  child.stderr!.on('data', (d) => {
    buf += String(d);
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  });
  child.stdout!.resume();
  const p = { child, lines, expectExit: false };
  live.push(p);
  return p;
}

async function until<T>(
  what: string,
  f: () => Promise<T | undefined> | T | undefined,
  ms = 30_000,
) {
  const end = Date.now() + ms;
  for (;;) {
    const dead = live.find((p) => !p.expectExit && p.child.exitCode !== null);
    if (dead) {
      const name = dead.child.spawnargs.slice(2, 5).join(' ');
      throw new Error(
        `${name} exited (${dead.child.exitCode}) while waiting for ${what}:\n${dead.lines.slice(-20).join('\n')}`,
      );
    }
    try {
      const v = await f();
      if (v !== undefined && v !== false) {
        process.stderr.write(`e2e +${((Date.now() - T0) / 1000).toFixed(1)}s ${what}\n`);
        return v as T;
      }
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const o = (await res.json()) as { result?: T; error?: { message: string } };
  if (o.error) throw new Error(o.error.message);
  return o.result as T;
}

function rpcUrlOf(p: Proc): string | undefined {
  for (const l of p.lines) {
    if (!l.includes('rollup node running')) continue;
    return (JSON.parse(l) as { rpc: string }).rpc;
  }
  return undefined;
}

interface Status {
  head: { number: Hex; stateRoot: Hex };
  postedHead: Hex;
  mismatches: number;
  skipped: number;
  batches: { index: Hex; outputRoot: Hex; lastBlock: Hex }[];
  stats: Record<string, string | number>[];
}

/**
 * A keel devnet (L1, VALIDATORS validators) + `keel rollup run` sequencer + verifier as real processes:
 * deposit L1→L2, L2 transfers through viem, a SIGKILL of the sequencer mid-batch loses nothing,
 * the verifier derives the same roots from L1 alone, and a withdrawal is proven on L1 once
 * (a replay is refused).
 */
describe(
  'rollup e2e: devnet + sequencer + verifier, bridge both ways',
  { timeout: 120_000 },
  () => {
    const dir = tempDir('keel-rollup-e2e-');
    const procs: Proc[] = [];
    after(async () => {
      for (const p of procs) p.expectExit = true;
      if (process.env.KEEL_E2E_LOGS) {
        for (const p of procs)
          process.stderr.write(
            `---- ${p.child.spawnargs.slice(2, 5).join(' ')}\n${p.lines.slice(-60).join('\n')}\n`,
          );
      }
      for (const p of procs.reverse()) p.child.kill('SIGTERM');
      await sleep(500);
      for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
      dir.cleanup();
    });

    it('runs end to end', async () => {
      const l1dir = join(dir.path, 'l1');
      const devnet = run([
        'devnet',
        '--validators',
        VALIDATORS,
        '--datadir',
        l1dir,
        '--no-dashboard',
        '--block-time',
        '200',
      ]);
      procs.push(devnet);
      const l1 = await until(
        'devnet rpc',
        () => {
          const l = devnet.lines.find((x) => /node 0\s+rpc /.test(x));
          return l ? /rpc (\S+)/.exec(l)![1] : undefined;
        },
        90_000,
      );
      const accounts = await until('eth accounts', () =>
        existsSync(join(l1dir, 'eth-accounts.json'))
          ? (JSON.parse(readFileSync(join(l1dir, 'eth-accounts.json'), 'utf8')) as {
              address: Hex;
              privateKey: Hex;
            }[])
          : undefined,
      );
      const l1Pub = createPublicClient({ transport: http(l1), pollingInterval: 200 });
      const l1Id = await until('L1 up', () => l1Pub.getChainId(), 90_000);
      const l1Chain = defineChain({
        id: l1Id,
        name: 'l1',
        nativeCurrency: { name: 'E', symbol: 'E', decimals: 18 },
        rpcUrls: { default: { http: [l1] } },
      });
      const seqKey = join(dir.path, 'seq.key');
      writeFileSync(seqKey, accounts[0]!.privateKey);
      const seqDir = join(dir.path, 'seq');
      const seqArgs = [
        'rollup',
        'run',
        '--l1',
        l1,
        '--mode',
        'sequencer',
        '--datadir',
        seqDir,
        '--key-file',
        seqKey,
        '--rpc-port',
        '0',
        '--block-time',
        '300',
        '--batch-interval',
        '2500',
        '--challenge-period',
        '3',
      ];
      let seq = run(seqArgs);
      procs.push(seq);
      let l2 = await until('sequencer rpc', () => rpcUrlOf(seq), 60_000);
      const config = JSON.parse(readFileSync(join(seqDir, 'rollup.json'), 'utf8')) as {
        bridge: Hex;
        rollup: Hex;
      };

      // deposit L1 → L2
      const alice = privateKeyToAccount(accounts[1]!.privateKey);
      const bob = privateKeyToAccount(accounts[2]!.privateKey);
      const l1Alice = createWalletClient({ chain: l1Chain, account: alice, transport: http(l1) });
      const dh = await l1Alice.writeContract({
        address: config.bridge,
        abi: ROLLUP_CONTRACTS.Bridge.abi,
        functionName: 'deposit',
        args: [alice.address, '0x'],
        value: parseEther('2'),
      });
      assert.equal((await l1Pub.waitForTransactionReceipt({ hash: dh })).status, 'success');
      await until(
        'deposit minted on L2',
        async () =>
          BigInt(await rpc<Hex>(l2, 'eth_getBalance', [alice.address])) === parseEther('2'),
      );

      // L2 transfers through viem, then SIGKILL mid-batch and restart
      const l2Chain = defineChain({
        id: 901,
        name: 'l2',
        nativeCurrency: { name: 'E', symbol: 'E', decimals: 18 },
        rpcUrls: { default: { http: [l2] } },
      });
      let w2 = createWalletClient({ chain: l2Chain, account: alice, transport: http(l2) });
      const hashes: Hex[] = [];
      for (let i = 0; i < 5; i++)
        hashes.push(await w2.sendTransaction({ to: bob.address, value: 1000n + BigInt(i) }));
      seq.expectExit = true;
      seq.child.kill('SIGKILL');
      await new Promise((r) => seq.child.once('exit', r));
      seq = run(seqArgs);
      procs.push(seq);
      l2 = await until('sequencer restarted', () => rpcUrlOf(seq), 60_000);
      for (const h of hashes) {
        const rc = await until(`receipt ${h}`, () =>
          rpc<{ status: Hex } | null>(l2, 'eth_getTransactionReceipt', [h]).then(
            (r) => r ?? undefined,
          ),
        );
        assert.equal(rc.status, '0x1');
      }
      assert.equal(BigInt(await rpc<Hex>(l2, 'eth_getBalance', [bob.address])), 5010n);

      // withdrawal L2 → L1
      const l2Pub = createPublicClient({
        chain: l2Chain,
        transport: http(l2),
        pollingInterval: 200,
      });
      w2 = createWalletClient({ chain: l2Chain, account: alice, transport: http(l2) });
      const wh = await w2.writeContract({
        address: L2_BRIDGE,
        abi: ROLLUP_CONTRACTS.L2Bridge.abi,
        functionName: 'initiateWithdrawal',
        args: [bob.address, '0x'],
        value: parseEther('0.5'),
      });
      assert.equal(
        (await l2Pub.waitForTransactionReceipt({ hash: wh, timeout: 20_000 })).status,
        'success',
      );

      // verifier: derives from L1 alone, same roots
      const ver = run([
        'rollup',
        'run',
        '--l1',
        l1,
        '--mode',
        'verifier',
        '--datadir',
        join(dir.path, 'ver'),
        '--config',
        join(seqDir, 'rollup.json'),
        '--rpc-port',
        '0',
      ]);
      procs.push(ver);
      const v2 = await until('verifier rpc', () => rpcUrlOf(ver), 60_000);
      const st = await until(
        'verifier caught up past the withdrawal',
        async () => {
          const s = await rpc<Status>(l2, 'rollup_status');
          const v = await rpc<Status>(v2, 'rollup_status');
          const rc = await rpc<{ blockNumber: Hex }>(l2, 'eth_getTransactionReceipt', [wh]);
          return BigInt(v.head.number) >= BigInt(rc.blockNumber) &&
            BigInt(s.postedHead) === BigInt(v.head.number)
            ? { s, v }
            : undefined;
        },
        60_000,
      );
      assert.equal(st.v.mismatches, 0);
      assert.equal(st.v.skipped, 0);
      for (const b of st.v.batches) {
        const mine = st.s.batches.find((x) => x.index === b.index)!;
        assert.equal(b.outputRoot, mine.outputRoot);
      }
      assert.equal(
        await rpc(v2, 'eth_getBalance', [bob.address]),
        await rpc(l2, 'eth_getBalance', [bob.address]),
      );

      // prove on L1 after the challenge period; a replay is refused
      const p = await rpc<{
        batchIndex: Hex;
        stateRoot: Hex;
        l2BlockHash: Hex;
        withdrawal: { nonce: Hex; sender: Hex; target: Hex; value: Hex; data: Hex };
        index: number;
        siblings: Hex[];
      }>(v2, 'rollup_getWithdrawalProof', [wh, 0]);
      const carol = privateKeyToAccount(accounts[3]!.privateKey);
      const l1Carol = createWalletClient({ chain: l1Chain, account: carol, transport: http(l1) });
      const args = [
        BigInt(p.batchIndex),
        p.stateRoot,
        p.l2BlockHash,
        {
          nonce: BigInt(p.withdrawal.nonce),
          sender: p.withdrawal.sender,
          target: p.withdrawal.target,
          value: BigInt(p.withdrawal.value),
          data: p.withdrawal.data,
        },
        BigInt(p.index),
        p.siblings as unknown as Sixteen,
      ] as const;
      const before = await l1Pub.getBalance({ address: bob.address });
      await until(
        'batch finalized on L1',
        () =>
          l1Pub.readContract({
            address: config.rollup,
            abi: ROLLUP_CONTRACTS.Rollup.abi,
            functionName: 'isFinalized',
            args: [BigInt(p.batchIndex)],
          }),
        30_000,
      );
      const simulate = (a: typeof args) =>
        l1Pub.simulateContract({
          address: config.bridge,
          abi: ROLLUP_CONTRACTS.Bridge.abi,
          functionName: 'finalizeWithdrawal',
          args: a,
          account: carol,
        });
      // forged: a larger value, or one sibling flipped, does not reach the committed root
      const more = { ...args[3], value: args[3].value * 2n };
      await assert.rejects(
        () => simulate([args[0], args[1], args[2], more, args[4], args[5]]),
        /BadProof/,
      );
      const flipped = [...args[5]] as Hex[];
      flipped[3] = `0x${'11'.repeat(32)}`;
      await assert.rejects(
        () =>
          simulate([args[0], args[1], args[2], args[3], args[4], flipped as unknown as Sixteen]),
        /BadProof/,
      );
      const fh = await l1Carol.writeContract({
        address: config.bridge,
        abi: ROLLUP_CONTRACTS.Bridge.abi,
        functionName: 'finalizeWithdrawal',
        args,
        gas: 500_000n,
      });
      assert.equal((await l1Pub.waitForTransactionReceipt({ hash: fh })).status, 'success');
      assert.equal((await l1Pub.getBalance({ address: bob.address })) - before, parseEther('0.5'));
      await assert.rejects(() => simulate(args), /AlreadyFinalized/, 'a replayed proof');
      const stats = st.s.stats;
      process.stderr.write(`rollup e2e batches: ${JSON.stringify(stats)}\n`);
    });
  },
);
