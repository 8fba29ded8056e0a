import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keccak256, nobleSecp256k1 } from '@keel/crypto';
import {
  createAddress,
  encodeTransaction,
  type FeeMarketTx,
  type LegacyTx,
  publicKeyToAddress,
  recoverSender,
  signingHash,
  type Transaction,
} from '@keel/evm';
import { bytesToBigInt, bytesToHex, concatBytes, equalBytes, hexToBytes } from '@keel/util';
import {
  createGenesisState,
  createLedger,
  ethTxHash,
  evmAccountAddress,
  evmHeadOf,
  getAccount,
  getEvmAccount,
  getEvmCode,
  getEvmStorage,
  type LedgerState,
  txHash,
  txSender,
  wrapEthTx,
} from '../../src/index.ts';
import { alice, bob, tx as nativeTx, validatorKeys } from '../helpers.ts';

const CHAIN_ID = 1337n;
const SK = keccak256(new TextEncoder().encode('keel/test/evm/0'));
const SK2 = keccak256(new TextEncoder().encode('keel/test/evm/1'));
const addr = (sk: Uint8Array) => publicKeyToAddress(nobleSecp256k1.publicKeyCreate(sk, false));
const A = addr(SK);
const B = addr(SK2);

/** Signs with the y-parity that recovers to the signer (the backend returns r‖s only). */
function sign<T extends Transaction>(tx: T, sk: Uint8Array): Uint8Array {
  const sig = nobleSecp256k1.ecdsaSign(signingHash(tx), sk);
  const r = bytesToBigInt(sig.subarray(0, 32));
  const s = bytesToBigInt(sig.subarray(32));
  for (const y of [0n, 1n]) {
    const v = tx.type === 0 ? CHAIN_ID * 2n + 35n + y : y;
    const signed = { ...tx, v, r, s };
    if (equalBytes(recoverSender(signed), addr(sk))) return wrapEthTx(encodeTransaction(signed));
  }
  throw new Error('no y-parity recovers the signer');
}

function fm(p: Partial<FeeMarketTx>): FeeMarketTx {
  return {
    type: 2,
    chainId: CHAIN_ID,
    nonce: 0n,
    maxPriorityFeePerGas: 1n,
    maxFeePerGas: 10n ** 10n,
    gasLimit: 200_000n,
    to: null,
    value: 0n,
    data: new Uint8Array(0),
    accessList: [],
    v: 0n,
    r: 0n,
    s: 0n,
    ...p,
  };
}

// Runtime: sstore(0, calldata[0:32]); log1(mem[0:32] = that word, topic 0xaa); stop.
const RUNTIME = hexToBytes('600035806000556000526060aa60206000a100'.replace('6060aa', '60aa'));
// Initcode: codecopy(0, 12, len); return(0, len).
const INIT = concatBytes(
  hexToBytes(
    `60${RUNTIME.length.toString(16).padStart(2, '0')}600c600039` +
      `60${RUNTIME.length.toString(16).padStart(2, '0')}6000f3`,
  ),
  RUNTIME,
);

function validators() {
  const v = validatorKeys(0);
  return [
    {
      address: v.account.address,
      stake: 10_000n,
      blsPublicKey: v.blsPublicKey,
      blsPop: v.blsPop,
      vrfPublicKey: v.vrfPublicKey,
    },
  ];
}

const shared = createLedger();

async function setup(): Promise<{ ledger: ReturnType<typeof createLedger>; state: LedgerState }> {
  const ledger = shared;
  const g = createGenesisState(ledger, {
    chainId: 'keel-test',
    evmChainId: CHAIN_ID,
    balances: [
      { address: A, amount: 10n ** 18n },
      { address: alice.address, amount: 10n ** 15n },
    ],
    validators: validators(),
  });
  return { ledger, state: g.state };
}

const block = (height: bigint, feeRecipient?: Uint8Array) => ({
  height,
  time: 1_700_000_000_000n + height * 1000n,
  ...(feeRecipient ? { feeRecipient } : {}),
});

describe('ledger EVM', () => {
  it('deploys a contract, calls it, keeps storage/logs/receipts and the block view', async () => {
    const { ledger, state } = await setup();
    const deploy = sign(fm({ data: INIT }), SK);
    const v = ledger.checkTx(state, deploy);
    assert.ok(v.ok, v.ok ? '' : v.error.message);
    assert.deepEqual(v.txHash, ethTxHash(deploy));
    assert.deepEqual(v.from, evmAccountAddress(A));
    assert.deepEqual(txSender(deploy).from, evmAccountAddress(A));
    const r1 = ledger.applyBlock(state, [deploy], block(1n));
    const rc = r1.receipts[0]!;
    assert.equal(rc.kind, 'ethereum');
    assert.equal(rc.status, 'ok');
    const contract = createAddress(A, 0n);
    assert.deepEqual(rc.eth?.contractAddress, contract);
    assert.deepEqual(getEvmCode(r1.state, contract), RUNTIME);
    // gas: 53000 create + initcode words + calldata bytes + execution + code deposit (200/byte)
    assert.ok(rc.eth!.gasUsed > 53_000n + 200n * BigInt(RUNTIME.length));
    const word = new Uint8Array(32);
    word[31] = 42;
    const call = sign(fm({ nonce: 1n, to: contract, data: word, gasLimit: 100_000n }), SK);
    const r2 = ledger.applyBlock(r1.state, [call], block(2n));
    const rc2 = r2.receipts[0]!;
    assert.equal(rc2.status, 'ok', rc2.error?.message);
    assert.equal(getEvmStorage(r2.state, contract, 0n), 42n);
    assert.equal(rc2.eth!.logs.length, 1);
    assert.deepEqual(rc2.eth!.logs[0]!.address, contract);
    assert.equal(bytesToHex(rc2.eth!.logs[0]!.topics[0]!), `${'00'.repeat(31)}aa`);
    assert.deepEqual(rc2.eth!.logs[0]!.data, word);
    // the block view chains: parent hash = previous view's hash, number = height
    assert.equal(r2.eth!.header.number, 2n);
    assert.deepEqual(r2.eth!.header.parentHash, r1.eth!.hash);
    assert.deepEqual(evmHeadOf(r2.state)!.hash, r2.eth!.hash);
    assert.equal(r2.eth!.header.gasUsed, rc2.eth!.gasUsed);
    assert.deepEqual(r2.eth!.transactions, [ethTxHash(call)]);
    assert.equal(r2.eth!.header.timestamp, 1_700_000_002n);
    // balance: the fee (gasUsed × effective price) left A; the base fee is burned
    const spent = 10n ** 18n - getEvmAccount(r2.state, A).balance;
    assert.equal(spent, rc.fee + rc2.fee);
    assert.equal(rc.fee, rc.eth!.gasUsed * (10n ** 9n + 1n));
    assert.equal(getEvmAccount(r2.state, A).nonce, 2n);
  });

  it('shares one balance: a native transfer funds an EVM address, EVM value moves it', async () => {
    const { ledger, state } = await setup();
    const t = nativeTx(
      alice,
      0,
      { kind: 'transfer', to: evmAccountAddress(B), amount: 5_000n },
      10_000,
    );
    const r1 = ledger.applyBlock(state, [t], block(1n));
    assert.equal(r1.receipts[0]!.status, 'ok');
    assert.equal(getEvmAccount(r1.state, B).balance, 5_000n);
    const send = sign(fm({ to: B, value: 7n, gasLimit: 21_000n }), SK);
    const r2 = ledger.applyBlock(r1.state, [send], block(2n));
    assert.equal(r2.receipts[0]!.eth!.gasUsed, 21_000n);
    assert.equal(getAccount(r2.state, evmAccountAddress(B)).balance, 5_007n);
  });

  it('pays the priority fee to the proposer account (the coinbase alias)', async () => {
    const { ledger, state } = await setup();
    const proposer = bob.address;
    const send = sign(fm({ to: B, value: 1n, gasLimit: 21_000n, maxPriorityFeePerGas: 3n }), SK);
    const r = ledger.applyBlock(state, [send], block(1n, proposer));
    assert.equal(getAccount(r.state, proposer).balance, 21_000n * 3n);
    assert.deepEqual(r.eth!.header.coinbase, proposer.slice(12));
  });

  it('refuses a wrong chain id, an unprotected legacy tx, a bad signature, a nonce gap, a low fee cap', async () => {
    const { ledger, state } = await setup();
    const wrongChain = sign(fm({ chainId: 1n, to: B, gasLimit: 21_000n }), SK);
    assert.equal(ledger.checkTx(state, wrongChain).ok, false);
    const legacy: LegacyTx = {
      type: 0,
      nonce: 0n,
      gasPrice: 10n ** 10n,
      gasLimit: 21_000n,
      to: B,
      value: 0n,
      data: new Uint8Array(0),
      v: 27n,
      r: 1n,
      s: 1n,
    };
    const unprotected = wrapEthTx(encodeTransaction(legacy));
    const u = ledger.checkTx(state, unprotected);
    assert.ok(!u.ok && u.reason === 'chain_id', !u.ok ? u.error.message : '');
    const good = sign(fm({ to: B, gasLimit: 21_000n }), SK);
    const bad = good.slice();
    bad[bad.length - 5]! ^= 1; // inside s
    const b = ledger.checkTx(state, bad);
    assert.ok(!b.ok, 'tampered signature accepted');
    const gap = sign(fm({ nonce: 5n, to: B, gasLimit: 21_000n }), SK);
    const g = ledger.checkTx(state, gap);
    assert.ok(!g.ok && g.reason === 'nonce_too_high');
    assert.ok(ledger.checkTx(state, gap, { allowFutureNonce: true }).ok);
    assert.throws(() => ledger.applyBlock(state, [gap], block(1n)), /nonce/);
    const cheap = sign(
      fm({ to: B, gasLimit: 21_000n, maxFeePerGas: 5n, maxPriorityFeePerGas: 1n }),
      SK,
    );
    const c = ledger.checkTx(state, cheap);
    assert.ok(!c.ok && c.reason === 'gas_price_too_low', !c.ok ? c.error.message : '');
    const garbage = wrapEthTx(hexToBytes('02c0'));
    const m = ledger.checkTx(state, garbage);
    assert.ok(!m.ok && m.reason === 'malformed');
    // skipInvalid drops them and keeps the good one
    const r = ledger.applyBlock(state, [wrongChain, bad, gap, good], block(1n), {
      skipInvalid: true,
    });
    assert.deepEqual(r.applied, [3]);
  });

  it('eth_call and eth_estimateGas run without keeping anything', async () => {
    const { ledger, state } = await setup();
    const r1 = ledger.applyBlock(state, [sign(fm({ data: INIT }), SK)], block(1n));
    const contract = createAddress(A, 0n);
    const word = new Uint8Array(32);
    word[31] = 7;
    const c = ledger.ethCall(r1.state, { from: A, to: contract, data: word }, block(2n));
    assert.equal(c.status, 'ok');
    assert.equal(c.logs.length, 1);
    assert.equal(getEvmStorage(r1.state, contract, 0n), 0n);
    const e = ledger.ethEstimateGas(r1.state, { from: A, to: contract, data: word }, block(2n));
    assert.ok('gas' in e);
    // the estimate suffices and is within 1.5 % of the least that does
    const tx = sign(fm({ nonce: 1n, to: contract, data: word, gasLimit: e.gas }), SK);
    assert.equal(ledger.applyBlock(r1.state, [tx], block(2n)).receipts[0]!.status, 'ok');
    const less = sign(
      fm({ nonce: 1n, to: contract, data: word, gasLimit: (e.gas * 97n) / 100n }),
      SK,
    );
    assert.equal(ledger.applyBlock(r1.state, [less], block(2n)).receipts[0]!.status, 'revert');
  });

  it('base fee follows EIP-1559 from the EVM gas use and never drops below the floor', async () => {
    const { ledger, state } = await setup();
    let s = state;
    for (let h = 1n; h <= 3n; h++) s = ledger.applyBlock(s, [], block(h)).state;
    assert.equal(evmHeadOf(s)!.baseFee, ledger.params.evmMinBaseFee);
    const r = ledger.applyBlock(s, [sign(fm({ data: INIT, gasLimit: 200_000n }), SK)], block(4n));
    const used = r.eth!.header.gasUsed;
    const next = ledger.applyBlock(r.state, [], block(5n)).eth!.header.baseFeePerGas!;
    // below target: the fee would fall, the floor holds it
    assert.ok(used < 15_000_000n);
    assert.equal(next, ledger.params.evmMinBaseFee);
  });

  it('is deterministic and keeps native-only chains unchanged', async () => {
    const { ledger, state } = await setup();
    const txs = [
      sign(fm({ data: INIT }), SK),
      sign(fm({ nonce: 1n, to: B, value: 3n, gasLimit: 21_000n }), SK),
    ];
    const a = ledger.applyBlock(state, txs, block(1n));
    const b = ledger.applyBlock(state, txs, block(1n));
    assert.deepEqual(a.stateRoot, b.stateRoot);
    assert.deepEqual(a.eth!.hash, b.eth!.hash);
    assert.deepEqual(txHash(txs[0]!), ethTxHash(txs[0]!));
    const native = createGenesisState(ledger, {
      chainId: 'keel-native',
      balances: [],
      validators: validators(),
    });
    const r = ledger.applyBlock(native.state, [], block(1n));
    assert.equal(r.eth, undefined);
    assert.throws(() => ledger.applyBlock(native.state, [txs[0]!], block(1n)), /not enabled/);
  });
});
