import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bytesToHex, hexToBytes } from '@keel/util';
import {
  castToBool,
  decodeScript,
  decodeScriptNum,
  encodeScript,
  encodeScriptNum,
  isMinimalPush,
  isP2SH,
  isPushOnly,
  Opcode,
  opcodeFromName,
  opcodeName,
  parseScript,
  parseScriptAsm,
  ScriptError,
  scriptToAsm,
  witnessProgram,
} from '../../src/script/index.ts';

const h = hexToBytes;

describe('opcodes', () => {
  test('names round trip and aliases resolve', () => {
    assert.equal(opcodeName(0xac), 'OP_CHECKSIG');
    assert.equal(opcodeName(0x00), '0');
    assert.equal(opcodeName(0x4f), '-1');
    assert.equal(opcodeName(0x60), '16');
    assert.equal(opcodeName(0xb1), 'OP_CHECKLOCKTIMEVERIFY');
    assert.equal(opcodeName(0xbb), 'OP_UNKNOWN');
    assert.equal(opcodeFromName('NOP2'), 0xb1);
    assert.equal(opcodeFromName('OP_CHECKSIGADD'), 0xba);
    assert.equal(opcodeFromName('FOO'), undefined);
    assert.equal(opcodeFromName('toString'), undefined);
  });
});

describe('parser', () => {
  test('reads every push form and keeps positions', () => {
    const s = h('000201ff4c01074d02001122' + '4e01000000aaac');
    const ops = decodeScript(s);
    assert.deepEqual(
      ops.map((o) => [o.opcode, o.data && bytesToHex(o.data), o.pos]),
      [
        [0, '', 0],
        [2, '01ff', 1],
        [0x4c, '07', 4],
        [0x4d, '1122', 7],
        [0x4e, 'aa', 12],
        [0xac, undefined, 18],
      ],
    );
    assert.equal(bytesToHex(encodeScript(ops)), bytesToHex(s));
  });

  test('truncated pushes stop parsing', () => {
    for (const bad of ['01', '4c', '4c02ff', '4d01', '4e0100', '4e01000000']) {
      const r = parseScript(h(`51${bad}`));
      assert.equal(r.ok, false, bad);
      assert.equal(r.ops.length, 1);
      assert.throws(() => decodeScript(h(bad)));
    }
  });

  test('minimal pushes and templates', () => {
    assert.equal(
      bytesToHex(encodeScript([new Uint8Array(0), h('05'), h('81'), h('1122')])),
      '00554f021122',
    );
    assert.equal(isMinimalPush(h('05'), 1), false);
    assert.equal(isMinimalPush(h('05'), Opcode.OP_5), true);
    assert.equal(isMinimalPush(new Uint8Array(76), Opcode.OP_PUSHDATA1), true);
    assert.equal(isMinimalPush(new Uint8Array(75), Opcode.OP_PUSHDATA1), false);
    assert.equal(isPushOnly(h('0051504f')), true);
    assert.equal(isPushOnly(h('0061')), false);
    assert.equal(isPushOnly(h('4c')), false);
    assert.equal(isP2SH(h(`a914${'11'.repeat(20)}87`)), true);
    assert.deepEqual(witnessProgram(h(`0014${'11'.repeat(20)}`))?.version, 0);
    assert.deepEqual(witnessProgram(h(`5120${'11'.repeat(32)}`))?.version, 1);
    assert.equal(witnessProgram(h(`6001${'11'}`)), null);
    assert.equal(witnessProgram(h(`0015${'11'.repeat(20)}`)), null);
    assert.equal(witnessProgram(h(`4f02${'1111'}`)), null);
  });
});

describe('ASM', () => {
  test('Core vector notation', () => {
    assert.equal(
      bytesToHex(parseScriptAsm('0 1 16 -1 17 1000 -1000')),
      '0051604f0111' + '02e803' + '02e883',
    );
    assert.equal(bytesToHex(parseScriptAsm("0x4c 0x01 0x07 'Az' ''")), '4c0107' + '02417a' + '00');
    assert.equal(bytesToHex(parseScriptAsm('DUP OP_HASH160 NOP2 CHECKSIGADD')), '76a9b1ba');
    assert.equal(bytesToHex(parseScriptAsm('  4294967295  ')), '05ffffffff00');
    assert.throws(() => parseScriptAsm('4294967296'));
    assert.throws(() => parseScriptAsm('NOTANOPCODE'));
    assert.throws(() => parseScriptAsm('0xz1'));
    assert.equal(scriptToAsm(h('0051027f0076a94c')), '0 1 7f00 OP_DUP OP_HASH160 [error]');
  });
});

describe('CScriptNum', () => {
  test('encodes minimally', () => {
    const cases: [number, string][] = [
      [0, ''],
      [1, '01'],
      [-1, '81'],
      [127, '7f'],
      [128, '8000'],
      [-128, '8080'],
      [255, 'ff00'],
      [256, '0001'],
      [-255, 'ff80'],
      [2 ** 31 - 1, 'ffffff7f'],
      [-(2 ** 31 - 1), 'ffffffff'],
      [2 ** 31, '0000008000'],
      [2 ** 39 - 1, 'ffffffff7f'],
    ];
    for (const [n, hex] of cases) {
      assert.equal(bytesToHex(encodeScriptNum(n)), hex, String(n));
      assert.equal(decodeScriptNum(h(hex), true, 5), n, hex);
    }
  });

  test('rejects oversize and non-minimal operands with SCRIPTNUM', () => {
    const err = (f: () => unknown) =>
      assert.throws(f, (e: unknown) => e instanceof ScriptError && e.error === 'SCRIPTNUM');
    err(() => decodeScriptNum(h('0000008000'), false));
    err(() => decodeScriptNum(h('00'), true));
    err(() => decodeScriptNum(h('80'), true));
    err(() => decodeScriptNum(h('0100'), true));
    err(() => decodeScriptNum(h('7f80'), true));
    assert.equal(decodeScriptNum(h('00'), false), 0);
    assert.equal(decodeScriptNum(h('80'), false), 0);
    assert.equal(decodeScriptNum(h('0180'), false), -1);
    assert.equal(decodeScriptNum(h('ff80'), true), -255);
  });

  test('CastToBool treats negative zero as false', () => {
    assert.equal(castToBool(h('')), false);
    assert.equal(castToBool(h('0000')), false);
    assert.equal(castToBool(h('0080')), false);
    assert.equal(castToBool(h('8000')), true);
    assert.equal(castToBool(h('01')), true);
  });
});
