import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { concatBytes } from '@keel/util';
import {
  getAccount,
  getStorage,
  getStorageWithProof,
  receiptToJSON,
  stateRoot,
  TxRejectReason,
  verifyStateProof,
} from '../../src/index.ts';
import { abi, alice, bob, carol, genesis, INITIAL, ledger, tx } from '../helpers.ts';
import { World } from '../world.ts';

const sha = (s: string) => new Uint8Array(createHash('sha256').update(s).digest());
const TRANSFER_TOPIC = sha('Transfer(address,address,u64)');
const APPROVAL_TOPIC = sha('Approval(address,address,u64)');
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const u64 = (b: Uint8Array) => abi.readU64(b);

describe('example contracts through the ledger', () => {
  let w: World;
  let token: Uint8Array;
  let counter: Uint8Array;
  let caller: Uint8Array;
  let loop: Uint8Array;

  before(async () => {
    w = new World(genesis());
    token = await w.deploy(alice, 'token', abi.u64(1_000_000));
    counter = await w.deploy(alice, 'counter');
    caller = await w.deploy(alice, 'caller');
    loop = await w.deploy(alice, 'loop');
  });

  const balanceOf = (who: Uint8Array) => u64(w.view(token, 'balanceOf', who).returnData);

  test('token: transfer, approve, transferFrom, events, reverts', () => {
    assert.equal(balanceOf(alice.address), 1_000_000n);
    assert.equal(u64(w.view(token, 'totalSupply').returnData), 1_000_000n);

    const r1 = w.call(alice, token, 'transfer', concatBytes(bob.address, abi.u64(300)));
    assert.equal(r1.status, 'ok');
    assert.equal(r1.logs.length, 1);
    assert.deepEqual(r1.logs[0]!.address, token);
    assert.deepEqual(r1.logs[0]!.topics, [TRANSFER_TOPIC, alice.address, bob.address]);
    assert.deepEqual(r1.logs[0]!.data, abi.u64(300));
    assert.equal(balanceOf(alice.address), 999_700n);
    const j = receiptToJSON(r1);
    assert.equal(j.status, 'ok');
    assert.equal(j.fee, r1.fee.toString());
    assert.equal(j.logs[0]!.topics[1], Buffer.from(alice.address).toString('hex'));
    assert.equal(j.logs[0]!.data, '2c01000000000000');
    assert.equal(balanceOf(bob.address), 300n);

    const r2 = w.call(alice, token, 'approve', concatBytes(bob.address, abi.u64(100)));
    assert.deepEqual(r2.logs[0]!.topics, [APPROVAL_TOPIC, alice.address, bob.address]);
    const r3 = w.call(
      bob,
      token,
      'transferFrom',
      concatBytes(alice.address, carol.address, abi.u64(60)),
    );
    assert.equal(r3.status, 'ok');
    assert.equal(balanceOf(carol.address), 60n);
    const allowance = w.view(token, 'allowance', concatBytes(alice.address, bob.address));
    assert.equal(u64(allowance.returnData), 40n);

    const bobBefore = getAccount(w.state, bob.address);
    const r4 = w.call(
      bob,
      token,
      'transferFrom',
      concatBytes(alice.address, carol.address, abi.u64(50)),
    );
    assert.equal(r4.status, 'revert');
    assert.equal(text(r4.returnData), 'allowance exceeded');
    assert.equal(r4.logs.length, 0);
    assert.equal(balanceOf(carol.address), 60n);
    const bobAfter = getAccount(w.state, bob.address);
    assert.equal(bobAfter.nonce, bobBefore.nonce + 1n);
    assert.equal(bobAfter.balance, bobBefore.balance - r4.fee, 'a revert still pays its gas');

    w.send(alice, { kind: 'transfer', to: carol.address, amount: 10n ** 9n });
    const r5 = w.call(carol, token, 'transfer', concatBytes(bob.address, abi.u64(61)));
    assert.equal(r5.status, 'revert');
    assert.equal(text(r5.returnData), 'insufficient balance');
    const r6 = w.call(alice, token, 'transfer', abi.u64(1));
    assert.equal(text(r6.returnData), 'abi: input too short');
    const r7 = w.call(alice, token, 'init', abi.u64(5));
    assert.equal(text(r7.returnData), 'already initialized');

    // contract storage with a proof against the state root (the token keeps "b" ‖ owner)
    const slot = concatBytes(Buffer.from('b'), bob.address);
    assert.deepEqual(getStorage(w.state, token, slot), abi.u64(300));
    const proven = getStorageWithProof(w.state, token, slot);
    assert.deepEqual(proven.value, abi.u64(300));
    assert.ok(verifyStateProof(stateRoot(w.state), proven));
    assert.ok(!verifyStateProof(stateRoot(w.state), { ...proven, value: abi.u64(301) }));
    const none = getStorageWithProof(
      w.state,
      token,
      concatBytes(
        Buffer.from('b'),
        carol.address.map((x) => x ^ 1),
      ),
    );
    assert.equal(none.value, undefined);
    assert.ok(verifyStateProof(stateRoot(w.state), none));
  });

  test('nested calls: success propagates, a reverting caller rolls the callee back', () => {
    const get = () => u64(w.view(counter, 'get').returnData);
    const start = get();
    const r1 = w.call(alice, caller, 'callIncrement', counter);
    assert.equal(r1.status, 'ok');
    assert.equal(u64(r1.returnData), start + 1n);
    assert.equal(r1.logs.length, 1, "the callee's event is in the receipt");
    assert.deepEqual(r1.logs[0]!.address, counter);
    assert.equal(get(), start + 1n);

    const r2 = w.call(alice, caller, 'incrementThenRevert', counter);
    assert.equal(r2.status, 'revert');
    assert.equal(text(r2.returnData), 'reverted after a successful call');
    assert.equal(r2.logs.length, 0);
    assert.equal(get(), start + 1n, "the callee's write was rolled back with its caller");

    // a failing callee does not fail the caller: forward reports the status
    const input = concatBytes(
      counter,
      abi.bytes(Buffer.from('nope')),
      abi.bytes(new Uint8Array(0)),
      abi.u64(0),
    );
    const r3 = w.call(alice, caller, 'forward', input);
    assert.equal(r3.status, 'ok');
    assert.equal(r3.returnData[0], 3, 'trap (unknown method)');
  });

  test('out of gas at an exact, stable figure', () => {
    const r = w.call(alice, counter, 'increment', new Uint8Array(0), 200_000);
    assert.equal(r.status, 'ok');
    const used = r.gasUsed;
    // the same call with exactly that much gas succeeds with the same figure...
    const again = w.call(alice, counter, 'increment', new Uint8Array(0), used);
    assert.equal(again.status, 'ok');
    assert.equal(again.gasUsed, used);
    // ...and one unit less runs out, consuming exactly its limit, with nothing written
    const get = () => u64(w.view(counter, 'get').returnData);
    const before = get();
    const short = w.call(alice, counter, 'increment', new Uint8Array(0), used - 1);
    assert.equal(short.status, 'out_of_gas');
    assert.equal(short.gasUsed, used - 1);
    assert.equal(get(), before);

    const aliceBefore = getAccount(w.state, alice.address).balance;
    const spin = w.call(alice, loop, 'spin', new Uint8Array(0), 1_234_567);
    assert.equal(spin.status, 'out_of_gas');
    assert.equal(spin.gasUsed, 1_234_567);
    assert.equal(spin.fee, 1_234_567n);
    assert.equal(getAccount(w.state, alice.address).balance, aliceBefore - 1_234_567n);
  });

  test('deep recursion and memory.grow fail deterministically', () => {
    const deep = w.call(alice, loop, 'deep', new Uint8Array(0), 10_000_000);
    assert.equal(deep.status, 'trap');
    assert.equal(deep.error!.code, 'ERR_RUNTIME_STACK_OVERFLOW');
    assert.equal(deep.gasUsed, 10_000_000);
    const grow = w.call(alice, loop, 'grow', new Uint8Array(0), 10_000_000);
    assert.equal(grow.status, 'trap');
  });

  test('transient storage is cleared between transactions, shared within one', () => {
    const a = w.call(alice, counter, 'bumpTransient');
    const b = w.call(alice, counter, 'bumpTransient');
    assert.equal(u64(a.returnData), 1n);
    assert.equal(u64(b.returnData), 1n);
    const c = w.call(alice, caller, 'bumpTwice', counter);
    assert.equal(c.status, 'ok');
    assert.equal(u64(c.returnData), 2n);
    assert.equal(u64(w.call(alice, counter, 'bumpTransient').returnData), 1n);
  });

  test('call depth limit (64 frames)', () => {
    const ok = w.call(alice, caller, 'recurse', abi.u32(63), 40_000_000);
    assert.equal(ok.status, 'ok', ok.error?.message);
    assert.equal(new DataView(ok.returnData.buffer).getUint32(0, true), 63);
    const deep = w.call(alice, caller, 'recurse', abi.u32(64), 40_000_000);
    assert.equal(deep.status, 'revert');
    assert.deepEqual([...deep.returnData], [4], 'CALL_DEPTH_EXCEEDED from the innermost call');
  });

  test('value transfers to contracts and calls to nowhere', () => {
    const before = getAccount(w.state, alice.address);
    const r = w.send(alice, {
      kind: 'call',
      to: bob.address,
      value: 5n,
      method: 'x',
      input: new Uint8Array(0),
    });
    assert.equal(r.status, 'trap');
    assert.equal(r.error!.code, 'ERR_RUNTIME_NO_CODE');
    const after = getAccount(w.state, alice.address);
    assert.equal(after.balance, before.balance - r.fee, 'the value went back');
    assert.ok(INITIAL > after.balance);
  });
});

/** Hand-assembled modules (all sizes < 128, so every LEB128 is one byte). */
function wasm(sections: [number, number[]][]): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  for (const [id, body] of sections) out.push(id, body.length, ...body);
  return Uint8Array.from(out);
}
const name = (s: string) => [s.length, ...Buffer.from(s)];
const unitType: [number, number[]] = [1, [1, 0x60, 0, 0]];
const oneFunc: [number, number[]] = [3, [1, 0]];
const exportF: [number, number[]] = [7, [1, ...name('f'), 0, 0]];
const body = (...code: number[]): [number, number[]] => [
  10,
  [1, code.length + 2, 0, ...code, 0x0b],
];

const MALICIOUS: [string, Uint8Array, RegExp][] = [
  [
    'float op',
    wasm([unitType, oneFunc, exportF, body(0x43, 0, 0, 0, 0, 0x1a)]),
    /f32\.const|float|forbidden/i,
  ],
  [
    'unknown import',
    wasm([
      unitType,
      [2, [1, ...name('env'), ...name('fs_read'), 0, 0]],
      oneFunc,
      [7, [1, ...name('f'), 0, 1]],
      body(),
    ]),
    /"env"\."fs_read": unknown host function/,
  ],
  [
    'import outside env',
    wasm([
      unitType,
      [2, [1, ...name('wasi'), ...name('x'), 0, 0]],
      oneFunc,
      [7, [1, ...name('f'), 0, 1]],
      body(),
    ]),
    /imports must come from module "env"/,
  ],
  ['huge memory', wasm([unitType, oneFunc, [5, [1, 0, 100]], exportF, body()]), /memory|pages/i],
  ['start function', wasm([unitType, oneFunc, exportF, [8, [0]], body()]), /start/i],
  ['invalid bytes', Uint8Array.of(0, 0x61, 0x73, 0x6d, 2, 0, 0, 0), /version|malformed|magic/i],
  [
    'truncated',
    wasm([unitType, oneFunc, exportF, body()]).subarray(0, 20),
    /truncat|unexpected end|bounds|malformed/i,
  ],
];

describe('malicious modules are rejected with clear errors', () => {
  for (const [label, code, re] of MALICIOUS) {
    test(label, () => {
      const g = genesis();
      const t = tx(alice, 0, { kind: 'deploy', code, initInput: new Uint8Array(0) }, 1_000_000);
      const v = ledger().checkTx(g, t);
      assert.equal(v.ok, false);
      assert.equal(!v.ok && v.reason, TxRejectReason.INVALID_CODE);
      assert.match(!v.ok ? v.error.message : '', re);
      // a proposer that includes it anyway: the deploy is rejected and keeps all the gas
      const r = ledger().applyBlock(g, [t], { height: 1n, time: 0n });
      assert.equal(r.receipts[0]!.status, 'rejected');
      assert.match(r.receipts[0]!.error!.message, re);
      assert.equal(r.receipts[0]!.gasUsed, 1_000_000);
      assert.equal(r.receipts[0]!.contractAddress, undefined);
    });
  }
});
