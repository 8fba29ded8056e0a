// The README's BIP152 example, run as written (with a real block for `block`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeBlock, txid, wtxid } from '@keel/bitcoin/primitives';
import { vectorsDirOrSkip } from '@keel/test-utils';
import {
  createCompactBlock,
  decodeBlockTxn,
  decodeCmpctBlock,
  ExtraTxnPool,
  encodeBlockTxn,
  encodeCmpctBlock,
  HighBandwidthPeers,
  isReconstructFailure,
  PartiallyDownloadedBlock,
  serveGetBlockTxn,
} from '../../src/index.ts';

const dir = vectorsDirOrSkip();

test('README: BIP152 compact blocks', { skip: !dir }, () => {
  const block = decodeBlock(readFileSync(join(dir!, 'bip152/testnet3-898352.raw')));
  const nonce = 12345n;
  const cmpct = createCompactBlock(block, nonce, { version: 2, prefill: (_tx, _i) => false });
  const bytes = encodeCmpctBlock(cmpct);
  const entries = block.txs.map((tx) => ({ tx, txid: txid(tx), wtxid: wtxid(tx) }));
  const mempool = { compactTxs: () => entries.slice(0, 6) };
  const extra = new ExtraTxnPool();
  extra.add(block.txs[6]!);
  const part = PartiallyDownloadedBlock.init(decodeCmpctBlock(bytes), {
    mempool,
    extra,
    version: 2,
  });
  assert.ok(!isReconstructFailure(part));
  const req = part.getBlockTxn();
  assert.deepEqual(req?.indexes, [7, 8, 9]);
  const blocktxn = decodeBlockTxn(encodeBlockTxn(serveGetBlockTxn(block, req!)));
  // The block predates segwit: no witness commitment to check.
  const r = part.fill(blocktxn.txs, { segwitActive: false });
  assert.equal(r.status, 'ok');
  const hb = new HighBandwidthPeers();
  assert.deepEqual(hb.onNewBlockFrom('a', false), { promote: 'a' });
});
