import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeTx, TransferState, verifyAccountProof } from '@keel/chain-node';
import { sha256 } from '@keel/crypto';
import { BufferWriter, bytesToHex, hexToBytes } from '@keel/util';
import { account, transfer } from '../helpers.ts';

const leaf = (addr: string, bal: bigint, nonce: bigint) =>
  sha256(new BufferWriter(48).u8(0).bytes(hexToBytes(addr)).u64le(bal).u64le(nonce).finish());
const node = (l: Uint8Array, r: Uint8Array) => sha256(new Uint8Array([1, ...l, ...r]));

describe('transfer state', () => {
  it('computes the documented Merkle root (independent recomputation)', () => {
    const addrs = [1, 2, 3].map((i) => account(i).address).sort();
    const s = new TransferState(addrs.map((a, i) => [a, { balance: BigInt(10 + i), nonce: 0n }]));
    const l = addrs.map((a, i) => leaf(a, BigInt(10 + i), 0n));
    const expected = node(node(l[0]!, l[1]!), l[2]!);
    assert.equal(bytesToHex(s.stateRoot()), bytesToHex(expected));
    assert.equal(bytesToHex(new TransferState().stateRoot()), '00'.repeat(32));
    for (const [i, a] of addrs.entries()) {
      const proof = s.proof(a)!;
      assert.ok(
        verifyAccountProof(s.stateRoot(), a, { balance: BigInt(10 + i), nonce: 0n }, proof),
      );
      assert.ok(!verifyAccountProof(s.stateRoot(), a, { balance: 999n, nonce: 0n }, proof));
    }
    assert.equal(s.proof('00'.repeat(20)), null);
  });

  it('applies transfers, fails bad nonces and overdrafts without changing state', () => {
    const a = account(1).address;
    const b = account(2).address;
    const s = new TransferState([[a, { balance: 10n, nonce: 0n }]]);
    const txs = [
      transfer(1, 2, 0n, 1n, 4n), // ok: a 10 → 5, b 4
      transfer(1, 2, 0n, 1n, 1n), // nonce reused
      transfer(1, 2, 1n, 1n, 5n), // 5 + 1 > 5: overdraft
      transfer(1, 2, 1n, 1n, 3n), // ok: a 5 → 1
    ].map(decodeTx);
    const r = s.applyBlock(1, txs);
    assert.deepEqual(
      r.receipts.map((x) => x.status),
      ['ok', 'failed', 'failed', 'ok'],
    );
    assert.match(r.receipts[1]!.error!, /nonce 0, expected 1/);
    assert.match(r.receipts[2]!.error!, /balance/);
    assert.deepEqual(s.account(a), { balance: 1n, nonce: 2n });
    assert.deepEqual(s.account(b), { balance: 7n, nonce: 0n });
  });

  it('gives the same root for the same block from the same state', () => {
    const a = account(1).address;
    const mk = () => new TransferState([[a, { balance: 100n, nonce: 0n }]]);
    const txs = [0n, 1n, 2n].map((n) => decodeTx(transfer(1, 2 + Number(n), n)));
    assert.equal(
      bytesToHex(mk().applyBlock(1, txs).stateRoot),
      bytesToHex(mk().applyBlock(1, txs).stateRoot),
    );
  });
});
