import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesToBigInt, bytesToHex, concatBytes, hexToBytes } from '@keel/util';
import { encodeFunctionData } from 'viem';
import {
  aliasAddress,
  type ChainView,
  createL2Genesis,
  type Deposit,
  defaultL2ChainParams,
  deriveBatch,
  encodeBatch,
  L2_BRIDGE_ADDRESS,
  L2BlockBuilder,
  type L2ChainParams,
  type L2Header,
  outputRoot,
  packBlobs,
  ROLLUP_CONTRACTS,
  SkipReason,
  withdrawalHash,
  withdrawalRoot,
} from '../../src/index.ts';
import { ADDRS, CHAIN_ID, signTransfer } from './../helpers.ts';

const params: L2ChainParams = {
  ...defaultL2ChainParams,
  chainId: BigInt(CHAIN_ID),
  coinbase: new Uint8Array(20).fill(0xcb),
};
const E = 10n ** 18n;

function genesisChain(): ChainView {
  const { state, header } = createL2Genesis(
    [
      [ADDRS[0]!, 10n * E],
      [ADDRS[1]!, 10n * E],
    ],
    1000n,
  );
  const hashes = new Map([[0n, header.hash]]);
  return { state, head: header, nextDepositNonce: 0n, getBlockHash: (n) => hashes.get(n) };
}

const withdrawData = (target: Uint8Array, data: Uint8Array) =>
  hexToBytes(
    encodeFunctionData({
      abi: ROLLUP_CONTRACTS.L2Bridge.abi,
      functionName: 'initiateWithdrawal',
      args: [`0x${bytesToHex(target)}`, `0x${bytesToHex(data)}`],
    }).slice(2),
  );

/** The sequencer side: two blocks (a deposit calling the L2 bridge, transfers, a withdrawal). */
async function sequence(chain: ChainView, deposits: Deposit[]) {
  const state = chain.state.copy();
  const b1 = new L2BlockBuilder(
    state,
    chain.head,
    { number: 1n, timestamp: 1001n, l1Origin: 4n },
    deposits,
    params,
    chain.getBlockHash,
  );
  for (const [from, nonce] of [
    [0, 0],
    [1, 0],
    [0, 1],
  ] as const) {
    const r = b1.addTx(await signTransfer({ from, to: ADDRS[2]!, value: E, nonce }));
    assert.ok(
      r.ok,
      JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
    );
  }
  const replay = b1.addTx(await signTransfer({ from: 0, to: ADDRS[2]!, value: E, nonce: 0 }));
  assert.equal(replay.ok, false);
  assert.equal(!replay.ok && replay.reason, 'NONCE_TOO_LOW');
  const one = b1.finish();
  const b2 = new L2BlockBuilder(
    state,
    one.header,
    { number: 2n, timestamp: 1002n, l1Origin: 4n },
    [],
    params,
    (n) => (n === 1n ? one.header.hash : chain.getBlockHash(n)),
  );
  const wd = await signTransfer({
    from: 1,
    to: L2_BRIDGE_ADDRESS,
    value: 2n * E,
    nonce: 1,
    gas: 100_000n,
    data: withdrawData(ADDRS[1]!, new Uint8Array(0)),
  });
  const r = b2.addTx(wd);
  assert.ok(
    r.ok && r.receipt.status === 1,
    JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
  );
  const two = b2.finish();
  return { state, blocks: [one, two] };
}

describe('derivation (L1 data → L2 blocks)', () => {
  const depositor = new Uint8Array(20).fill(0xd0);
  const deposits: Deposit[] = [
    {
      nonce: 0n,
      from: depositor,
      to: ADDRS[2]!,
      value: 3n * E,
      data: new Uint8Array(0),
      l1Block: 3n,
    },
    // L1→L2 message: the deposit calls the L2 bridge, which starts a withdrawal back to L1
    {
      nonce: 1n,
      from: depositor,
      to: L2_BRIDGE_ADDRESS,
      value: 0n,
      data: withdrawData(depositor, new Uint8Array([1, 2, 3])),
      l1Block: 4n,
    },
    { nonce: 2n, from: depositor, to: ADDRS[2]!, value: E, data: new Uint8Array(0), l1Block: 9n },
  ];

  it("a verifier re-derives the sequencer's blocks from blobs to the same output root", async () => {
    const chain = genesisChain();
    const seq = await sequence(chain, deposits.slice(0, 2));
    const batch = { index: 0n, parentHash: chain.head.hash, blocks: seq.blocks.map((b) => b.data) };
    const blobs = packBlobs(encodeBatch(batch));
    const d = deriveBatch(
      genesisChain(),
      { index: 0n, l1Block: 5n, l1Timestamp: 1002n, blobs },
      deposits,
      params,
    );
    assert.ok(
      d.ok,
      JSON.stringify(d, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)).slice(0, 300),
    );
    const last = seq.blocks[1]!.header;
    assert.deepEqual(
      d.blocks.map((b) => b.header.hash),
      seq.blocks.map((b) => b.header.hash),
    );
    assert.deepEqual(d.state.stateRoot(), seq.state.stateRoot());
    assert.equal(d.nextDepositNonce, 2n, 'deposit 2 is from L1 block 9, after the origin');
    // balances: 3 transfers of 1 ETH + a 3 ETH deposit; the sender paid 21000 gas at tip 1 wei
    assert.equal(d.state.getBalance(ADDRS[2]!), 6n * E);
    assert.equal(d.state.getBalance(ADDRS[0]!), 8n * E - 2n * 21000n);
    assert.equal(d.state.getBalance(params.coinbase) > 0n, true);
    // withdrawals: the deposit-initiated one (sender = aliased L1 depositor), then the tx's
    const ws = d.blocks.flatMap((b) => b.withdrawals);
    assert.equal(ws.length, 2);
    assert.deepEqual(ws[0]!.sender, aliasAddress(depositor));
    assert.deepEqual([...ws[0]!.data], [1, 2, 3]);
    assert.equal(ws[1]!.value, 2n * E);
    assert.equal(ws[1]!.nonce, 1n);
    assert.equal(
      bytesToBigInt(new Uint8Array(d.state.getStorage(L2_BRIDGE_ADDRESS, 0n) === 2n ? [2] : [0])),
      2n,
      'messageNonce slot',
    );
    assert.deepEqual(
      d.outputRoot,
      outputRoot(last.stateRoot, withdrawalRoot(ws.map(withdrawalHash)), last.hash),
    );
  });

  it('skips malformed or invalid batches deterministically with a reason', async () => {
    const chain = genesisChain();
    const seq = await sequence(chain, deposits.slice(0, 2));
    const good = { index: 0n, parentHash: chain.head.hash, blocks: seq.blocks.map((b) => b.data) };
    const posted = { index: 0n, l1Block: 5n, l1Timestamp: 1002n };
    const reason = (
      b: typeof good | Uint8Array,
      over: Partial<typeof posted> = {},
      ds = deposits,
    ) => {
      const bytes = b instanceof Uint8Array ? b : encodeBatch(b);
      const r = deriveBatch(
        genesisChain(),
        { ...posted, ...over, blobs: packBlobs(bytes) },
        ds,
        params,
      );
      return r.ok ? 'ok' : r.reason;
    };
    assert.equal(reason(good), 'ok');
    assert.equal(reason(good, { index: 1n }), SkipReason.WRONG_INDEX);
    assert.equal(reason({ ...good, parentHash: new Uint8Array(32) }), SkipReason.WRONG_PARENT);
    assert.equal(reason({ ...good, blocks: [good.blocks[1]!] }), SkipReason.BAD_BLOCK_NUMBER);
    assert.equal(
      reason({ ...good, blocks: [{ ...good.blocks[0]!, timestamp: 999n }] }),
      SkipReason.TIMESTAMP_DECREASING,
    );
    assert.equal(reason(good, { l1Timestamp: 100n }), SkipReason.TIMESTAMP_DRIFT);
    assert.equal(reason(good, { l1Block: 4n }), SkipReason.ORIGIN_TOO_NEW);
    assert.equal(reason(good, {}, [deposits[1]!]), SkipReason.DEPOSIT_GAP);
    assert.equal(reason(new Uint8Array([1, 2, 3])), SkipReason.UNDECODABLE);
    // a tx whose signature was tampered: the whole batch is invalid
    const tx = good.blocks[0]!.txs[0]!.slice();
    tx[tx.length - 5]! ^= 1;
    const badTx = { ...good, blocks: [{ ...good.blocks[0]!, txs: [tx] }, good.blocks[1]!] };
    assert.equal(reason(badTx), SkipReason.INVALID_BLOCK);
    // a double spend: the same tx twice
    const dup = {
      ...good,
      blocks: [
        { ...good.blocks[0]!, txs: [...good.blocks[0]!.txs, good.blocks[0]!.txs[0]!] },
        good.blocks[1]!,
      ],
    };
    assert.equal(reason(dup), SkipReason.INVALID_BLOCK);
    const r = deriveBatch(
      genesisChain(),
      {
        ...posted,
        blobs: [
          concatBytes(new Uint8Array(1), packBlobs(encodeBatch(good))[0]!.subarray(1)).fill(
            1,
            0,
            1,
          ),
        ],
      },
      deposits,
      params,
    );
    assert.equal(!r.ok && r.reason, SkipReason.BAD_BLOBS);
  });
});

void (null as unknown as L2Header);
