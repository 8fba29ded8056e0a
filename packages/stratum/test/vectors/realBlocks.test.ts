// Real mainnet blocks rebuilt through the SV2 job path: the block's own coinbase becomes a
// template (scriptSig split around an "extranonce"), the other txids give the merkle path, and
// the header fields become a share. validateShare must call it a block with the block's real
// hash, and the assembled block must equal the original bytes (pre-segwit and segwit blocks).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { blockHash, decodeBlock, encodeBlockHeader, encodeTransaction, txid } from '@keel/bitcoin';
import { vectorsDirOrSkip } from '@keel/test-utils';
import { bytesToHex } from '@keel/util';
import {
  assembleBlock,
  coinbaseMerklePath,
  createMiningJob,
  encodeCoinbaseOutput,
  MAX_TARGET,
  type NewTemplate,
  nbitsToTarget,
  solutionFromShare,
  validateShare,
} from '../../src/index.ts';

for (const name of [
  'mainnet-277647.raw',
  'mainnet-300025.raw',
  'mainnet-540107.raw',
  'mainnet-574200.raw',
]) {
  test(`${name}: job from its coinbase → share → block hash and byte-identical block`, (t) => {
    const dir = vectorsDirOrSkip();
    if (!dir) return t.skip('vectors folder absent');
    const raw = new Uint8Array(readFileSync(join(dir, 'blocks', name)));
    const block = decodeBlock(raw);
    const cb = block.txs[0]!;
    const sig = cb.inputs[0]!.scriptSig;
    const k = Math.min(8, sig.length - 2); // extranonce bytes taken from the end of the scriptSig
    const template: NewTemplate = {
      templateId: 77n,
      futureTemplate: false,
      version: block.header.version,
      coinbaseTxVersion: cb.version,
      coinbasePrefix: sig.subarray(0, sig.length - k),
      coinbaseTxInputSequence: cb.inputs[0]!.sequence,
      coinbaseTxValueRemaining: 0n,
      coinbaseTxOutputs: cb.outputs.map(encodeCoinbaseOutput),
      coinbaseTxLocktime: cb.locktime,
      merklePath: coinbaseMerklePath(block.txs.slice(1).map(txid)),
    };
    const job = createMiningJob({ jobId: 1, template, poolOutputs: [], extranonceLength: k });
    assert.equal(job.witness, cb.inputs[0]!.witness.length > 0);
    const extranonce = sig.subarray(sig.length - k);
    const prefixLen = Math.floor(k / 2);
    const share = {
      jobId: 1,
      nonce: block.header.nonce,
      ntime: block.header.time,
      version: block.header.version,
      extranonce: extranonce.subarray(prefixLen),
    };
    const v = validateShare({
      job,
      prevHash: {
        prevHash: block.header.prevBlock,
        nbits: block.header.bits,
        minNtime: block.header.time - 60,
        networkTarget: nbitsToTarget(block.header.bits),
      },
      channel: {
        extranoncePrefix: extranonce.subarray(0, prefixLen),
        extranonceSize: k - prefixLen,
        target: MAX_TARGET,
      },
      share,
      now: block.header.time,
    });
    assert.ok(v.ok, v.ok ? '' : v.reason);
    assert.equal(v.class, 'block');
    assert.equal(bytesToHex(v.hash), bytesToHex(blockHash(block.header)));
    assert.equal(bytesToHex(v.header), bytesToHex(encodeBlockHeader(block.header)));
    const sol = solutionFromShare(job, share, extranonce.subarray(0, prefixLen));
    const rebuilt = assembleBlock(
      v.header,
      sol.coinbaseTx,
      block.txs.slice(1).map((tx) => encodeTransaction(tx, true)),
    );
    assert.equal(rebuilt.length, raw.length);
    assert.ok(
      Buffer.from(rebuilt).equals(Buffer.from(raw)),
      'assembled block differs from the original',
    );
    // One nonce off: the hash no longer meets even the network target of the real block.
    const off = validateShare({
      job,
      prevHash: {
        prevHash: block.header.prevBlock,
        nbits: block.header.bits,
        minNtime: 0,
        networkTarget: nbitsToTarget(block.header.bits),
      },
      channel: {
        extranoncePrefix: extranonce.subarray(0, prefixLen),
        extranonceSize: k - prefixLen,
        target: nbitsToTarget(block.header.bits),
      },
      share: { ...share, nonce: (share.nonce + 1) >>> 0 },
      now: block.header.time,
    });
    assert.equal(off.ok, false);
    assert.equal(!off.ok && off.error, 'difficulty-too-low');
  });
}
