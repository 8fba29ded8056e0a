import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { concatBytes } from '@keel/util';
import fc from 'fast-check';
import {
  exportSnapshot,
  getAccount,
  importSnapshot,
  type LedgerState,
  type SignedTx,
} from '../../src/index.ts';
import { abi, alice, BLOCK, bob, carol, genesis, type Key, ledger, tx } from '../helpers.ts';
import { World } from '../world.ts';

let base: LedgerState;
let token: Uint8Array;
let counter: Uint8Array;
let caller: Uint8Array;
let loop: Uint8Array;

before(async () => {
  const w = new World(genesis());
  w.send(alice, { kind: 'transfer', to: carol.address, amount: 10n ** 10n });
  token = await w.deploy(alice, 'token', abi.u64(1_000_000));
  counter = await w.deploy(bob, 'counter');
  caller = await w.deploy(bob, 'caller');
  loop = await w.deploy(carol, 'loop');
  base = w.state;
});

type Op = { who: number; kind: number; amount: number; gas: number };
const keys: Key[] = [alice, bob, carol];

function block(ops: Op[], state: LedgerState): SignedTx[] {
  const next = new Map<number, bigint>();
  const nonceOf = (i: number) => {
    const n = next.get(i) ?? getAccount(state, keys[i]!.address).nonce;
    next.set(i, n + 1n);
    return n;
  };
  return ops.map((op) => {
    const from = keys[op.who]!;
    const to = keys[(op.who + 1) % 3]!;
    const n = nonceOf(op.who);
    const call = (addr: Uint8Array, method: string, input: Uint8Array) =>
      tx(from, n, { kind: 'call', to: addr, value: 0n, method, input }, op.gas);
    switch (op.kind) {
      case 0:
        return tx(from, n, { kind: 'transfer', to: to.address, amount: BigInt(op.amount) });
      case 1:
        return call(token, 'transfer', concatBytes(to.address, abi.u64(op.amount * 1000)));
      case 2:
        return call(counter, 'increment', new Uint8Array(0));
      case 3:
        return call(caller, op.amount % 2 ? 'callIncrement' : 'incrementThenRevert', counter);
      case 4:
        return call(counter, 'bumpTransient', new Uint8Array(0));
      default:
        return call(loop, 'spin', new Uint8Array(0));
    }
  });
}

test('applying the same block twice from the same state gives the same root and receipts', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          who: fc.integer({ min: 0, max: 2 }),
          kind: fc.integer({ min: 0, max: 5 }),
          amount: fc.integer({ min: 0, max: 2000 }),
          gas: fc.integer({ min: 20_000, max: 400_000 }),
        }),
        { minLength: 1, maxLength: 25 },
      ),
      (ops) => {
        const txs = block(ops, base);
        const ctx = { ...BLOCK, height: 9n, feeRecipient: carol.address };
        const a = ledger().applyBlock(base, txs, ctx);
        const b = ledger().applyBlock(base, txs, ctx);
        assert.deepEqual(a.stateRoot, b.stateRoot);
        assert.deepEqual(a.receipts, b.receipts);
        // and from an independent copy of the state (snapshot round trip)
        const copy = importSnapshot(exportSnapshot(base));
        const c = ledger().applyBlock(copy, txs, ctx);
        assert.deepEqual(c.stateRoot, a.stateRoot);
        assert.deepEqual(a.state.root(), a.stateRoot);
      },
    ),
    { numRuns: 25 },
  );
});
