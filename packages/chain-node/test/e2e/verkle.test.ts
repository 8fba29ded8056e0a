import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createVerkleClient, type RpcError } from '@keel/api';
import { concatHex, type Hex, parseGwei } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { rpc as rawRpc, TestDevnet } from '../support/devnet.ts';

/** A raw call; a connection reset on this loaded 2-core machine is retried (twice). */
async function rpc(url: string, method: string, params: unknown[]) {
  for (let i = 0; ; i++) {
    try {
      return await rawRpc(url, method, params);
    } catch (e) {
      if (i >= 2 || !(e instanceof TypeError)) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

const KEEL_BIN = new URL('../../../cli/bin/keel.js', import.meta.url).pathname;
const BLOCKS = 100;

// Runtime: sstore(calldata[0:32] & 0xff, calldata[32:64]); stop. Init code copies it out.
const RUNTIME: Hex = '0x60203560003560ff165500';
const RUNTIME_LEN = (RUNTIME.length - 2) / 2;
const INIT = concatHex([
  `0x60${RUNTIME_LEN.toString(16).padStart(2, '0')}600c60003960${RUNTIME_LEN.toString(16).padStart(2, '0')}6000f3`,
  RUNTIME,
]);
const word = (n: number | bigint) => BigInt(n).toString(16).padStart(64, '0');

interface Verdict {
  witness: string;
  valid: boolean;
  keys?: number;
  reason?: string;
}

/**
 * A 4-validator devnet on verkle state (genesis evmState "verkle"): viem-signed transfers,
 * a contract deploy and storage writes for ~100 blocks; every block's execution witness,
 * stored by node 0 at commit, checks statelessly with `keel eth verify-witness --rpc`; the
 * Ethereum block views' stateRoots (verkle roots) agree across all nodes; node 1 (witness
 * store off) builds the same witness on request.
 */
describe(
  'verkle state on a devnet: witnesses per block, verified statelessly',
  {
    timeout: 240_000,
  },
  () => {
    let net: TestDevnet;
    let head = 0;

    before(async () => {
      net = await TestDevnet.start({
        name: 'verkle-e2e',
        evmState: 'verkle',
        argsOf: (i) => (i === 0 ? [] : ['--verkle-witness-retention-blocks', '0']),
      });
    });

    after(async () => {
      await net?.stop();
    });

    it(`runs EVM transactions for ${BLOCKS} blocks`, async () => {
      const url = net.url(0);
      const accounts = [0, 1, 2, 3].map((i) => privateKeyToAccount(net.ethKey(i)));
      const nonces = [0, 0, 0, 0];
      const chainId = net.evmChainId;
      const send = async (i: number, tx: { to?: Hex; value?: bigint; data?: Hex; gas: bigint }) => {
        const raw = await accounts[i]!.signTransaction({
          type: 'eip1559',
          chainId,
          nonce: nonces[i]!,
          maxFeePerGas: parseGwei('20'),
          maxPriorityFeePerGas: parseGwei('1'),
          ...tx,
        });
        const r = await rpc(url, 'eth_sendRawTransaction', [raw]);
        assert.equal(r.error, undefined, JSON.stringify(r.error));
        nonces[i]!++;
        return r.result as Hex;
      };
      const deploy = await send(0, { data: INIT, gas: 200_000n });
      let contract: Hex | undefined;
      let k = 0;
      for (;;) {
        const n = Number(BigInt((await rpc(url, 'eth_blockNumber', [])).result as string));
        head = n;
        if (n >= BLOCKS) break;
        if (!contract) {
          const rc = (await rpc(url, 'eth_getTransactionReceipt', [deploy])).result as {
            contractAddress?: Hex;
            status: Hex;
          } | null;
          if (rc) {
            assert.equal(rc.status, '0x1');
            contract = rc.contractAddress;
          }
        }
        const from = k % 4;
        // Transfers to fresh and known addresses (new stems), storage writes when deployed.
        if (contract && k % 2 === 0)
          await send(from, { to: contract, data: `0x${word(k % 7)}${word(k + 1)}`, gas: 60_000n });
        else
          await send(from, {
            to: `0x${(k % 5 === 0 ? 0xbeef0000 + k : 0xcafe).toString(16).padStart(40, '0')}`,
            value: 1000n + BigInt(k),
            gas: 21_000n,
          });
        k++;
        await new Promise((r) => setTimeout(r, 150));
      }
      assert.ok(contract, 'the contract was deployed');
      assert.ok(k >= 40, `sent ${k} transactions`);
    });

    it("every block's witness verifies statelessly (keel eth verify-witness --rpc)", async () => {
      const v = createVerkleClient({ url: net.url(0) });
      // node 0 writes witnesses after commit, off the consensus path: wait until it has the head's
      const end = Date.now() + 60_000;
      for (;;) {
        const w = await v.getWitness(head).catch(() => null);
        if (w?.source === 'store') break;
        assert.ok(Date.now() < end, 'node 0 stored the witness of the head');
        await new Promise((r) => setTimeout(r, 500));
      }
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [KEEL_BIN, 'eth', 'verify-witness', '--rpc', net.url(0), '--block', `1-${head}`, '--json'],
        { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      );
      const verdicts = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Verdict);
      assert.equal(verdicts.length, head);
      const bad = verdicts.filter((x) => !x.valid);
      assert.deepEqual(bad, []);
      const proven = verdicts.filter((x) => x.keys !== 0).length;
      assert.ok(proven >= 30, `${proven} blocks carried a non-empty witness`);
    });

    it('the verkle roots agree across the four nodes; node 1 builds the same witness', async () => {
      for (let n = 1; n <= head; n++) {
        const roots = await Promise.all(
          [0, 1, 2, 3].map(async (i) => {
            const b = (
              await rpc(net.url(i), 'eth_getBlockByNumber', [`0x${n.toString(16)}`, false])
            ).result as { stateRoot: string } | null;
            return b?.stateRoot;
          }),
        );
        assert.equal(new Set(roots).size, 1, `block ${n}: ${roots.join(' ')}`);
      }
      const v0 = createVerkleClient({ url: net.url(0) });
      const v1 = createVerkleClient({ url: net.url(1) });
      const n = head - 1;
      const [a, b] = [await v0.getWitness(n), await v1.getWitness(n)];
      assert.equal(a.source, 'store');
      assert.equal(b.source, 'memory');
      assert.deepEqual(b.executionWitness, a.executionWitness);
      const mode = await v1.getStateMode();
      assert.equal(mode.mode, 'verkle');
      assert.equal(mode.witnessRetentionBlocks, 0);
      const stats = await v0.getTreeStats();
      assert.ok(stats.values > 20 && stats.leaves > 5, JSON.stringify(stats));
      assert.equal((await v0.getMigrationStatus()).phase, 'done');
    });

    it('verkle_verifyProof and typed errors', async () => {
      const v = createVerkleClient({ url: net.url(0) });
      let w = await v.getWitness(head);
      for (let n = head; w.executionWitness === null; n--) w = await v.getWitness(n - 1);
      const ok = await v.verifyProof(w.parentStateRoot, w.executionWitness);
      assert.equal(ok.valid, true, ok.reason);
      assert.equal(ok.keys, w.keys);
      // against the block's own (post-state) root it is wrong
      assert.equal((await v.verifyProof(w.stateRoot, w.executionWitness)).valid, false);
      const junk = await v.verifyProof(w.parentStateRoot, { stateDiff: 5 });
      assert.equal(junk.valid, false);
      const code = async (p: Promise<unknown>) =>
        p.then(
          () => assert.fail('expected an error'),
          (e: RpcError) => [e.rpcCode, e.message] as const,
        );
      const [c0, m0] = await code(v.getWitness(0));
      assert.equal(c0, -32000);
      assert.match(m0, /genesis/);
      const [c1, m1] = await code(v.getWitness(head + 1000));
      assert.equal(c1, -32000);
      assert.match(m1, /not committed/);
      const [c2] = await code(v.getWitness('0x01'));
      assert.equal(c2, -32602);
      const bad = await rpc(net.url(0), 'verkle_verifyProof', ['0x12', {}]);
      assert.equal(bad.error?.code, -32602);
      assert.match(bad.error!.message, /32-byte 0x state root/);
    });
  },
);
