import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Secp256k1Backend } from '@keel/crypto';
import { loadSecp256k1Backend } from '@keel/crypto/secp256k1';
import { secp256k1Preference } from '@keel/test-utils';
import { bytesToHex, concatBytes, hexToBytes } from '@keel/util';
import type { Transaction } from '../../src/primitives/transaction.ts';
import {
  createMemorySignatureCache,
  createTxSignatureChecker,
  findAndDelete,
  formatScriptFlags,
  isValidSignatureEncoding,
  legacySighash,
  nullSignatureChecker,
  parseScriptAsm,
  parseScriptFlags,
  precomputeTxData,
  ScriptFlags,
  TAPSCRIPT_LEAF_VERSION,
  tapleafHash,
  taprootOutputKey,
  verifyScript,
} from '../../src/script/index.ts';

const asm = parseScriptAsm;
const h = hexToBytes;
let backend: Secp256k1Backend;
before(async () => {
  backend = await loadSecp256k1Backend(secp256k1Preference());
});

function spendTx(sequence = 0xffffffff, version = 2, locktime = 0): Transaction {
  return {
    version,
    inputs: [
      {
        prevout: { txid: new Uint8Array(32).fill(7), vout: 0 },
        scriptSig: new Uint8Array(0),
        sequence,
        witness: [],
      },
    ],
    outputs: [{ value: 1000n, scriptPubKey: Uint8Array.of(0x51) }],
    locktime,
  };
}

describe('flags', () => {
  test('parse and format', () => {
    assert.equal(parseScriptFlags(''), 0);
    assert.equal(parseScriptFlags('NONE'), 0);
    assert.equal(parseScriptFlags('P2SH,WITNESS'), ScriptFlags.P2SH | ScriptFlags.WITNESS);
    assert.equal(ScriptFlags.DISCOURAGE_UPGRADABLE_PUBKEYTYPE, 1 << 20);
    assert.equal(formatScriptFlags(parseScriptFlags('TAPROOT,P2SH')), 'P2SH,TAPROOT');
    assert.throws(() => parseScriptFlags('P2SH,BOGUS'));
  });
});

describe('FindAndDelete', () => {
  test('removes matches on opcode boundaries only', () => {
    const pat = h('020302');
    assert.deepEqual(findAndDelete(h('020302020302'), pat), {
      script: new Uint8Array(0),
      count: 2,
    });
    assert.equal(bytesToHex(findAndDelete(h('02030202030251'), pat).script), '51');
    // Inside a push it is data, not an opcode boundary.
    assert.equal(findAndDelete(h('03020302'), pat).count, 0);
    assert.equal(bytesToHex(findAndDelete(h('51020302'), pat).script), '51');
    // A truncated push stops the scan; the tail is kept.
    assert.equal(bytesToHex(findAndDelete(h('0203024c'), pat).script), '4c');
  });
});

describe('signature encoding (BIP66)', () => {
  const good =
    '3044022067288ea50aa799543a536ff9306f8e1cba05b9c6b10951175b924f96732555ed022026d7b5265f38d21541519e4a1e55044d5b9e17e15cdbaf29ae3792e99e883e7a01';
  test('accepts strict DER and rejects each violation', () => {
    assert.equal(isValidSignatureEncoding(h(good)), true);
    const bad = (hex: string) => assert.equal(isValidSignatureEncoding(h(hex)), false, hex);
    bad(good.replace(/^3044/, '3045')); // wrong total length
    bad(`${good.slice(0, -2)}0001`); // trailing garbage
    bad('300602010102010101'.replace('0201010201', '0201810201')); // negative R
    bad('30070202000102010101'); // padded R
    bad('300602000201010101'.slice(0, 14)); // too short
    assert.equal(isValidSignatureEncoding(h('300602010102010101')), true);
  });
});

describe('verifyScript verdicts', () => {
  const v = (sig: string, spk: string, flags = 0, wit: Uint8Array[] = []) => {
    const r = verifyScript(asm(sig), asm(spk), wit, flags, nullSignatureChecker);
    return r.ok ? 'OK' : r.error;
  };
  test('basic outcomes', () => {
    assert.equal(v('1', '1 EQUAL'), 'OK');
    assert.equal(v('1', '2 EQUAL'), 'EVAL_FALSE');
    assert.equal(v('', 'RETURN'), 'OP_RETURN');
    assert.equal(v('0', 'IF 1'), 'UNBALANCED_CONDITIONAL');
    assert.equal(v('1', 'CAT', 0), 'DISABLED_OPCODE');
    assert.equal(v('0x4c', '1'), 'BAD_OPCODE');
    assert.equal(
      v('1 1', 'NOP', ScriptFlags.P2SH | ScriptFlags.WITNESS | ScriptFlags.CLEANSTACK),
      'CLEANSTACK',
    );
    assert.equal(v('NOP 1', '1', ScriptFlags.SIGPUSHONLY), 'SIG_PUSHONLY');
    assert.equal(v('0x01 0x05', '5 EQUAL', ScriptFlags.MINIMALDATA), 'MINIMALDATA');
    assert.equal(v('', '0 0 CHECKSIG NOT'), 'OK'); // empty sig: false, not an error
  });
  test('CLTV and CSV against the transaction', () => {
    const run = (script: string, tx: Transaction, flags: number) => {
      const checker = createTxSignatureChecker({ tx, inputIndex: 0, amount: 0n, backend });
      const r = verifyScript(new Uint8Array(0), asm(script), [], flags, checker);
      return r.ok ? 'OK' : r.error;
    };
    const CLTV = ScriptFlags.CHECKLOCKTIMEVERIFY;
    const CSV = ScriptFlags.CHECKSEQUENCEVERIFY;
    assert.equal(run('100 CHECKLOCKTIMEVERIFY', spendTx(0, 2, 100), CLTV), 'OK');
    assert.equal(run('101 CHECKLOCKTIMEVERIFY', spendTx(0, 2, 100), CLTV), 'UNSATISFIED_LOCKTIME');
    assert.equal(
      run('100 CHECKLOCKTIMEVERIFY', spendTx(0xffffffff, 2, 100), CLTV),
      'UNSATISFIED_LOCKTIME',
    );
    assert.equal(
      run('500000000 CHECKLOCKTIMEVERIFY', spendTx(0, 2, 100), CLTV),
      'UNSATISFIED_LOCKTIME',
    );
    assert.equal(run('-1 CHECKLOCKTIMEVERIFY', spendTx(0, 2, 100), CLTV), 'NEGATIVE_LOCKTIME');
    assert.equal(run('101 CHECKLOCKTIMEVERIFY', spendTx(0, 2, 100), 0), 'OK'); // NOP2
    assert.equal(run('10 CHECKSEQUENCEVERIFY', spendTx(10), CSV), 'OK');
    assert.equal(run('11 CHECKSEQUENCEVERIFY', spendTx(10), CSV), 'UNSATISFIED_LOCKTIME');
    assert.equal(run('10 CHECKSEQUENCEVERIFY', spendTx(10, 1), CSV), 'UNSATISFIED_LOCKTIME');
    assert.equal(
      run('0x04 0x0a004000 CHECKSEQUENCEVERIFY', spendTx(10), CSV),
      'UNSATISFIED_LOCKTIME',
    );
    // Disable flag in the operand: a NOP.
    assert.equal(run('0x05 0x0000008000 CHECKSEQUENCEVERIFY', spendTx(10, 1), CSV), 'OK');
  });
});

describe('legacy sighash', () => {
  test('SIGHASH_SINGLE without a matching output signs the constant 1', () => {
    const tx = spendTx();
    tx.inputs.push({ ...tx.inputs[0]!, prevout: { txid: new Uint8Array(32).fill(8), vout: 1 } });
    const one = `01${'00'.repeat(31)}`;
    assert.equal(bytesToHex(legacySighash(tx, 1, Uint8Array.of(0x51), 3)), one);
    assert.equal(bytesToHex(legacySighash(tx, 5, Uint8Array.of(0x51), 1)), one);
    assert.notEqual(bytesToHex(legacySighash(tx, 0, Uint8Array.of(0x51), 3)), one);
    // OP_CODESEPARATOR is not part of the signed scriptCode.
    assert.deepEqual(legacySighash(tx, 0, h('ab51ab'), 1), legacySighash(tx, 0, h('51'), 1));
  });
});

describe('taproot script path', () => {
  const NUMS = h('50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0');
  const FLAGS = parseScriptFlags('P2SH,WITNESS,TAPROOT');
  function spend(
    script: Uint8Array,
    stack: Uint8Array[],
    flags = FLAGS,
    leafVersion = TAPSCRIPT_LEAF_VERSION,
  ) {
    const q = taprootOutputKey(backend, NUMS, tapleafHash(leafVersion, script))!;
    const spk = concatBytes(h('5120'), q.xOnly);
    const control = concatBytes(Uint8Array.of(leafVersion | q.parity), NUMS);
    const tx = spendTx();
    const spent = [{ value: 1000n, scriptPubKey: spk }];
    const witness = [...stack, script, control];
    tx.inputs[0]!.witness = witness;
    const checker = createTxSignatureChecker({
      tx,
      inputIndex: 0,
      amount: 1000n,
      spentOutputs: spent,
      backend,
    });
    return {
      spk,
      control,
      witness,
      checker,
      run: (w = witness, f = flags) => {
        const r = verifyScript(new Uint8Array(0), spk, w, f, checker);
        return r.ok ? 'OK' : r.error;
      },
    };
  }
  test('OP_SUCCESS, upgradable leaf versions and control blocks', () => {
    assert.equal(spend(h('50'), []).run(), 'OK');
    assert.equal(
      spend(h('50'), []).run(undefined, FLAGS | ScriptFlags.DISCOURAGE_OP_SUCCESS),
      'DISCOURAGE_OP_SUCCESS',
    );
    // OP_SUCCESS wins even after an unexecuted RETURN, but a bad push still fails first.
    assert.equal(spend(h('006a6850'), []).run(), 'OK');
    assert.equal(spend(h('504c'), []).run(), 'OK'); // scanning stops at the OP_SUCCESS
    assert.equal(spend(h('4c50'), []).run(), 'BAD_OPCODE');
    const unknownLeaf = spend(h('00'), [], FLAGS, 0xc2);
    assert.equal(unknownLeaf.run(), 'OK');
    assert.equal(
      unknownLeaf.run(undefined, FLAGS | ScriptFlags.DISCOURAGE_UPGRADABLE_TAPROOT_VERSION),
      'DISCOURAGE_UPGRADABLE_TAPROOT_VERSION',
    );
    const s = spend(h('51'), []);
    assert.equal(s.run(), 'OK');
    assert.equal(s.run([h('51'), concatBytes(s.control, h('00'))]), 'TAPROOT_WRONG_CONTROL_SIZE');
    const flipped = s.control.slice();
    flipped[0]! ^= 1;
    assert.equal(s.run([h('51'), flipped]), 'WITNESS_PROGRAM_MISMATCH');
    assert.equal(s.run([h('52'), s.control]), 'WITNESS_PROGRAM_MISMATCH');
    // Without TAPROOT the v1 program is anyone-can-spend.
    assert.equal(s.run([h('00'), flipped], parseScriptFlags('P2SH,WITNESS')), 'OK');
  });
  test('tapscript rules', () => {
    assert.equal(spend(asm('IF 1 ELSE 1 ENDIF'), [h('02')]).run(), 'TAPSCRIPT_MINIMALIF');
    assert.equal(spend(asm('IF 1 ELSE 1 ENDIF'), [h('01')]).run(), 'OK');
    assert.equal(
      spend(asm('0 0 CHECKMULTISIG'), [new Uint8Array(0)]).run(),
      'TAPSCRIPT_CHECKMULTISIG',
    );
    // Empty signature: CHECKSIGADD adds 0, no validation weight used.
    assert.equal(
      spend(asm(`0 0x20 0x${'11'.repeat(32)} CHECKSIGADD 0 EQUAL`), [new Uint8Array(0)]).run(),
      'OK',
    );
    assert.equal(spend(asm('0 CHECKSIG'), [h('01')]).run(), 'TAPSCRIPT_EMPTY_PUBKEY');
    // Unknown (non-32-byte) key type: any non-empty signature succeeds unless discouraged.
    const unk = spend(asm('0x01 0x02 CHECKSIG'), [h('01')]);
    assert.equal(unk.run(), 'OK');
    assert.equal(
      unk.run(undefined, FLAGS | ScriptFlags.DISCOURAGE_UPGRADABLE_PUBKEYTYPE),
      'DISCOURAGE_UPGRADABLE_PUBKEYTYPE',
    );
    // A 64-byte signature that does not verify fails the whole script.
    assert.equal(
      spend(asm(`0x20 0x${'11'.repeat(32)} CHECKSIG`), [new Uint8Array(64).fill(1)]).run(),
      'SCHNORR_SIG',
    );
    assert.equal(
      spend(asm(`0x20 0x${'11'.repeat(32)} CHECKSIG`), [new Uint8Array(63).fill(1)]).run(),
      'SCHNORR_SIG_SIZE',
    );
    assert.equal(
      spend(asm(`0x20 0x${'11'.repeat(32)} CHECKSIG`), [
        concatBytes(new Uint8Array(64).fill(1), h('00')),
      ]).run(),
      'SCHNORR_SIG_HASHTYPE',
    );
    // Validation weight: 2 unknown-type checks in a tiny witness exceed the budget (50 + size).
    const heavy = spend(
      asm('0x01 0x02 CHECKSIGVERIFY 0x01 0x02 CHECKSIGVERIFY 0x01 0x02 CHECKSIG'),
      [h('01'), h('01'), h('01')],
    );
    assert.equal(heavy.run(), 'TAPSCRIPT_VALIDATION_WEIGHT');
  });
});

describe('signature cache', () => {
  test('a verified signature is not verified again', async () => {
    let calls = 0;
    const counting: Secp256k1Backend = {
      ...backend,
      schnorrVerify: (s, m, p) => {
        calls++;
        return backend.schnorrVerify(s, m, p);
      },
    };
    const sk = new Uint8Array(32).fill(3);
    const pub = backend.xOnlyPublicKey(sk);
    const tx = spendTx();
    const spent = [{ value: 5n, scriptPubKey: concatBytes(h('5120'), pub) }];
    const txData = precomputeTxData(tx, spent);
    const cache = createMemorySignatureCache(10);
    const mk = () =>
      createTxSignatureChecker({
        tx,
        inputIndex: 0,
        amount: 5n,
        spentOutputs: spent,
        txData,
        backend: counting,
        cache,
      });
    const { taprootSighash } = await import('../../src/script/sighash.ts');
    const sig = backend.schnorrSign(taprootSighash(txData, 0, 0)!, sk);
    for (let i = 0; i < 3; i++) {
      const r = verifyScript(new Uint8Array(0), spent[0]!.scriptPubKey, [sig], FLAGS_ALL, mk());
      assert.equal(r.ok, true);
    }
    assert.equal(calls, 1);
    const bad = sig.slice();
    bad[5]! ^= 1;
    const r = verifyScript(new Uint8Array(0), spent[0]!.scriptPubKey, [bad], FLAGS_ALL, mk());
    assert.deepEqual(r, { ok: false, error: 'SCHNORR_SIG' });
  });
});
const FLAGS_ALL = parseScriptFlags('P2SH,WITNESS,TAPROOT');
