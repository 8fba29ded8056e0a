// Random bytecode never makes the VM throw: every run ends in a result (success, revert or
// exceptional halt) with gas used within the limit, in bounded time. Biased generators put
// real opcodes with small operands in front so that runs get past the first instruction.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hexToBytes } from '@keel/util';
import fc from 'fast-check';
import { CANCUN } from '../../src/params.ts';
import { createMemoryWorldState } from '../../src/state/memoryState.ts';
import type { LegacyTx } from '../../src/tx/types.ts';
import { runTx } from '../../src/vm/runTx.ts';
import type { BlockEnv } from '../../src/vm/types.ts';

const SENDER = hexToBytes('a94f5374fce5edbc8e2a8697c15331677e6ebf0b');
const TARGET = hexToBytes('095e7baea6a6c7c4c2dfeb977efac326af552d87');
const OTHER = hexToBytes('00000000000000000000000000000000000000aa');

const env: BlockEnv = {
  chainId: 1n,
  coinbase: hexToBytes('2adc25665018aa1fe0e6bc666dac8fc2697ff9ba'),
  number: 1000n,
  timestamp: 1000n,
  gasLimit: 30_000_000n,
  baseFee: 7n,
  prevRandao: new Uint8Array(32).fill(1),
  excessBlobGas: 0n,
  getBlockHash: (n) => new Uint8Array(32).fill(Number(n & 0xffn)),
};

function run(code: Uint8Array, data: Uint8Array, gasLimit: bigint) {
  const state = createMemoryWorldState([
    [SENDER, { nonce: 0n, balance: 10n ** 24n, code: new Uint8Array(0) }],
    [TARGET, { nonce: 1n, balance: 10n ** 18n, code, storage: new Map([[0n, 1n]]) }],
    // A second contract running the same code, so CALLs and DELEGATECALLs recurse.
    [OTHER, { nonce: 1n, balance: 1n, code }],
  ]);
  const tx: LegacyTx = {
    type: 0,
    nonce: 0n,
    gasLimit,
    gasPrice: 10n,
    to: TARGET,
    value: 1n,
    data,
    v: 27n,
    r: 1n,
    s: 1n,
  };
  const started = performance.now();
  const res = runTx(state, tx, SENDER, env, { fork: CANCUN });
  const ms = performance.now() - started;
  assert.ok(res.valid, 'a funded transaction is included');
  assert.ok(res.gasUsed > 0n && res.gasUsed <= gasLimit, `gas used ${res.gasUsed}`);
  assert.ok(res.status === 0 || res.status === 1);
  assert.equal(state.stateRoot().length, 32);
  assert.ok(ms < 5000, `ran ${ms.toFixed(0)} ms`);
}

// Opcodes with small pushes: PUSH1 x, then any defined opcode.
const OPS = [
  ...Array.from({ length: 0x20 }, (_, i) => i),
  ...Array.from({ length: 0x30 }, (_, i) => 0x30 + i),
  0x5f,
  0x80,
  0x81,
  0x82,
  0x90,
  0x91,
  0xa0,
  0xa1,
  0xa2,
  0xf0,
  0xf1,
  0xf2,
  0xf3,
  0xf4,
  0xf5,
  0xfa,
  0xfd,
  0xfe,
  0xff,
];
const instr = fc.oneof(
  fc.tuple(fc.constant(0x60), fc.integer({ min: 0, max: 64 })).map(([a, b]) => [a, b]),
  fc.constantFrom(...OPS).map((o) => [o]),
  // PUSH20 OTHER: so calls hit a contract.
  fc.constant([0x73, ...OTHER]),
);
const structured = fc.array(instr, { maxLength: 60 }).map((xs) => new Uint8Array(xs.flat()));

test('VM: random bytes as code always end in a result', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 64 }), (code, data) =>
      run(code, data, 1_000_000n),
    ),
    { numRuns: 300, seed: 0x5eed },
  );
});

test('VM: random instruction sequences (calls, creates, memory) always end in a result', () => {
  fc.assert(
    fc.property(structured, fc.uint8Array({ maxLength: 64 }), (code, data) =>
      run(code, data, 3_000_000n),
    ),
    { numRuns: 300, seed: 0xc0de },
  );
});
