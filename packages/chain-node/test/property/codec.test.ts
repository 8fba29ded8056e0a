import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeConsensusMessage,
  decodeHello,
  decodePayload,
  encodeConsensusMessage,
} from '@keel/chain-node';
import type { ConsensusMessage } from '@keel/consensus';
import { decodeTx } from '@keel/ledger';
import { isKeelError } from '@keel/util';
import fc from 'fast-check';
import { transfer } from '../helpers.ts';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const view = fc.integer({ min: 0, max: 2 ** 40 });
const qc = fc.record({
  view,
  blockHash: bytes(32),
  signers: fc.uint8Array({ maxLength: 8 }),
  signature: fc.uint8Array({ maxLength: 96 }),
});
const tc = fc.record({
  view,
  signers: fc.uint8Array({ maxLength: 8 }),
  highQCViews: fc.array(view, { maxLength: 8 }),
  signature: fc.uint8Array({ maxLength: 96 }),
});
const block = fc.record({
  parentHash: bytes(32),
  height: view,
  view,
  proposer: fc.integer({ min: 0, max: 1000 }),
  payload: fc.uint8Array({ maxLength: 300 }),
  qc,
  leaderProof: fc.uint8Array({ maxLength: 80 }),
  seed: bytes(32),
});
const message: fc.Arbitrary<ConsensusMessage> = fc.oneof(
  fc.record({
    type: fc.constant('proposal' as const),
    genesisHash: bytes(32),
    block,
    tc: fc.option(tc, { nil: null }),
    signature: fc.uint8Array({ maxLength: 96 }),
  }),
  fc.record({
    type: fc.constant('vote' as const),
    genesisHash: bytes(32),
    view,
    blockHash: bytes(32),
    voter: fc.integer({ min: 0, max: 1000 }),
    signature: fc.uint8Array({ maxLength: 96 }),
  }),
  fc.record({
    type: fc.constant('timeout' as const),
    genesisHash: bytes(32),
    view,
    sender: fc.integer({ min: 0, max: 1000 }),
    highQC: qc,
    lastTC: fc.option(tc, { nil: null }),
    signature: fc.uint8Array({ maxLength: 96 }),
  }),
  fc.record({
    type: fc.constant('blockRequest' as const),
    genesisHash: bytes(32),
    hash: bytes(32),
    count: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  }),
  fc.record({
    type: fc.constant('blockResponse' as const),
    genesisHash: bytes(32),
    blocks: fc.array(block, { maxLength: 3 }),
  }),
);

/** Decoding either succeeds or throws a KeelError (never a crash of another kind). */
function safely(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    assert.ok(isKeelError(e), `non-Keel error: ${String(e)}`);
  }
}

describe('wire codecs', () => {
  it('round-trip every consensus message', () => {
    fc.assert(
      fc.property(message, (m) => {
        const enc = encodeConsensusMessage(m);
        const back = decodeConsensusMessage(enc);
        assert.equal(back.type, m.type);
        assert.deepEqual(encodeConsensusMessage(back), enc);
      }),
      { numRuns: 300 },
    );
  });

  it('never crash on random or mutated input', () => {
    const valid = [
      transfer(1, 2, 0n),
      encodeConsensusMessage({
        type: 'vote',
        genesisHash: new Uint8Array(32),
        view: 3,
        blockHash: new Uint8Array(32),
        voter: 1,
        signature: new Uint8Array(96),
      }),
    ];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }),
          fc.tuple(fc.constantFrom(...valid), fc.nat(), fc.nat(255)).map(([v, i, x]) => {
            const c = v.slice();
            c[i % c.length] = x;
            return c;
          }),
          fc
            .tuple(fc.constantFrom(...valid), fc.nat())
            .map(([v, n]) => v.subarray(0, n % v.length)),
        ),
        (b) => {
          safely(() => decodeConsensusMessage(b));
          safely(() => decodeTx(b));
          safely(() => decodeHello(b));
          safely(() => decodePayload(b, 100));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses lengths beyond the limits before allocating', () => {
    // A block response claiming 2^32 blocks, and a proposal whose payload claims 4 GiB.
    const resp = new Uint8Array([5, ...new Uint8Array(32), 0xfe, 0xff, 0xff, 0xff, 0xff]);
    assert.throws(() => decodeConsensusMessage(resp), /block count|exceeds|limit/i);
    const big = new Uint8Array([
      1,
      ...new Uint8Array(32),
      ...new Uint8Array(32),
      ...new Uint8Array(8),
      1,
      ...new Uint8Array(7),
      1,
      ...new Uint8Array(7),
      0,
      0,
      0,
      0,
      0xfe,
      0xff,
      0xff,
      0xff,
      0xff,
    ]);
    assert.throws(() => decodeConsensusMessage(big), /payload|limit|exceeds/i);
  });
});
