import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesToHex, hexToBytes } from '@keel/util';
import { concat, encodeAbiParameters, keccak256, toHex } from 'viem';
import {
  aliasAddress,
  DEPOSIT_TOPIC,
  depositFromLog,
  outputRoot,
  RollupErrorCode,
  rootFromProof,
  verifyWithdrawalProof,
  type WithdrawalMessage,
  withdrawalHash,
  withdrawalProof,
  withdrawalRoot,
} from '../../src/index.ts';

const w = (i: number): WithdrawalMessage => ({
  nonce: BigInt(i),
  sender: new Uint8Array(20).fill(i + 1),
  target: new Uint8Array(20).fill(0xa0 + i),
  value: 10n ** 18n + BigInt(i),
  data: new Uint8Array(i * 7).fill(0x5c),
});

/** The full 2^16-leaf tree, built naively with viem's keccak (independent of the code). */
function naiveRoot(leaves: Uint8Array[]): string {
  let level: `0x${string}`[] = [];
  for (let i = 0; i < 65536; i++)
    level.push(leaves[i] ? toHex(leaves[i]!) : toHex(new Uint8Array(32)));
  while (level.length > 1) {
    const next: `0x${string}`[] = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(keccak256(concat([level[i]!, level[i + 1]!])));
    level = next;
  }
  return level[0]!;
}

describe('withdrawal tree', () => {
  it('a withdrawal hash is keccak256(abi.encode(nonce, sender, target, value, data))', () => {
    for (const i of [0, 1, 5]) {
      const m = w(i);
      const enc = encodeAbiParameters(
        [
          { type: 'uint256' },
          { type: 'address' },
          { type: 'address' },
          { type: 'uint256' },
          { type: 'bytes' },
        ],
        [m.nonce, toHex(m.sender), toHex(m.target), m.value, toHex(m.data)],
      );
      assert.equal(toHex(withdrawalHash(m)), keccak256(enc));
    }
  });

  it('roots match a naive full depth-16 tree; proofs verify; tampering fails', () => {
    const leaves = [0, 1, 2, 3, 4].map((i) => withdrawalHash(w(i)));
    assert.equal(toHex(withdrawalRoot(leaves)), naiveRoot(leaves));
    assert.equal(toHex(withdrawalRoot([])), naiveRoot([]));
    const root = withdrawalRoot(leaves);
    const stateRoot = new Uint8Array(32).fill(1);
    const blockHash = new Uint8Array(32).fill(2);
    const out = outputRoot(stateRoot, root, blockHash);
    assert.equal(
      toHex(out),
      keccak256(
        encodeAbiParameters(
          [{ type: 'bytes32' }, { type: 'bytes32' }, { type: 'bytes32' }],
          [toHex(stateRoot), toHex(root), toHex(blockHash)],
        ),
      ),
    );
    for (let i = 0; i < leaves.length; i++) {
      const siblings = withdrawalProof(leaves, i);
      assert.deepEqual(rootFromProof(leaves[i]!, i, siblings), root);
      verifyWithdrawalProof({
        outputRoot: out,
        stateRoot,
        l2BlockHash: blockHash,
        withdrawal: w(i),
        index: i,
        siblings,
      });
    }
    const siblings = withdrawalProof(leaves, 2);
    const bad = (patch: Partial<Parameters<typeof verifyWithdrawalProof>[0]>) =>
      assert.throws(
        () =>
          verifyWithdrawalProof({
            outputRoot: out,
            stateRoot,
            l2BlockHash: blockHash,
            withdrawal: w(2),
            index: 2,
            siblings,
            ...patch,
          }),
        { code: RollupErrorCode.INVALID_PROOF },
      );
    bad({ index: 3 });
    bad({ withdrawal: { ...w(2), value: w(2).value + 1n } });
    bad({ withdrawal: w(1) });
    bad({ siblings: siblings.slice(1) });
    bad({ siblings: siblings.map((s, i) => (i === 4 ? new Uint8Array(32).fill(9) : s)) });
    bad({ stateRoot: blockHash });
    bad({ index: 65536 });
    assert.throws(() => withdrawalProof(leaves, 5), { code: RollupErrorCode.INVALID_INPUT });
  });
});

describe('deposits', () => {
  it('aliases like OP (from + 0x1111…1111 mod 2^160)', () => {
    assert.equal(
      bytesToHex(aliasAddress(new Uint8Array(20))),
      '1111000000000000000000000000000000001111',
    );
    assert.equal(
      bytesToHex(aliasAddress(new Uint8Array(20).fill(0xff))),
      '1111000000000000000000000000000000001110',
    );
  });

  it('decodes a Deposit log as the Bridge emits it, and refuses malformed ones', () => {
    const from = hexToBytes('00000000000000000000000000000000000000aa');
    const topics = [
      DEPOSIT_TOPIC,
      hexToBytes(encodeAbiParameters([{ type: 'uint256' }], [7n]).slice(2)),
      hexToBytes(encodeAbiParameters([{ type: 'address' }], [toHex(from)]).slice(2)),
    ];
    const data = hexToBytes(
      encodeAbiParameters(
        [{ type: 'address' }, { type: 'uint256' }, { type: 'bytes' }],
        ['0x00000000000000000000000000000000000000bb', 5n, '0x010203'],
      ).slice(2),
    );
    const d = depositFromLog(topics, data, 9n);
    assert.equal(d.nonce, 7n);
    assert.equal(d.value, 5n);
    assert.deepEqual([...d.data], [1, 2, 3]);
    assert.equal(bytesToHex(d.to), '00000000000000000000000000000000000000bb');
    assert.throws(() => depositFromLog(topics.slice(0, 2), data, 9n), {
      code: RollupErrorCode.INVALID_LOG,
    });
    assert.throws(() => depositFromLog(topics, data.subarray(0, 100), 9n), {
      code: RollupErrorCode.INVALID_LOG,
    });
    const badPad = data.slice();
    badPad[badPad.length - 1] = 1;
    assert.throws(() => depositFromLog(topics, badPad, 9n), /padding/);
    const badAddr = data.slice();
    badAddr[0] = 1;
    assert.throws(() => depositFromLog(topics, badAddr, 9n), /high bytes/);
  });
});
