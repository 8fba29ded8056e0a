import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CANCUN,
  createMemoryWorldState,
  createStepWitness,
  createTxStepper,
  encodeStepWitness,
  type LegacyTx,
  type StepWitness,
} from '@keel/evm';
import { bytesToBigInt, concatBytes, hexToBytes } from '@keel/util';
import {
  createGenesisState,
  createLedger,
  STEP_PRECOMPILE_ADDRESS,
  STEP_VERIFY_GAS,
} from '../../src/index.ts';
import { alice, validatorKeys } from '../helpers.ts';

// An L2-side transaction stepped by keel's step machine; its SSTORE step (a storage-trie write
// and a refund change) is proven on the L1 through the ledger's own EVM path (eth_call to the
// step precompile).
const L2_FROM = hexToBytes('0x00000000000000000000000000000000000a11ce');
const L2_TO = hexToBytes('0x000000000000000000000000000000000000c0de');
// sstore(1, 42); sstore(2, calldata[0]); stop
const CODE = hexToBytes('602a600155600035600255' + '00');

function l2Step(): { pre: Uint8Array; preC: Uint8Array; post: Uint8Array; witness: StepWitness } {
  const state = createMemoryWorldState([
    [L2_FROM, { nonce: 0n, balance: 10n ** 18n, code: new Uint8Array() }],
    [L2_TO, { nonce: 1n, balance: 0n, code: CODE, storage: new Map([[2n, 5n]]) }],
  ]);
  const preTx = state.copy();
  const tx: LegacyTx = {
    type: 0,
    nonce: 0n,
    gasPrice: 1n,
    gasLimit: 100_000n,
    to: L2_TO,
    value: 0n,
    data: new Uint8Array(32),
    v: 27n,
    r: 1n,
    s: 1n,
  };
  const env = {
    chainId: 901n,
    coinbase: new Uint8Array(20),
    number: 3n,
    timestamp: 30n,
    gasLimit: 30_000_000n,
    baseFee: 0n,
    prevRandao: new Uint8Array(32),
    excessBlobGas: 0n,
    getBlockHash: () => undefined,
  };
  const m = createTxStepper(state, tx, L2_FROM, env, { fork: CANCUN }, { commitments: true });
  // step 0 enters the tx; 1-2 push; 3 is the first SSTORE; 4-6 push/calldataload/push; 7 SSTORE
  while (m.steps < 7) m.step();
  const pre = m.encode();
  const preC = m.commitment();
  const { witness, post } = createStepWitness(m, preTx);
  m.step();
  assert.deepEqual(m.commitment(), post);
  return { pre, preC, post, witness };
}

function input(s: ReturnType<typeof l2Step>, post: Uint8Array, witness = s.witness): Uint8Array {
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, s.pre.length);
  return concatBytes(Uint8Array.of(1), s.preC, post, len, s.pre, encodeStepWitness(witness));
}

const ledger = createLedger();
const v = validatorKeys(0);
const g = createGenesisState(ledger, {
  chainId: 'keel-test',
  evmChainId: 1337n,
  balances: [{ address: alice.address, amount: 10n ** 15n }],
  validators: [
    {
      address: v.account.address,
      stake: 10_000n,
      blsPublicKey: v.blsPublicKey,
      blsPop: v.blsPop,
      vrfPublicKey: v.vrfPublicKey,
    },
  ],
});
const block = { height: 1n, time: 1_700_000_000_000n };
const call = (data: Uint8Array) =>
  ledger.ethCall(g.state, { to: STEP_PRECOMPILE_ADDRESS, data }, block);

describe('ledger step precompile (0x…f0)', () => {
  const s = l2Step();

  it('returns 1 for the true post commitment of an SSTORE step, gas by input size', () => {
    const data = input(s, s.post);
    const r = call(data);
    assert.equal(r.status, 'ok', r.error);
    assert.equal(bytesToBigInt(r.returnData), 1n);
    const words = BigInt(Math.ceil(data.length / 32));
    const want = STEP_VERIFY_GAS.base + STEP_VERIFY_GAS.perWord * words;
    let calldata = 0n;
    for (const b of data) calldata += b === 0 ? 4n : 16n;
    assert.equal(r.gasUsed, 21_000n + calldata + want);
  });

  it('returns 0 for any other claimed post', () => {
    const wrong = s.post.slice();
    wrong[5]! ^= 1;
    const r = call(input(s, wrong));
    assert.equal(r.status, 'ok');
    assert.equal(bytesToBigInt(r.returnData), 0n);
  });

  it('fails on an incomplete witness, a wrong pre commitment or garbage', () => {
    assert.ok(s.witness.nodes.length > 1);
    for (let i = 0; i < s.witness.nodes.length; i++) {
      const cut = { ...s.witness, nodes: s.witness.nodes.filter((_, j) => j !== i) };
      assert.notEqual(call(input(s, s.post, cut)).status, 'ok', `without node ${i}`);
    }
    const badPre = input({ ...s, preC: s.post }, s.post);
    assert.notEqual(call(badPre).status, 'ok');
    assert.notEqual(call(Uint8Array.of(1, 2, 3)).status, 'ok');
    assert.notEqual(call(Uint8Array.of(9)).status, 'ok');
  });

  it('describe (mode 2) returns the commitment, phase, steps and roots', () => {
    const r = call(concatBytes(Uint8Array.of(2), s.pre));
    assert.equal(r.status, 'ok', r.error);
    assert.deepEqual(r.returnData.subarray(0, 32), s.preC);
    assert.equal(bytesToBigInt(r.returnData.subarray(32, 64)), 1n, 'RUNNING');
    assert.equal(bytesToBigInt(r.returnData.subarray(64, 96)), 7n, 'steps');
  });
});
