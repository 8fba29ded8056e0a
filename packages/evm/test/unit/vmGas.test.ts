// Gas edge cases checked against numbers worked out by hand or taken from the EIPs' own tables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex, hexToBytes } from '@keel/util';
import { CANCUN } from '../../src/params.ts';
import { createMemoryWorldState } from '../../src/state/memoryState.ts';
import type { AccessListTx, LegacyTx } from '../../src/tx/types.ts';
import { runTx } from '../../src/vm/runTx.ts';
import type { BlockEnv, TxResult } from '../../src/vm/types.ts';

const SENDER = hexToBytes('a94f5374fce5edbc8e2a8697c15331677e6ebf0b');
const TARGET = hexToBytes('095e7baea6a6c7c4c2dfeb977efac326af552d87');
const CALLEE = hexToBytes('00000000000000000000000000000000000000cc');

const env: BlockEnv = {
  chainId: 1n,
  coinbase: hexToBytes('2adc25665018aa1fe0e6bc666dac8fc2697ff9ba'),
  number: 1n,
  timestamp: 1000n,
  gasLimit: 2n ** 62n,
  baseFee: 0n,
  prevRandao: new Uint8Array(32),
  excessBlobGas: 0n,
  getBlockHash: () => undefined,
};

function legacy(gasLimit: bigint, to = TARGET): LegacyTx {
  const data = new Uint8Array(0);
  return { type: 0, nonce: 0n, gasLimit, gasPrice: 0n, to, value: 0n, data, v: 27n, r: 1n, s: 1n };
}

function stateWith(code: string, storage = new Map<bigint, bigint>(), callee = '') {
  return createMemoryWorldState([
    [SENDER, { nonce: 0n, balance: 10n ** 18n, code: new Uint8Array(0) }],
    [TARGET, { nonce: 1n, balance: 0n, code: hexToBytes(code), storage }],
    [CALLEE, { nonce: 1n, balance: 0n, code: hexToBytes(callee) }],
  ]);
}

function included(r: ReturnType<typeof runTx>): TxResult {
  assert.ok(r.valid, r.valid ? '' : r.message);
  return r;
}

// EIP-3529 "with reduced refunds" table (slot 0 already warm, here through an access list).
const EIP3529: [code: string, used: number, refund: number, original: bigint][] = [
  ['60006000556000600055', 212, 0, 0n],
  ['60006000556001600055', 20112, 0, 0n],
  ['60016000556000600055', 20112, 19900, 0n],
  ['60016000556002600055', 20112, 0, 0n],
  ['60016000556001600055', 20112, 0, 0n],
  ['60006000556000600055', 3012, 4800, 1n],
  ['60006000556001600055', 3012, 2800, 1n],
  ['60006000556002600055', 3012, 0, 1n],
  ['60026000556000600055', 3012, 4800, 1n],
  ['60026000556003600055', 3012, 0, 1n],
  ['60026000556001600055', 3012, 2800, 1n],
  ['60026000556002600055', 3012, 0, 1n],
  ['60016000556000600055', 3012, 4800, 1n],
  ['60016000556002600055', 3012, 0, 1n],
  ['60016000556001600055', 212, 0, 1n],
  ['600160005560006000556001600055', 40118, 19900, 0n],
  ['600060005560016000556000600055', 5918, 7600, 1n],
];

test('SSTORE: EIP-2200/3529 gas and refunds (EIP-3529 test table)', () => {
  for (const [code, used, refund, original] of EIP3529) {
    const state = stateWith(code, new Map([[0n, original]]));
    const tx: AccessListTx = {
      ...legacy(1_000_000n),
      type: 1,
      chainId: 1n,
      accessList: [{ address: TARGET, storageKeys: [new Uint8Array(32)] }],
    };
    const r = included(runTx(state, tx, SENDER, env, { fork: CANCUN }));
    // Intrinsic: 21000 + one access-list address (2400) + one key (1900).
    const before = 21000 + 2400 + 1900 + used;
    const expected = before - Math.min(refund, Math.floor(before / 5));
    assert.equal(r.gasUsed, BigInt(expected), `code ${code} original ${original}`);
  }
});

test('SSTORE: the EIP-2200 sentry fails with 2300 gas or less left', () => {
  // PUSH1 1, PUSH1 0 (6 gas), then SSTORE with exactly 2300 left: out of gas, all gas used.
  const state = stateWith('6001600055');
  const r = included(runTx(state, legacy(21000n + 6n + 2300n), SENDER, env, { fork: CANCUN }));
  assert.equal(r.status, 0);
  assert.equal(r.gasUsed, 21000n + 6n + 2300n);
});

test('memory expansion: quadratic cost (MSTORE at 0x1000 grows memory to 129 words)', () => {
  // PUSH1 1, PUSH2 0x1000, MSTORE, STOP: 3 + 3 + 3 + (3*129 + floor(129^2/512)) = 9 + 387 + 32.
  const state = stateWith('600161100052' + '00');
  const r = included(runTx(state, legacy(100_000n), SENDER, env, { fork: CANCUN }));
  assert.equal(r.gasUsed, 21000n + 9n + 387n + 32n);
});

test('gas above 2^53 stays exact: GAS and the 63/64 rule with a 2^60 gas limit', () => {
  // Target: PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH20 callee GAS CALL, then GAS PUSH1 1 SSTORE.
  // Callee: GAS PUSH0 SSTORE (stores the gas it was given, less 2 for its GAS).
  const call = `5f5f5f5f5f73${bytesToHex(CALLEE)}5af1`;
  const state = stateWith(`${call}5a600155`, new Map(), '5a5f55');
  const gasLimit = 2n ** 60n + 12345n;
  included(runTx(state, legacy(gasLimit), SENDER, env, { fork: CANCUN }));
  const start = gasLimit - 21000n;
  // Before CALL: 5 PUSH0 (2 each), PUSH20 (3), GAS (2) = 15; CALL: warm? no, cold 2600.
  const atCall = start - 15n;
  const left = atCall - 2600n;
  const given = left - left / 64n;
  assert.equal(state.getStorage(CALLEE, 0n), given - 2n);
});

test('an invalid transaction leaves the state untouched', () => {
  const state = stateWith('00');
  const root = bytesToHex(state.stateRoot());
  const tx = { ...legacy(21000n), nonce: 5n };
  const r = runTx(state, tx, SENDER, env, { fork: CANCUN });
  assert.equal(r.valid, false);
  assert.equal(r.valid ? '' : r.reason, 'NONCE_TOO_HIGH');
  assert.equal(bytesToHex(state.stateRoot()), root);
  const low = runTx(state, legacy(20999n), SENDER, env, { fork: CANCUN });
  assert.equal(low.valid ? '' : low.reason, 'INTRINSIC_GAS_TOO_LOW');
  assert.equal(bytesToHex(state.stateRoot()), root);
});

test('EIP-6780: SELFDESTRUCT of an older contract moves the balance but keeps the account', () => {
  // PUSH20 callee SELFDESTRUCT
  const state = createMemoryWorldState([
    [SENDER, { nonce: 0n, balance: 10n ** 18n, code: new Uint8Array(0) }],
    [TARGET, { nonce: 1n, balance: 1000n, code: hexToBytes(`73${bytesToHex(CALLEE)}ff`) }],
  ]);
  const r = included(runTx(state, legacy(100_000n), SENDER, env, { fork: CANCUN }));
  assert.equal(r.status, 1);
  assert.equal(state.getBalance(TARGET), 0n);
  assert.equal(state.getBalance(CALLEE), 1000n);
  assert.ok(state.getCode(TARGET).length > 0);
  // 3 (PUSH20) + 5000 + 2600 (cold beneficiary) + 25000 (new account, value moved).
  assert.equal(r.gasUsed, 21000n + 3n + 5000n + 2600n + 25000n);
});
