import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keccak256, nobleSecp256k1 } from '@keel/crypto';
import {
  createAddress,
  encodeTransaction,
  type FeeMarketTx,
  publicKeyToAddress,
  recoverSender,
  signingHash,
  type Transaction,
} from '@keel/evm';
import {
  bigIntToBytes,
  bytesToBigInt,
  bytesToHex,
  concatBytes,
  equalBytes,
  hexToBytes,
} from '@keel/util';
import {
  getTreeKeyForBasicData,
  getTreeKeyForCodeChunk,
  getTreeKeyForCodeHash,
  getTreeKeyForStorageSlot,
  VerkleTree,
} from '@keel/verkle';
import {
  buildVerkleTree,
  checkVerkleWitnessJSON,
  createGenesisState,
  createLedger,
  evmAccountAddress,
  evmStateModeOf,
  getEvmAccount,
  getEvmCode,
  getEvmStorage,
  type LedgerState,
  verkleBlockWitness,
  verkleWitnessToJSON,
  wrapEthTx,
} from '../../src/index.ts';
import { alice, tx as nativeTx, validatorKeys } from '../helpers.ts';

const CHAIN_ID = 1337n;
const SK = keccak256(new TextEncoder().encode('keel/test/verkle/0'));
const addr = (sk: Uint8Array) => publicKeyToAddress(nobleSecp256k1.publicKeyCreate(sk, false));
const A = addr(SK);
const B = addr(keccak256(new TextEncoder().encode('keel/test/verkle/1')));

function sign<T extends Transaction>(tx: T, sk: Uint8Array): Uint8Array {
  const sig = nobleSecp256k1.ecdsaSign(signingHash(tx), sk);
  const r = bytesToBigInt(sig.subarray(0, 32));
  const s = bytesToBigInt(sig.subarray(32));
  for (const v of [0n, 1n]) {
    const signed = { ...tx, v, r, s };
    if (equalBytes(recoverSender(signed), addr(sk))) return wrapEthTx(encodeTransaction(signed));
  }
  throw new Error('no y-parity recovers the signer');
}

const fm = (p: Partial<FeeMarketTx>): FeeMarketTx => ({
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
});

// Runtime (40 bytes, two code chunks; a PUSH32 crosses the chunk boundary):
// sstore(0, calldata[0:32]); push32 <word>; pop; sstore(1, 7); stop.
const RUNTIME = hexToBytes(`600035600055` + `7f${'ee'.repeat(32)}` + `50` + `6007600155` + `00`);
const INIT = concatBytes(
  hexToBytes(`60${RUNTIME.length.toString(16)}600c60003960${RUNTIME.length.toString(16)}6000f3`),
  RUNTIME,
);

const v0 = validatorKeys(0);
const validators = [
  {
    address: v0.account.address,
    stake: 10_000n,
    blsPublicKey: v0.blsPublicKey,
    blsPop: v0.blsPop,
    vrfPublicKey: v0.vrfPublicKey,
  },
];
const ledger = createLedger();
const block = (height: bigint) => ({ height, time: 1_700_000_000_000n + height * 1000n });

function genesis(evmState: 'mpt' | 'verkle') {
  return createGenesisState(ledger, {
    chainId: 'keel-test',
    evmChainId: CHAIN_ID,
    evmState,
    balances: [
      { address: A, amount: 10n ** 18n },
      { address: alice.address, amount: 10n ** 15n },
    ],
    validators,
  });
}

const contract = createAddress(A, 0n);
const word = bigIntToBytes(42n, 32);
function blocks() {
  return [
    [
      sign(fm({ data: INIT }), SK),
      nativeTx(alice, 0, { kind: 'transfer', to: evmAccountAddress(B), amount: 5_000n }, 10_000),
    ],
    [
      sign(fm({ nonce: 1n, to: contract, data: word, gasLimit: 100_000n }), SK),
      sign(fm({ nonce: 2n, to: B, value: 7n, gasLimit: 21_000n }), SK),
    ],
  ];
}

/**
 * The expected verkle tree, built here from the EIP-6800 layout (keys from @keel/verkle's
 * get_tree_key, leaf values by hand) over the accounts the test knows, not by the ledger.
 */
function expectedRoot(state: LedgerState, code: Uint8Array, slots: Map<bigint, bigint>): string {
  const t = new VerkleTree();
  const pad = (a: Uint8Array) => concatBytes(new Uint8Array(12), a);
  const emptyHash = keccak256(new Uint8Array(0));
  // The zero address is the coinbase of blocks without a fee recipient: it holds the tips.
  for (const a of [A, B, contract, new Uint8Array(20)]) {
    const acct = getEvmAccount(state, a);
    const c = equalBytes(a, contract) ? code : new Uint8Array(0);
    const basic = new Uint8Array(32);
    basic.set(bigIntToBytes(BigInt(c.length), 3), 5);
    basic.set(bigIntToBytes(acct.nonce, 8), 8);
    basic.set(bigIntToBytes(acct.balance, 16), 16);
    t.insert(getTreeKeyForBasicData(pad(a)), basic);
    t.insert(getTreeKeyForCodeHash(pad(a)), c.length ? keccak256(c) : emptyHash);
    if (c.length) {
      // chunk 0: no leading push data; chunk 1 starts 14 bytes into the PUSH32's data
      // (push32 at offset 6, data 7..38; chunk 1 covers 31..61): 38 - 31 + 1 = 8 bytes.
      t.insert(
        getTreeKeyForCodeChunk(pad(a), 0n),
        concatBytes(Uint8Array.of(0), c.subarray(0, 31)),
      );
      const last = new Uint8Array(32);
      last[0] = 8;
      last.set(c.subarray(31), 1);
      t.insert(getTreeKeyForCodeChunk(pad(a), 1n), last);
    }
  }
  for (const [slot, v] of slots)
    t.insert(getTreeKeyForStorageSlot(pad(contract), slot), bigIntToBytes(v, 32));
  return bytesToHex(t.rootCommitment());
}

describe('ledger EVM on verkle state', () => {
  it('same transactions on mpt and verkle: same balances, storage, code and receipts; verkle roots', () => {
    const mpt = genesis('mpt');
    const vk = genesis('verkle');
    assert.equal(evmStateModeOf(mpt.state), 'mpt');
    assert.equal(evmStateModeOf(vk.state), 'verkle');
    // Genesis: A funded (an EOA), nothing else in the EVM range.
    const gRoot = bytesToHex(vk.eth!.header.stateRoot);
    assert.notEqual(gRoot, bytesToHex(mpt.eth!.header.stateRoot));
    let sm = mpt.state;
    let sv = vk.state;
    const roots = [gRoot];
    for (const [i, txs] of blocks().entries()) {
      const rm = ledger.applyBlock(sm, txs, block(BigInt(i + 1)));
      const rv = ledger.applyBlock(sv, txs, block(BigInt(i + 1)));
      assert.deepEqual(
        rv.receipts.map((r) => [r.status, r.gasUsed, r.fee, r.logs.length]),
        rm.receipts.map((r) => [r.status, r.gasUsed, r.fee, r.logs.length]),
      );
      assert.ok(rv.receipts.every((r) => r.status === 'ok'));
      assert.deepEqual(rv.eth!.header.receiptsRoot, rm.eth!.header.receiptsRoot);
      assert.deepEqual(rv.eth!.header.gasUsed, rm.eth!.header.gasUsed);
      roots.push(bytesToHex(rv.eth!.header.stateRoot));
      // The same transactions again from the same parent: the same verkle root (deterministic).
      const again = ledger.applyBlock(sv, txs, block(BigInt(i + 1)));
      assert.equal(bytesToHex(again.eth!.header.stateRoot), roots.at(-1));
      sm = rm.state;
      sv = rv.state;
    }
    for (const a of [A, B, contract, new Uint8Array(20)])
      assert.deepEqual(getEvmAccount(sv, a), getEvmAccount(sm, a));
    assert.deepEqual(getEvmCode(sv, contract), RUNTIME);
    assert.equal(getEvmStorage(sv, contract, 0n), 42n);
    assert.equal(getEvmStorage(sm, contract, 0n), 42n);
    assert.equal(getEvmStorage(sv, contract, 1n), 7n);
    assert.equal(getEvmAccount(sv, B).balance, 5_007n);
    assert.equal(new Set(roots).size, 3, 'the root changes with every block');
    assert.equal(
      roots.at(-1),
      expectedRoot(
        sv,
        RUNTIME,
        new Map([
          [0n, 42n],
          [1n, 7n],
        ]),
      ),
    );
    // A rebuild from the state alone (as after a restart) gives the same root.
    const head = bytesToHex(buildVerkleTree(sv).rootCommitment());
    assert.equal(head, roots.at(-1));
  });

  it('each block has an execution witness that verifies against the parent root only', () => {
    const vk = genesis('verkle');
    const [txs1, txs2] = blocks();
    const r1 = ledger.applyBlock(vk.state, txs1!, block(1n));
    const r2 = ledger.applyBlock(r1.state, txs2!, block(2n));
    for (const [r, parent] of [
      [r1, vk.eth!],
      [r2, r1.eth!],
    ] as const) {
      const w = verkleBlockWitness(r.eth!.hash);
      assert.ok(w?.witness);
      assert.deepEqual(w.parentRoot, parent.header.stateRoot);
      assert.deepEqual(w.root, r.eth!.header.stateRoot);
      const json = JSON.parse(JSON.stringify(verkleWitnessToJSON(w.witness)));
      const ok = checkVerkleWitnessJSON(parent.header.stateRoot, json);
      assert.equal(ok.valid, true, ok.reason);
      assert.equal(ok.keys, w.keys);
      assert.equal(checkVerkleWitnessJSON(r.eth!.header.stateRoot, json).valid, false);
    }
    // Block 2's witness carries A's pre-state basic data (nonce 1 after the deploy) and the
    // contract's slot 0 as absent.
    const w2 = verkleBlockWitness(r2.eth!.hash)!.witness!;
    const pad = (a: Uint8Array) => concatBytes(new Uint8Array(12), a);
    const find = (k: Uint8Array) =>
      w2.stateDiff
        .find((d) => equalBytes(d.stem, k.subarray(0, 31)))
        ?.suffixDiffs.find((s) => s.suffix === k[31]);
    const basicA = find(getTreeKeyForBasicData(pad(A)));
    assert.ok(basicA?.currentValue);
    assert.equal(bytesToBigInt(basicA.currentValue.subarray(8, 16)), 1n);
    const slot0 = find(getTreeKeyForStorageSlot(pad(contract), 0n));
    assert.ok(slot0);
    assert.equal(slot0.currentValue, null);
    assert.deepEqual(slot0.newValue, word);
    // Tampering with a pre-state value breaks it.
    const json = verkleWitnessToJSON(w2) as {
      stateDiff: { suffixDiffs: { currentValue: string | null }[] }[];
    };
    const d = json.stateDiff.flatMap((s) => s.suffixDiffs).find((s) => s.currentValue !== null)!;
    d.currentValue = `0x${'11'.repeat(32)}`;
    assert.equal(checkVerkleWitnessJSON(r1.eth!.header.stateRoot, json).valid, false);
  });

  it('refuses verkle without the EVM and unknown modes', () => {
    assert.throws(
      () =>
        createGenesisState(ledger, { chainId: 'x', evmState: 'verkle', balances: [], validators }),
      /needs evmChainId/,
    );
    assert.throws(
      () =>
        createGenesisState(ledger, {
          chainId: 'x',
          evmChainId: 1n,
          evmState: 'binary' as 'mpt',
          balances: [],
          validators,
        }),
      /evmState must be/,
    );
  });
});
