import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { EthRpcErrorCode } from '@keel/api';
import {
  deriveValidatorKeys,
  genesisValidator,
  loadGenesis,
  parseGenesisFile,
} from '@keel/chain-node';
import { loadBlsBackend } from '@keel/crypto';
import { createLedger } from '@keel/ledger';
import { bytesToHex, nullLogger } from '@keel/util';
import type { ChainNode } from '../../src/node.ts';
import { VerkleRpc, VerkleWitnesses } from '../../src/rpc/verkle.ts';

// The RPC layer over a real genesis state (the ledger's own loadGenesis, real verkle tree).
// Only the node's surroundings the handlers read are stood in for: the committed height (0,
// nothing built yet) and a block store that knows no Ethereum hashes.
describe('rpc/verkle: bad params and state-bound failures', async () => {
  const bls = await loadBlsBackend('blst');
  const ledger = createLedger();
  const k = deriveValidatorKeys(0, new Uint8Array(32).fill(7));
  const file = {
    chainId: 'keel-verkle-rpc',
    evmChainId: 1337,
    genesisTime: 0,
    validators: [genesisValidator('v0', 1000, k, bls)],
    balances: [{ address: '11'.repeat(20), amount: '1000000' }],
  };
  const rpcOf = (evmState: 'mpt' | 'verkle') => {
    const genesis = loadGenesis(parseGenesisFile({ ...file, evmState }), bls, ledger);
    const node = {
      app: { state: genesis.state },
      consensus: { committedHeight: 0 },
      o: { genesis },
      store: { heightOfEth: () => null, info: () => undefined },
      listeners: new Set(),
    } as unknown as ChainNode;
    const w = new VerkleWitnesses(node, '/nonexistent', 0, nullLogger);
    return { rpc: new VerkleRpc(node, w), genesis };
  };
  const vk = rpcOf('verkle');
  const mpt = rpcOf('mpt');

  const err = async (r: VerkleRpc, m: string, p: unknown) => {
    const out = await r.handle(m, p);
    assert.ok('error' in out && out.error, `${m} ${JSON.stringify(p)} should fail`);
    return out.error as { code: number; message: string; data?: { reason?: string } };
  };

  it('malformed params answer -32602 naming the field', async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['verkle_getWitness', [], /params/],
      ['verkle_getWitness', ['0xzz'], /0/],
      ['verkle_getWitness', [12], /0/],
      ['verkle_getWitness', ['latest', 'extra'], /params/],
      ['verkle_verifyProof', ['0x12', {}], /0/],
      ['verkle_verifyProof', [`0x${'00'.repeat(32)}`], /params|1/],
      ['verkle_verifyProof', 'not-an-array', /params/],
      ['verkle_getStateMode', [1], /params/],
      ['verkle_getTreeStats', [{}], /params/],
      ['verkle_getMigrationStatus', ['x'], /params/],
    ];
    for (const [m, p, field] of cases) {
      const e = await err(vk.rpc, m, p);
      assert.equal(e.code, EthRpcErrorCode.INVALID_PARAMS, `${m} ${JSON.stringify(p)}`);
      assert.match(e.message, /^invalid params: /);
      assert.match(e.message, field);
    }
  });

  it('state-bound methods on an mpt chain answer -32000 reason mpt', async () => {
    for (const [m, p] of [
      ['verkle_getWitness', ['0x1']],
      ['verkle_getTreeStats', []],
    ] as const) {
      const e = await err(mpt.rpc, m, p);
      assert.equal(e.code, EthRpcErrorCode.SERVER);
      assert.equal(e.data?.reason, 'mpt');
    }
    const mode = await mpt.rpc.handle('verkle_getStateMode', []);
    assert.equal((mode as { result: { mode: string } }).result.mode, 'mpt');
  });

  it('witness refs: genesis, future and unknown blocks are typed failures', async () => {
    assert.equal((await err(vk.rpc, 'verkle_getWitness', ['earliest'])).data?.reason, 'genesis');
    assert.equal((await err(vk.rpc, 'verkle_getWitness', ['0x0'])).data?.reason, 'genesis');
    assert.equal((await err(vk.rpc, 'verkle_getWitness', ['0x5'])).data?.reason, 'future');
    const h = `0x${'ab'.repeat(32)}`;
    assert.equal((await err(vk.rpc, 'verkle_getWitness', [h])).data?.reason, 'unknown');
  });

  it('verifyProof: real witness VALID, wrong root and garbage witness false (no throw)', async () => {
    // A go-verkle witness from the shared vectors (not produced by keel), with its parent root.
    const vectors = JSON.parse(
      readFileSync(
        new URL('../../../../../shared/vectors/verkle/proofs.json', import.meta.url),
        'utf8',
      ),
    ) as {
      execution_witnesses: Array<{
        name: string;
        parent_state_root: string;
        expected_valid: boolean;
        executionWitness: unknown;
      }>;
    };
    const v = vectors.execution_witnesses.find(
      (x) => x.expected_valid && x.name !== 'valid_block_1',
    )!;
    const root = v.parent_state_root;
    const json = v.executionWitness;
    const ok = (await vk.rpc.handle('verkle_verifyProof', [root, json])) as {
      result: { valid: boolean };
    };
    assert.equal(ok.result.valid, true);
    const wrongRoot = `0x${bytesToHex(vk.genesis.eth!.header.stateRoot)}`;
    const bad = (await vk.rpc.handle('verkle_verifyProof', [wrongRoot, json])) as {
      result: { valid: boolean };
    };
    assert.equal(bad.result.valid, false);
    for (const junk of [
      {},
      { stateDiff: 'x', verkleProof: 1 },
      { stateDiff: [], verkleProof: {} },
    ]) {
      const r = await vk.rpc.handle('verkle_verifyProof', [root, junk]);
      if ('error' in r && r.error) assert.equal(r.error.code, EthRpcErrorCode.INVALID_PARAMS);
      else assert.equal((r as { result: { valid: boolean } }).result.valid, false);
    }
  });
});
