import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '@keel/test-utils';
import { privateKeyToAccount } from 'viem/accounts';
import { type RollupConfig, RollupNode, RollupRpcServer } from '../../src/index.ts';
import { MemoryL1 } from './memoryL1.ts';

const alice = privateKeyToAccount(`0x${'a1'.repeat(32)}`);
const sequencer = privateKeyToAccount(`0x${'5e'.repeat(32)}`);
const A = alice.address.toLowerCase();
const H = `0x${'ab'.repeat(32)}`;

const config: RollupConfig = {
  version: 1,
  l1ChainId: 1337,
  rollup: `0x${'01'.repeat(20)}`,
  bridge: `0x${'02'.repeat(20)}`,
  deployBlock: 1,
  l2ChainId: 901,
  genesisTimestamp: 1_700_000_000,
  sequencer: sequencer.address,
  challengePeriod: 0,
  alloc: { [alice.address]: '1000000000000000000' },
};

interface Answer {
  result?: unknown;
  error?: { code: number; message: string; data?: { code?: string; param?: number } };
}

describe('rollup node JSON-RPC: answers and typed parameter errors', () => {
  const dir = tempDir('keel-rollup-rpc-');
  const l1 = new MemoryL1(1_700_000_000n);
  let seq: RollupNode;
  let rpc: RollupRpcServer;
  let ver: RollupRpcServer;
  const call = (method: string, params?: unknown, s = rpc) =>
    s.handle({ jsonrpc: '2.0', id: 7, method, params }) as Answer;
  /** The call fails with `code`, a message matching `message` and (for -32602) the param. */
  const fails = (method: string, params: unknown, code: number, message: RegExp, s = rpc) => {
    const a = call(method, params, s);
    assert.ok(a.error, `${method} ${JSON.stringify(params)} should fail`);
    assert.equal(a.error.code, code, a.error.message);
    assert.match(a.error.message, message);
    if (code === -32602) assert.equal(a.error.data?.code, 'ERR_ROLLUP_NODE_INVALID_PARAMS');
  };

  before(async () => {
    seq = new RollupNode({
      mode: 'sequencer',
      l1: 'memory',
      datadir: join(dir.path, 'seq'),
      config,
      l1Reader: l1,
      submitter: l1.submitter(sequencer.address),
      manual: true,
    });
    await seq.start();
    rpc = new RollupRpcServer(seq);
    const v = new RollupNode({
      mode: 'verifier',
      l1: 'memory',
      datadir: join(dir.path, 'ver'),
      config,
      l1Reader: l1,
      manual: true,
    });
    ver = new RollupRpcServer(v);
  });
  after(async () => {
    await seq.stop();
    dir.cleanup();
  });

  it('answers the reads viem makes', () => {
    assert.deepEqual(call('eth_chainId', []), { jsonrpc: '2.0', id: 7, result: '0x385' });
    assert.equal(call('eth_getBalance', [A, 'latest']).result, '0xde0b6b3a7640000');
    assert.equal(call('eth_getBalance', [A]).result, '0xde0b6b3a7640000');
    assert.equal(call('eth_getBalance', [A, '0x0']).result, '0xde0b6b3a7640000');
    assert.equal(call('eth_getTransactionCount', [A, 'pending']).result, '0x0');
    assert.equal(call('eth_getTransactionByHash', [H]).result, null);
    assert.equal(call('eth_getTransactionReceipt', [H]).result, null);
    assert.equal(call('eth_getBlockByHash', [H, false]).result, null);
    const g = call('eth_getBlockByNumber', ['0x0', false]).result as { number: string };
    assert.equal(g.number, '0x0');
    assert.deepEqual(call('eth_getLogs', [{ fromBlock: '0x0', toBlock: 'latest' }]).result, []);
  });

  it('a sent tx is pending, then sealed, then found by hash', async () => {
    const raw = await alice.signTransaction({
      chainId: 901,
      type: 'eip1559',
      nonce: 0,
      to: `0x${'b0'.repeat(20)}`,
      value: 1n,
      gas: 21_000n,
      maxFeePerGas: 2n,
      maxPriorityFeePerGas: 1n,
    });
    const h = call('eth_sendRawTransaction', [raw]).result as string;
    const pending = call('eth_getTransactionByHash', [h]).result as {
      blockNumber: null;
      from: string;
    };
    assert.equal(pending.blockNumber, null);
    assert.equal(pending.from, A);
    fails('eth_sendRawTransaction', [raw], -32000, /already known/);
    await seq.tick();
    const tx = call('eth_getTransactionByHash', [h]).result as {
      blockNumber: string;
      value: string;
    };
    assert.deepEqual([tx.blockNumber, tx.value], ['0x1', '0x1']);
    const rc = call('eth_getTransactionReceipt', [h]).result as { status: string };
    assert.equal(rc.status, '0x1');
    fails('eth_sendRawTransaction', [raw], -32000, /nonce too low: 0 < 1/);
    // only the head's state is kept: a past block is refused, not answered with head values
    fails(
      'eth_getBalance',
      [A, '0x0'],
      -32000,
      /state of block 0 is not kept \(only the head, 1\)/,
    );
  });

  it('malformed parameters are -32602 naming the method, position and field', () => {
    fails('eth_getBalance', [], -32602, /^eth_getBalance: param 0 must be 0x-hex of 20 bytes/);
    fails('eth_getBalance', ['0x12'], -32602, /param 0 must be 0x-hex of 20 bytes, got "0x12"/);
    fails('eth_getBalance', [A.slice(2)], -32602, /param 0 must be 0x-hex of 20 bytes/);
    fails('eth_getBalance', [A, 'newest'], -32602, /param 1 must be a block number or latest/);
    fails(
      'eth_getBalance',
      [A, '0x01'],
      -32602,
      /param 1 must be a 0x quantity without leading zeros/,
    );
    fails('eth_getBalance', [A, 7], -32602, /param 1 must be a block number/);
    fails('eth_getStorageAt', [A, 'slot'], -32602, /param 1 must be a 0x quantity/);
    fails('eth_getTransactionReceipt', ['0xab'], -32602, /param 0 must be 0x-hex of 32 bytes/);
    fails('eth_getBlockByNumber', ['latest', 'yes'], -32602, /param 1 must be true or false/);
    fails('eth_call', [], -32602, /^eth_call: param 0 is missing \(an object\)/);
    fails('eth_call', ['0x00'], -32602, /param 0 must be an object/);
    fails('eth_call', [{ to: '0xzz' }], -32602, /param 0 \.to must be 0x-hex of 20 bytes/);
    fails('eth_call', [{ to: A, value: '12' }], -32602, /param 0 \.value must be a 0x quantity/);
    fails('eth_call', [{ to: A, data: '0x123' }], -32602, /param 0 \.input must be 0x-hex data/);
    fails('eth_estimateGas', [{ to: A, gas: -1 }], -32602, /param 0 \.gas must be a 0x quantity/);
    fails('eth_sendRawTransaction', ['0xgg'], -32602, /param 0 must be 0x-hex data/);
    fails(
      'eth_sendRawTransaction',
      [`0x${'00'.repeat(131_073)}`],
      -32602,
      /is 131073 bytes \(at most 131072\)/,
    );
    fails(
      'eth_getLogs',
      [{ address: '0x1' }],
      -32602,
      /param 0 \.address must be 0x-hex of 20 bytes/,
    );
    fails(
      'eth_getLogs',
      [{ topics: [H, ['0x01']] }],
      -32602,
      /param 0 \.topics\[1\] must be 0x-hex of 32 bytes/,
    );
    fails('eth_getLogs', [{ topics: 'x' }], -32602, /\.topics must be an array of at most 4/);
    fails('eth_getLogs', [{ fromBlock: '0x0', toBlock: '0x2711' }], -32602, /spans 10002 blocks/);
    fails('rollup_getWithdrawalProof', [H, -1], -32602, /param 1 must be an index >= 0/);
    fails('eth_getBalance', { 0: A }, -32602, /eth_getBalance: params must be an array/);
    const bad = call('eth_getBalance', ['0x12']);
    assert.equal(bad.error?.data?.param, 0);
  });

  it('requests, methods and lookups that fail say why', () => {
    fails('eth_mine', [], -32601, /unknown method eth_mine/);
    fails('rollup_getWithdrawalProof', [H], -32000, /unknown L2 transaction 0xabab/);
    fails('eth_sendRawTransaction', ['0x02'], -32000, /a verifier accepts no transactions/, ver);
    assert.deepEqual(rpc.handle(42), {
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: 'invalid request' },
    });
    assert.deepEqual(rpc.handleText('{"id":1,'), {
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'parse error' },
    });
    const many = JSON.stringify(
      Array.from({ length: 101 }, (_, i) => ({ id: i, method: 'eth_chainId' })),
    );
    assert.equal((rpc.handleText(many) as Answer).error?.code, -32600);
    const two = rpc.handleText('[{"id":1,"method":"eth_chainId"},{"id":2,"method":"eth_nope"}]');
    assert.deepEqual(
      (two as Answer[]).map((a) => [a.result, a.error?.code]),
      [
        ['0x385', undefined],
        [undefined, -32601],
      ],
    );
  });
});
