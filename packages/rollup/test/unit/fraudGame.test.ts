import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CANCUN,
  createAddress,
  createMemoryWorldState,
  decodeStepState,
  encodeStepState,
  type LegacyTx,
  type MemoryWorldState,
  runTx,
  stepPrecompile,
  type Transaction,
} from '@keel/evm';
import { bytesToHex, hexToBytes } from '@keel/util';
import { decodeFunctionResult, encodeDeployData, encodeFunctionData, type Hex } from 'viem';
import { ROLLUP_CONTRACTS } from '../../src/contracts/artifacts.ts';
import { BatchTrace, type TraceTx } from '../../src/fraud/trace.ts';

// The two-stage dispute game on an in-process L1 (keel's EVM with the step precompile at 0x…f0,
// the same code the ledger mounts): Rollup.sol + DisputeGame.sol, an L2 batch of three txs.
const SEQ = hexToBytes('0x1000000000000000000000000000000000000001');
const CH = hexToBytes('0x2000000000000000000000000000000000000002');
const BOND = 10n ** 18n;
const CLOCK = 60n;
const DEPTH = 6; // 64 steps per tx at most, so 6 rounds in stage 2
const hex = (b: Uint8Array): Hex => `0x${bytesToHex(b).replace(/^0x/, '')}` as Hex;

const extra = (a: Uint8Array) =>
  a.length === 20 && a[19] === 0xf0 && a.slice(0, 19).every((x) => x === 0)
    ? stepPrecompile
    : undefined;

class L1 {
  readonly state = createMemoryWorldState([
    [SEQ, { nonce: 0n, balance: 10n ** 21n, code: new Uint8Array() }],
    [CH, { nonce: 0n, balance: 10n ** 21n, code: new Uint8Array() }],
  ]);
  time = 1_000n;
  gas = 0n;
  txs = 0;
  send(from: Uint8Array, to: Uint8Array | null, data: Hex, value = 0n, blob = false) {
    const tx: Transaction = {
      ...(blob
        ? {
            type: 3 as const,
            maxFeePerBlobGas: 10n,
            blobVersionedHashes: [new Uint8Array(32).fill(1, 0, 1)],
          }
        : { type: 2 as const }),
      chainId: 1337n,
      nonce: this.state.getNonce(from),
      maxPriorityFeePerGas: 0n,
      maxFeePerGas: 1n,
      gasLimit: 25_000_000n,
      to: to as Uint8Array,
      value,
      data: hexToBytes(data),
      accessList: [],
      v: 0n,
      r: 0n,
      s: 0n,
    } as Transaction;
    const env = {
      chainId: 1337n,
      coinbase: new Uint8Array(20),
      number: 10n,
      timestamp: this.time,
      gasLimit: 30_000_000n,
      baseFee: 1n,
      prevRandao: new Uint8Array(32),
      excessBlobGas: 0n,
      getBlockHash: () => undefined,
    };
    const r = runTx(this.state, tx, from, env, { fork: CANCUN, extraPrecompiles: extra });
    assert.ok(r.valid, r.valid ? '' : r.message);
    this.gas += r.gasUsed;
    this.txs++;
    return r;
  }
  /** A read (its gas is not counted in `gas`). */
  call(to: Uint8Array, data: Hex): Hex {
    const before = this.gas;
    const r = this.send(SEQ, to, data);
    this.gas = before;
    assert.equal(r.status, 1);
    return hex(r.returnData);
  }
}

const gameAbi = ROLLUP_CONTRACTS.DisputeGame.abi;
const rollupAbi = ROLLUP_CONTRACTS.Rollup.abi;

// L2: alice pays bob twice around a call to a contract that writes two slots.
const ALICE = hexToBytes('0x00000000000000000000000000000000000a11ce');
const BOB = hexToBytes('0x0000000000000000000000000000000000000b0b');
const C = hexToBytes('0x000000000000000000000000000000000000c0de');
function l2(): { genesis: MemoryWorldState; txs: TraceTx[] } {
  const genesis = createMemoryWorldState([
    [ALICE, { nonce: 0n, balance: 10n ** 18n, code: new Uint8Array() }],
    [C, { nonce: 1n, balance: 0n, code: hexToBytes('602a600155600035600255600160005260206000f3') }],
  ]);
  const env = {
    chainId: 901n,
    coinbase: new Uint8Array(20),
    number: 1n,
    timestamp: 2n,
    gasLimit: 30_000_000n,
    baseFee: 0n,
    prevRandao: new Uint8Array(32),
    excessBlobGas: 0n,
    getBlockHash: () => undefined,
  };
  const tx = (
    nonce: bigint,
    to: Uint8Array,
    value: bigint,
    data = new Uint8Array(0),
  ): LegacyTx => ({
    type: 0,
    nonce,
    gasPrice: 1n,
    gasLimit: 100_000n,
    to,
    value,
    data,
    v: 27n,
    r: 1n,
    s: 1n,
  });
  const word = new Uint8Array(32);
  word[31] = 9;
  return {
    genesis,
    txs: [tx(0n, BOB, 5n), tx(1n, C, 0n, word), tx(2n, BOB, 7n)].map((t) => ({
      tx: t,
      sender: ALICE,
      env,
    })),
  };
}

/** The lying proposer's trace: true up to tx 1, whose post state gets bob 1000 wei extra. */
function fakeRoots(honest: BatchTrace, genesis: MemoryWorldState, txs: TraceTx[]): Uint8Array[] {
  const s = genesis.copy();
  const roots = [s.stateRoot()];
  txs.forEach((t, i) => {
    runTx(s, t.tx, t.sender, t.env, { fork: CANCUN });
    if (i === 1) {
      s.beginTx();
      s.addBalance(BOB, 1000n);
      s.endTx();
    }
    roots.push(s.stateRoot());
  });
  void honest;
  return roots;
}

interface Setup {
  l1: L1;
  game: Uint8Array;
  rollup: Uint8Array;
  trace: BatchTrace;
  genesis: MemoryWorldState;
  txs: TraceTx[];
}

function setup(outputRoot: Uint8Array): Setup {
  const { genesis, txs } = l2();
  const trace = new BatchTrace(genesis, txs);
  const l1 = new L1();
  const game = createAddress(SEQ, 0n);
  const rollup = createAddress(SEQ, 1n);
  l1.send(
    SEQ,
    null,
    encodeDeployData({
      abi: gameAbi,
      bytecode: ROLLUP_CONTRACTS.DisputeGame.bytecode as Hex,
      args: [hex(rollup), BOND, CLOCK, DEPTH, hex(genesis.stateRoot())],
    }),
  );
  l1.send(
    SEQ,
    null,
    encodeDeployData({
      abi: rollupAbi,
      bytecode: ROLLUP_CONTRACTS.Rollup.bytecode as Hex,
      args: [hex(SEQ), 3600n, 0, hex(new Uint8Array(20)), hex(game)],
    }),
  );
  l1.send(SEQ, game, encodeFunctionData({ abi: gameAbi, functionName: 'deposit' }), BOND);
  const sub = l1.send(
    SEQ,
    rollup,
    encodeFunctionData({
      abi: rollupAbi,
      functionName: 'submitBatch',
      args: [hex(outputRoot), 3n],
    }),
    0n,
    true,
  );
  assert.equal(sub.status, 1, 'batch submitted');
  return { l1, game, rollup, trace, genesis, txs };
}

function fn(s: Setup, from: Uint8Array, functionName: string, args: unknown[], value = 0n) {
  s.l1.time += 5n;
  return s.l1.send(
    from,
    s.game,
    encodeFunctionData({ abi: gameAbi, functionName, args } as never),
    value,
  );
}

function gameView(s: Setup) {
  const out = s.l1.call(
    s.game,
    encodeFunctionData({ abi: gameAbi, functionName: 'gameOf', args: [0n] }),
  );
  return decodeFunctionResult({ abi: gameAbi, functionName: 'gameOf', data: out }) as {
    stage: number;
    lo: bigint;
    hi: bigint;
    challengerWon: boolean;
  };
}

function balance(s: Setup, who: Uint8Array): bigint {
  const out = s.l1.call(
    s.game,
    encodeFunctionData({ abi: gameAbi, functionName: 'balanceOf', args: [hex(who)] }),
  );
  return BigInt(out);
}

/** Plays a whole game; `roots` and the DONE root are the proposer's; the challenger's verdict function decides. */
function play(
  s: Setup,
  proposerRoots: Uint8Array[],
  challengerAgrees: (
    stage: 'roots' | 'steps',
    pos: number,
    claim: Uint8Array,
    j: number,
  ) => boolean,
): { rounds: number } {
  let rounds = 0;
  const ok = (r: { status: number }, what: string) => assert.equal(r.status, 1, what);
  ok(fn(s, CH, 'challenge', [0n], BOND), 'challenge');
  ok(fn(s, SEQ, 'commitInputs', [0n, BigInt(s.trace.n), hex(s.trace.inputsHash())]), 'inputs');
  let j = -1;
  for (;;) {
    const g = gameView(s);
    if (g.stage === 5) break;
    const lo = Number(g.lo);
    const hi = Number(g.hi);
    const mid = Math.floor((lo + hi) / 2);
    if (g.stage === 1) {
      ok(fn(s, SEQ, 'postMid', [0n, hex(proposerRoots[mid] as Uint8Array)]), 'root mid');
      ok(
        fn(s, CH, 'respond', [
          0n,
          challengerAgrees('roots', mid, proposerRoots[mid] as Uint8Array, -1),
        ]),
        'respond',
      );
      rounds++;
    } else if (g.stage === 2) {
      j = lo;
      const done = decodeStepState(s.trace.doneState(j, 1 << DEPTH));
      const claimedDone = encodeStepState({
        ...done,
        accountsRoot: proposerRoots[j + 1] as Uint8Array,
      });
      ok(
        fn(s, SEQ, 'openSteps', [
          0n,
          s.trace.inputs().map(hex),
          hex(s.trace.pendingState(j)),
          hex(claimedDone),
        ]),
        'open steps',
      );
    } else if (g.stage === 3) {
      // the proposer's step claims are the true ones (a liar cannot do better before the end)
      const c = s.trace.commitmentAt(j, mid);
      ok(fn(s, SEQ, 'postMid', [0n, hex(c)]), 'step mid');
      ok(fn(s, CH, 'respond', [0n, challengerAgrees('steps', mid, c, j)]), 'respond');
      rounds++;
    } else if (g.stage === 4) {
      const { pre, witness } = s.trace.leafProof(j, lo);
      ok(fn(s, CH, 'resolveStep', [0n, hex(pre), hex(witness)]), 'resolve');
    } else assert.fail(`stage ${g.stage}`);
  }
  return { rounds };
}

describe('DisputeGame on an in-process L1', () => {
  it('a proposer with a wrong state root for one tx loses its bond to an honest challenger', () => {
    const probe = l2();
    const t0 = new BatchTrace(probe.genesis, probe.txs);
    const fake = fakeRoots(t0, probe.genesis, probe.txs);
    assert.notEqual(bytesToHex(fake[3]!), bytesToHex(t0.rootAt(3)));
    const s = setup(fake[3]!);
    const gasBefore = s.l1.gas;
    const { rounds } = play(s, fake, (stage, pos, claim, j) =>
      stage === 'roots'
        ? bytesToHex(claim) === bytesToHex(s.trace.rootAt(pos))
        : bytesToHex(claim) === bytesToHex(s.trace.commitmentAt(j, pos)),
    );
    const g = gameView(s);
    assert.equal(g.challengerWon, true);
    assert.equal(balance(s, CH), 2n * BOND);
    assert.equal(balance(s, SEQ), 0n);
    console.log(JSON.stringify({ rounds, l1GasForChallenge: String(s.l1.gas - gasBefore) }));
  });

  it('an honest proposer cannot be beaten by a challenger that disagrees with everything', () => {
    const probe = l2();
    const t0 = new BatchTrace(probe.genesis, probe.txs);
    const roots = [0, 1, 2, 3].map((i) => t0.rootAt(i));
    const s = setup(roots[3]!);
    play(s, roots, () => false);
    assert.equal(gameView(s).challengerWon, false);
    assert.equal(balance(s, SEQ), 2n * BOND);
  });

  it('the side whose clock runs out loses', () => {
    const probe = l2();
    const t0 = new BatchTrace(probe.genesis, probe.txs);
    const s = setup(t0.rootAt(3));
    assert.equal(fn(s, CH, 'challenge', [0n], BOND).status, 1);
    assert.equal(fn(s, CH, 'claimTimeout', [0n]).status, 0, 'no timeout yet');
    s.l1.time += CLOCK + 1n;
    assert.equal(fn(s, SEQ, 'commitInputs', [0n, 3n, hex(t0.inputsHash())]).status, 0, 'too late');
    assert.equal(fn(s, CH, 'claimTimeout', [0n]).status, 1);
    assert.equal(gameView(s).challengerWon, true);
  });
});
