import assert from 'node:assert/strict';
import { test } from 'node:test';
import { regtestAddressParams } from '@keel/bitcoin';
import { hexToBytes } from '@keel/util';
import { RpcError } from '../../src/rpc/errors.ts';
import {
  descriptorChecksum,
  difficulty,
  inferDescriptor,
  scriptAsm,
  scriptType,
  targetHex,
} from '../../src/rpc/format.ts';
import {
  amountFromValue,
  bindParams,
  btc,
  type MethodSpec,
  parseHash,
  writeJson,
} from '../../src/rpc/params.ts';

test('BIP380 descriptor checksums (the BIP examples)', () => {
  assert.equal(descriptorChecksum('raw(deadbeef)'), '89f8spxm');
  assert.equal(
    descriptorChecksum(
      "sh(multi(2,[00000000/111'/222]xprvA1RpRA33e1JQ7ifknakTFpgNXPmW2YvmhqLQYMmrj4xJXXWYpDPS3xz7iAxn8L39njGVyuoseXzU6rcxFLJ8HFsTjSyQbLYnMpCqE2VbFWc,xprv9uPDJpEQgRQfDcW7BkF7eTya6RPxXeJCqCJGHuCJ4GiRVLzkTXBAJMu2qaMWPrS7AANYqdq6vcBcBUdJCVVFceUvJFjaPdGZ2y9WACViL4L/0))",
    ),
    'ggrsrxfy',
  );
});

test("Core's asm: small pushes as numbers, opcodes by name, [ALL] on DER signatures in scriptSigs", () => {
  const p2pkh = hexToBytes('76a914000102030405060708090a0b0c0d0e0f1011121388ac');
  assert.equal(
    scriptAsm(p2pkh),
    'OP_DUP OP_HASH160 000102030405060708090a0b0c0d0e0f10111213 OP_EQUALVERIFY OP_CHECKSIG',
  );
  assert.equal(scriptAsm(hexToBytes('5152009302e803')), '1 2 0 OP_ADD 1000');
  assert.equal(scriptAsm(hexToBytes('0181')), '-1');
  // a DER signature with SIGHASH_ALL, then a 33-byte key
  const sig = `30440220${'11'.repeat(32)}0220${'22'.repeat(32)}01`;
  const key = `02${'11'.repeat(32)}`;
  const scriptSig = hexToBytes(`47${sig}21${key}`);
  assert.equal(scriptAsm(scriptSig, true), `${sig.slice(0, -2)}[ALL] ${key}`);
  assert.equal(scriptAsm(scriptSig, false), `${sig} ${key}`);
  // not strict DER (R with a needless leading zero): left as hex
  const loose = `30440220${'00'}${'11'.repeat(31)}0220${'22'.repeat(32)}01`;
  assert.equal(scriptAsm(hexToBytes(`47${loose}`), true), loose);
  assert.equal(scriptAsm(hexToBytes('4c05aabb')), '[error]');
});

test('script types, descriptors and addresses as Core names them', () => {
  const wpkh = hexToBytes(`0014${'ab'.repeat(20)}`);
  assert.equal(scriptType(wpkh), 'witness_v0_keyhash');
  assert.match(
    inferDescriptor(wpkh, regtestAddressParams),
    /^addr\(bcrt1q[02-9ac-hj-np-z]+\)#[a-z0-9]{8}$/,
  );
  const tr = hexToBytes(`5120${'cd'.repeat(32)}`);
  assert.equal(scriptType(tr), 'witness_v1_taproot');
  assert.equal(
    inferDescriptor(tr, regtestAddressParams).split('#')[0],
    `rawtr(${'cd'.repeat(32)})`,
  );
  assert.equal(scriptType(hexToBytes('51024e73')), 'anchor');
  assert.equal(scriptType(hexToBytes('6a0548656c6c6f')), 'nulldata');
  assert.equal(scriptType(hexToBytes(`5121${'02'.padEnd(66, '1')}51ae`)), 'multisig');
  assert.equal(scriptType(hexToBytes('ac')), 'nonstandard');
  assert.equal(
    inferDescriptor(hexToBytes('ac'), regtestAddressParams),
    `raw(ac)#${descriptorChecksum('raw(ac)')}`,
  );
});

test('difficulty and target from bits (Core: regtest 4.656542373906925e-10, mainnet genesis 1)', () => {
  assert.equal(difficulty(0x1d00ffff), 1);
  // Core prints 16 significant digits of the same double
  assert.equal(Number(difficulty(0x207fffff).toPrecision(16)), 4.656542373906925e-10);
  assert.equal(targetHex(0x207fffff), `7fffff${'0'.repeat(58)}`);
  assert.equal(targetHex(0x1d00ffff), `00000000ffff${'0'.repeat(52)}`);
});

const spec: MethodSpec = {
  name: 'm',
  category: 'Blockchain',
  description: 'd',
  args: [
    { name: 'height', type: 'num', description: '' },
    { name: 'verbose', type: 'bool', optional: true, description: '' },
  ],
  result: '',
};

test("params: Core's codes for arity (-1), type (-3) and unknown names (-8)", () => {
  assert.deepEqual(bindParams(spec, [5]), [5]);
  assert.deepEqual(bindParams(spec, { verbose: true, height: 1 }), [1, true]);
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as RpcError).rpcCode;
    }
    return 0;
  };
  assert.equal(
    code(() => bindParams(spec, [])),
    -1,
  );
  assert.equal(
    code(() => bindParams(spec, [1, true, 3])),
    -1,
  );
  assert.equal(
    code(() => bindParams(spec, ['1'])),
    -3,
  );
  assert.equal(
    code(() => bindParams(spec, [1, 'yes'])),
    -3,
  );
  assert.equal(
    code(() => bindParams(spec, { nope: 1 })),
    -8,
  );
  assert.equal(
    code(() => parseHash('zz'.repeat(32), 'h')),
    -8,
  );
});

test('amounts: parsed to satoshis exactly, printed with 8 decimals', () => {
  assert.equal(amountFromValue(0.1), 10_000_000n);
  assert.equal(amountFromValue('21000000'), 2_100_000_000_000_000n);
  assert.throws(() => amountFromValue('-1'), RpcError);
  assert.throws(() => amountFromValue('0.000000001'), RpcError);
  assert.equal(
    writeJson({ a: btc(2000n), b: [btc(5_000_000_000n)], c: null }),
    '{"a":0.00002000,"b":[50.00000000],"c":null}',
  );
});
