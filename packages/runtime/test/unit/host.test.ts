import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import { blake2b256, keccak256, sha256 } from '@keel/crypto';
import { bytesToUtf8, concatBytes, utf8ToBytes } from '@keel/util';
import { RuntimeErrorCode, type SignatureVerifier } from '../../src/index.ts';
import { CALLER, callee, contract, DEEP, STORE } from '../contracts.ts';
import { ALICE, addr, readU32le, u32le, world } from '../helpers.ts';

const PAYEE = addr(9);
const text = (b: Uint8Array) => bytesToUtf8(b);

describe('host functions', () => {
  test('storage round trip across transactions', () => {
    const w = world();
    const c = w.deploy(2, STORE);
    assert.equal(text(w.call(c, 'get').returnData), 'none');
    assert.equal(w.call(c, 'put', { input: utf8ToBytes('hello') }).status, 'ok');
    assert.equal(text(w.call(c, 'get').returnData), 'hello');
    assert.equal(w.call(c, 'del').status, 'ok');
    assert.equal(text(w.call(c, 'get').returnData), 'none');
  });

  test('transient storage is visible within a transaction and cleared after it', () => {
    const w = world();
    const c = w.deploy(2, STORE);
    const run = (method: string, input?: Uint8Array) =>
      w.rt.execute({
        state: w.state,
        address: c,
        caller: ALICE,
        method,
        gasLimit: 1e6,
        block: { height: 1n, time: 0n },
        ...(input ? { input } : {}),
      });
    w.state.beginTx();
    run('tput', utf8ToBytes('t1'));
    assert.equal(text(run('tget').returnData), 't1');
    w.state.commitTx();
    w.state.beginTx();
    assert.equal(text(run('tget').returnData), 'none');
    w.state.commitTx();
  });

  describe('nested calls', () => {
    const setup = () => {
      const w = world();
      const a = w.deploy(2, CALLER);
      const b = w.deploy(3, callee(PAYEE));
      w.backend.setBalance(b, 100n);
      const input = (method: string) =>
        concatBytes(b, new Uint8Array([method.length]), utf8ToBytes(method));
      return { w, a, b, input };
    };

    test('a successful callee commits its writes, logs and transfers with the caller', () => {
      const { w, a, b, input } = setup();
      const r = w.call(a, 'forward', { input: input('work') });
      assert.equal(r.status, 'ok', r.error?.message);
      assert.equal(readU32le(r.returnData), 0);
      assert.equal(text(r.returnData.subarray(4)), 'done');
      assert.deepEqual(w.backend.getStorage(a, utf8ToBytes('a')), utf8ToBytes('1'));
      assert.deepEqual(w.backend.getStorage(b, utf8ToBytes('b')), utf8ToBytes('2'));
      assert.equal(r.logs.length, 1);
      assert.deepEqual(r.logs[0]!.address, b);
      assert.equal(text(r.logs[0]!.topics[0]!), 'topic-0123456789abcdef0123456789');
      assert.equal(text(r.logs[0]!.data), 'done');
      assert.equal(w.backend.getBalance(PAYEE), 5n);
      assert.equal(w.backend.getBalance(b), 95n);
    });

    for (const [method, status, out] of [
      ['work_revert', 1, 'nope'],
      ['work_trap', 3, ''],
      ['work_spin', 2, ''],
    ] as const) {
      test(`a callee that ${method.slice(5)}s rolls back its writes, logs and transfers only`, () => {
        const { w, a, b, input } = setup();
        const r = w.call(a, 'forward', { input: input(method), gasLimit: 2_000_000 });
        assert.equal(r.status, 'ok', r.error?.message);
        assert.equal(readU32le(r.returnData), status);
        assert.equal(text(r.returnData.subarray(4)), out);
        assert.deepEqual(w.backend.getStorage(a, utf8ToBytes('a')), utf8ToBytes('1'));
        assert.equal(w.backend.getStorage(b, utf8ToBytes('b')), undefined);
        assert.equal(r.logs.length, 0);
        assert.equal(w.backend.getBalance(PAYEE), 0n);
        assert.equal(w.backend.getBalance(b), 100n);
        if (method === 'work_spin') {
          // EIP-150: the callee got all but 1/64 of the caller's gas and burned it
          assert.ok(r.gasUsed > (2_000_000 * 63) / 64, String(r.gasUsed));
        }
      });
    }

    test('a caller that reverts after a successful callee rolls back both', () => {
      const { w, a, b, input } = setup();
      const r = w.call(a, 'forward_then_revert', { input: input('work') });
      assert.equal(r.status, 'revert');
      assert.equal(readU32le(r.returnData), 0);
      assert.equal(w.backend.storageSize, 0);
      assert.equal(w.backend.getBalance(PAYEE), 0n);
      assert.equal(w.backend.getBalance(b), 100n);
      assert.deepEqual(r.logs, []);
    });

    test('the call-depth limit stops recursion at the configured depth', () => {
      const w = world({ executionLimits: { maxCallDepth: 8 } });
      const d = w.deploy(4, DEEP);
      const r = w.call(d, 'deep', { input: u32le(1), gasLimit: 10_000_000 });
      assert.equal(r.status, 'ok', r.error?.message);
      assert.equal(readU32le(w.backend.getStorage(d, utf8ToBytes('max'))!), 8);
      assert.equal(readU32le(w.backend.getStorage(d, utf8ToBytes('hit'))!), 8);
    });

    test('deep contract recursion ends deterministically (depth or stack budget), never a host crash', () => {
      const w = world({ executionLimits: { maxCallDepth: 10_000 } });
      const d = w.deploy(4, DEEP);
      const r = w.call(d, 'deep', { input: u32le(1), gasLimit: 1e12 });
      assert.equal(r.status, 'ok', r.error?.message);
      // level k starts with budget B_k = maxStackUnits - (k-1) * (deep + callFrameUnits) and
      // completes while B_k covers the frames of `deep` and `$load_input`; deeper levels trap.
      const [load, deep] = w.rt.validate(DEEP).frameCosts as [number, number];
      const { maxStackUnits, callFrameUnits } = w.rt.executionLimits;
      const expected = Math.floor((maxStackUnits - deep - load) / (deep + callFrameUnits)) + 1;
      assert.equal(expected, 120); // (32768 - 17 - 12) / 273 + 1 with the defaults
      assert.equal(readU32le(w.backend.getStorage(d, utf8ToBytes('max'))!), expected);
      const again = w.call(d, 'deep', { input: u32le(1), gasLimit: 1e12 });
      assert.deepEqual(again, r);
    });

    test('a call to an address without code traps the callee only', () => {
      const { w, a } = setup();
      const r = w.call(a, 'forward', {
        input: concatBytes(addr(77), new Uint8Array([1]), utf8ToBytes('x')),
      });
      assert.equal(readU32le(r.returnData), 3);
    });
  });

  test('host memory out of bounds is a trap with a reason', () => {
    const w = world();
    const c = w.deploy(
      2,
      contract(`
        (func (export "key") (call $storage_write (i32.const 65530) (i32.const 100) (i32.const 0) (i32.const 1)))
        (func (export "wrap") (call $return_data (i32.const -1) (i32.const 4)))
        (func (export "input") (call $input_read (i32.const 0) (i32.const 0) (i32.const 1)))`),
    );
    const k = w.call(c, 'key');
    assert.equal(k.status, 'trap');
    assert.equal(k.error?.code, RuntimeErrorCode.MEMORY_OUT_OF_BOUNDS);
    assert.match(k.error!.message, /key: \[65530, 65630\) is outside memory of 65536 bytes/);
    assert.equal(w.call(c, 'wrap').error?.code, RuntimeErrorCode.MEMORY_OUT_OF_BOUNDS);
    const i = w.call(c, 'input');
    assert.equal(i.error?.code, RuntimeErrorCode.HOST_ARGUMENT);
    assert.match(i.error!.message, /outside the 0-byte input/);
  });

  test('abort carries its message; unknown methods and missing code are traps', () => {
    const w = world();
    const c = w.deploy(
      2,
      contract(
        `(data (i32.const 0) "bad thing") (func (export "boom") (call $abort (i32.const 0) (i32.const 9)))`,
      ),
    );
    const r = w.call(c, 'boom');
    assert.equal(r.error?.code, RuntimeErrorCode.ABORT);
    assert.equal(r.error?.message, 'aborted: bad thing');
    assert.equal(w.call(c, 'nope').error?.code, RuntimeErrorCode.UNKNOWN_METHOD);
    assert.equal(w.call(c, 'load_input').error?.code, RuntimeErrorCode.UNKNOWN_METHOD);
    assert.equal(w.call(addr(99), 'x').error?.code, RuntimeErrorCode.NO_CODE);
  });

  test('hashes match @keel/crypto', () => {
    const w = world();
    const c = w.deploy(
      2,
      contract(`(func (export "h") (local $n i32)
        (local.set $n (call $load_input))
        (call $sha256 (i32.const 1024) (local.get $n) (i32.const 0))
        (call $keccak256 (i32.const 1024) (local.get $n) (i32.const 32))
        (call $blake2b (i32.const 1024) (local.get $n) (i32.const 64))
        (call $return_data (i32.const 0) (i32.const 96)))`),
    );
    for (const msg of ['', 'abc', 'x'.repeat(1000)]) {
      const m = utf8ToBytes(msg);
      const r = w.call(c, 'h', { input: m });
      assert.deepEqual(r.returnData, concatBytes(sha256(m), keccak256(m), blake2b256(m)));
    }
  });

  test('context: caller, self address, value, block height and time, balance, transfer', () => {
    const w = world();
    const c = w.deploy(
      2,
      contract(`(data (i32.const 0) "${'\\00'.repeat(15)}\\00")
        (func (export "ctx")
          (call $caller (i32.const 100))
          (call $self_address (i32.const 132))
          (call $value (i32.const 164))
          (i64.store (i32.const 180) (call $block_height))
          (i64.store (i32.const 188) (call $block_time))
          (call $balance (i32.const 132) (i32.const 196))
          (call $return_data (i32.const 100) (i32.const 112)))
        (func (export "pay") (local $n i32)
          (local.set $n (call $load_input))
          (i32.store (i32.const 0) (call $transfer (i32.const 1024) (i32.const 1056)))
          (call $return_data (i32.const 0) (i32.const 4)))`),
    );
    w.backend.setBalance(ALICE, 1000n);
    const r = w.call(c, 'ctx', { value: 300n, block: { height: 42n, time: 1_700_000_000_123n } });
    assert.equal(r.status, 'ok', r.error?.message);
    const v = new DataView(r.returnData.buffer);
    assert.deepEqual(r.returnData.subarray(0, 32), ALICE);
    assert.deepEqual(r.returnData.subarray(32, 64), c);
    assert.equal(v.getBigUint64(64, true), 300n);
    assert.equal(v.getBigUint64(80, true), 42n);
    assert.equal(v.getBigUint64(88, true), 1_700_000_000_123n);
    assert.equal(v.getBigUint64(96, true), 300n); // balance after receiving the value
    assert.equal(w.backend.getBalance(ALICE), 700n);
    const amount = (n: bigint) => {
      const b = new Uint8Array(16);
      new DataView(b.buffer).setBigUint64(0, n, true);
      return b;
    };
    assert.equal(
      readU32le(w.call(c, 'pay', { input: concatBytes(PAYEE, amount(120n)) }).returnData),
      0,
    );
    assert.equal(
      readU32le(w.call(c, 'pay', { input: concatBytes(PAYEE, amount(500n)) }).returnData),
      1,
    );
    assert.equal(w.backend.getBalance(PAYEE), 120n);
    assert.equal(w.backend.getBalance(c), 180n);
    const poor = w.call(c, 'ctx', { value: 10_000n });
    assert.equal(poor.error?.code, RuntimeErrorCode.INSUFFICIENT_BALANCE);
    assert.equal(poor.gasUsed, 0);
  });

  test('signature verification goes through the injected verifiers', () => {
    const ed = generateKeyPairSync('ed25519');
    const edRaw = ed.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    const ed25519: SignatureVerifier = {
      verify: (pk, msg, sig) =>
        verify(
          null,
          msg,
          createPublicKey({
            key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pk]),
            format: 'der',
            type: 'spki',
          }),
          sig,
        ),
    };
    let secpCalls = 0;
    const secp256k1: SignatureVerifier = {
      verify: (pk, msg, sig) => {
        secpCalls++;
        return pk[0] === 2 && msg[0] === 1 && sig[0] === 3; // a stand-in: the runtime only passes bytes through
      },
    };
    const w = world({ verifiers: { ed25519, secp256k1 } });
    const c = w.deploy(
      2,
      contract(`
        (func (export "ed") (local $n i32)
          (local.set $n (call $load_input))
          (i32.store (i32.const 0) (call $ed25519_verify (i32.const 1024) (i32.const 1120) (i32.sub (local.get $n) (i32.const 96)) (i32.const 1056)))
          (call $return_data (i32.const 0) (i32.const 4)))
        (func (export "k1") (drop (call $load_input))
          (i32.store (i32.const 0) (call $secp256k1_verify (i32.const 1024) (i32.const 1057) (i32.const 1089)))
          (call $return_data (i32.const 0) (i32.const 4)))`),
    );
    const msg = utf8ToBytes('pay bob 5');
    const sig = sign(
      null,
      msg,
      createPrivateKey(ed.privateKey.export({ format: 'pem', type: 'pkcs8' })),
    );
    const good = concatBytes(edRaw, sig, msg);
    assert.equal(readU32le(w.call(c, 'ed', { input: good }).returnData), 1);
    const bad = good.slice();
    bad[bad.length - 1]! ^= 1;
    assert.equal(readU32le(w.call(c, 'ed', { input: bad }).returnData), 0);
    const k1 = (b0: number) => {
      const input = new Uint8Array(33 + 32 + 64);
      input[0] = 2;
      input[33] = 1;
      input[65] = b0;
      return readU32le(w.call(c, 'k1', { input }).returnData);
    };
    assert.equal(k1(3), 1);
    assert.equal(k1(4), 0);
    assert.equal(secpCalls, 2);
    const none = world();
    const c2 = none.deploy(
      2,
      contract(
        `(func (export "k1") (drop (call $secp256k1_verify (i32.const 0) (i32.const 0) (i32.const 0))))`,
      ),
    );
    assert.match(none.call(c2, 'k1').error!.message, /secp256k1 verification is not configured/);
  });
});
