// `keel contract deploy|call --rpc` against a running 1-validator devnet: the same acceptance
// interface as the local sandbox, but signed with a funded account's key, sent over JSON-RPC
// and waited for until a committed block holds it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Devnet } from '@keel/chain-node';
import { buildDir, exampleWasm } from '@keel/contracts';
import { loadBlsBackend } from '@keel/crypto';
import { spawnCollect, tempDir } from '@keel/test-utils';

const BIN = fileURLToPath(new URL('../../bin/keel.js', import.meta.url));
/** Async, so the devnet in this process keeps running while the CLI waits for a block. */
const keel = async (...args: string[]) => {
  const c = spawnCollect(process.execPath, [BIN, 'contract', ...args], { timeoutMs: 90_000 });
  return { code: await c.done, stdout: c.out(), stderr: c.err() };
};
const json = (r: { code: number | null; stdout: string; stderr: string }) => {
  assert.ok(r.stdout.trim(), `no output (exit ${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout);
};
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b.toString('hex');
};
const wasm = (n: string) => join(buildDir, `${n}.wasm`);

describe('keel contract --rpc against a devnet', { timeout: 150_000 }, () => {
  const dir = tempDir('keel-contract-rpc-');
  let devnet: Devnet;
  let rpc: string;
  let keyFile: string;

  before(async () => {
    for (const n of ['token', 'loop'] as const) await exampleWasm(n);
    devnet = new Devnet({
      dir: dir.path,
      validators: 1,
      chainId: 'keel-contract-rpc',
      command: [process.execPath, BIN, 'chain', 'run'],
      blockTimeMs: 100,
      baseTimeoutMs: 1000,
      syncIntervalMs: 2000,
      seed: new Uint8Array(randomBytes(32)),
      bls: await loadBlsBackend('blst'),
      accounts: 1,
      adminToken: 'contract-rpc-admin',
    });
    await devnet.setup();
    devnet.startAll();
    await devnet.waitReady(60_000);
    await devnet.waitForHeight(1, 30_000);
    rpc = devnet.nodes[0]!.rpcUrl;
    const [account] = JSON.parse(readFileSync(devnet.init.accountsPath, 'utf8'));
    keyFile = join(dir.path, 'key.hex');
    writeFileSync(keyFile, account.secretKey, { mode: 0o600 });
  });

  after(async () => {
    await devnet?.stop();
    dir.cleanup();
  });

  test('deploy, call, dry run, revert and a rejected module, over RPC', async () => {
    const remote = ['--rpc', rpc, '--secret-key-file', keyFile];
    const d = await keel('deploy', ...remote, wasm('token'), '--init-args', u64(1000), '--json');
    assert.equal(d.code, 0, d.stderr);
    const deployed = json(d);
    assert.match(deployed.address, /^[0-9a-f]{64}$/);
    assert.ok(deployed.height >= 1, 'reported the committed block');

    const to = 'ab'.repeat(32);
    const t = json(
      await keel(
        'call',
        ...remote,
        deployed.address,
        'transfer',
        '--args',
        to + u64(250),
        '--gas',
        '1000000',
        '--json',
      ),
    );
    assert.equal(t.status, 'ok', JSON.stringify(t));
    assert.equal(t.returnData, '01');
    assert.equal(t.logs.length, 1, 'one Transfer event');
    assert.equal(t.logs[0].address, deployed.address);
    assert.ok(t.gasUsed > 0 && t.gasUsed <= 1_000_000, `contract gas only: ${t.gasUsed}`);

    // read back without a transaction or a key: the node's contract_call
    const b = json(
      await keel(
        'call',
        '--rpc',
        rpc,
        deployed.address,
        'balanceOf',
        '--args',
        to,
        '--gas',
        '1000000',
        '--dry-run',
        '--json',
      ),
    );
    assert.equal(b.status, 'ok', JSON.stringify(b));
    assert.equal(b.returnData, u64(250));

    // a transfer over the balance reverts in its block: exit 0, status revert
    const r = json(
      await keel(
        'call',
        ...remote,
        deployed.address,
        'transfer',
        '--args',
        to + u64(10_000),
        '--gas',
        '1000000',
        '--json',
      ),
    );
    assert.equal(r.status, 'revert', JSON.stringify(r));
    assert.equal(Buffer.from(r.returnData, 'hex').toString(), 'insufficient balance');

    // a module the validator refuses never reaches the node
    const bad = join(dir.path, 'bad.wasm');
    writeFileSync(bad, Buffer.from('0061736d01000000ff', 'hex'));
    const x = await keel('deploy', ...remote, bad, '--json');
    assert.equal(x.code, 1);
    assert.ok(json(x).error.code, x.stdout);
  });

  test('flag errors are precise', async () => {
    const both = await keel('deploy', '--rpc', rpc, '--state', dir.path, wasm('loop'));
    assert.notEqual(both.code, 0);
    assert.match(both.stderr, /exactly one of --state DIR .* or --rpc URL/);
    const noKey = await keel('deploy', '--rpc', rpc, wasm('loop'));
    assert.notEqual(noKey.code, 0);
    assert.match(noKey.stderr, /--rpc needs --secret-key-file/);
  });
});
