import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBlock, encodeTransaction, type Transaction, txid } from '@keel/bitcoin/primitives';
import type { NewTemplate, SetNewPrevHash } from '@keel/stratum';
import { RegtestTemplateSource } from '../../src/template/regtest.ts';
import { hashValue, OP_TRUE_P2WSH, revalidateChain, sha256d } from '../support/fixtures.ts';

// The test builds coinbases and headers itself from the template fields (no stratum code), so
// the source is checked against an independent reading of the TemplateProvider contract.
function readOutputs(t: NewTemplate): Transaction['outputs'] {
  return t.coinbaseTxOutputs.map((o) => {
    const v = new DataView(o.buffer, o.byteOffset, o.length);
    const value = v.getBigUint64(0, true);
    const len = o[8]!;
    return { value, scriptPubKey: o.slice(9, 9 + len) };
  });
}

function coinbase(t: NewTemplate, pay: bigint, extranonce: number): Transaction {
  const outputs = readOutputs(t);
  const en = new Uint8Array(8);
  new DataView(en.buffer).setUint32(0, extranonce);
  const witness = outputs.some((o) => o.scriptPubKey[0] === 0x6a && o.scriptPubKey[2] === 0xaa)
    ? [new Uint8Array(32)]
    : [];
  return {
    version: t.coinbaseTxVersion,
    inputs: [
      {
        prevout: { txid: new Uint8Array(32), vout: 0xffffffff },
        scriptSig: new Uint8Array([...t.coinbasePrefix, ...en]),
        sequence: t.coinbaseTxInputSequence,
        witness,
      },
    ],
    outputs: [{ value: pay, scriptPubKey: OP_TRUE_P2WSH }, ...outputs],
    locktime: t.coinbaseTxLocktime,
  };
}

function solve(t: NewTemplate, p: SetNewPrevHash, cb: Transaction, wantValid = true): number {
  let root = txid(cb);
  for (const s of t.merklePath) root = sha256d(new Uint8Array([...root, ...s]));
  const target = hashValue(p.target);
  const h = new Uint8Array(80);
  const v = new DataView(h.buffer);
  v.setUint32(0, t.version, true);
  h.set(p.prevHash, 4);
  h.set(root, 36);
  v.setUint32(68, p.headerTimestamp, true);
  v.setUint32(72, p.nBits, true);
  for (let n = 0; ; n++) {
    v.setUint32(76, n, true);
    if (hashValue(sha256d(h)) <= target === wantValid) return n;
  }
}

test(
  'regtest source: 101 blocks, then a segwit spend with a witness commitment; every block re-validates',
  { timeout: 60_000 },
  async () => {
    const src = new RegtestTemplateSource();
    let t: NewTemplate | undefined;
    let p: SetNewPrevHash | undefined;
    src.subscribe({ onNewTemplate: (x) => (t = x), onSetNewPrevHash: (x) => (p = x) }, 64);
    assert.equal(t!.futureTemplate, true);
    assert.equal(p!.templateId, t!.templateId);
    const firstCoinbases: Transaction[] = [];
    for (let h = 1; h <= 101; h++) {
      const tt = t!;
      const pp = p!;
      assert.equal(tt.coinbaseTxValueRemaining, 50n * 100_000_000n);
      const cb = coinbase(tt, tt.coinbaseTxValueRemaining, h);
      const r = await src.submitSolution({
        templateId: tt.templateId,
        version: tt.version,
        headerTimestamp: pp.headerTimestamp,
        headerNonce: solve(tt, pp, cb),
        coinbaseTx: encodeTransaction(cb),
      });
      assert.equal(r.accepted, true, JSON.stringify(r));
      firstCoinbases.push(cb);
    }
    assert.equal(src.tip.height, 101);

    // Spend block 1's P2WSH(OP_TRUE) output: witness = [script OP_TRUE]; fee 10 000 sat.
    const spend: Transaction = {
      version: 2,
      inputs: [
        {
          prevout: { txid: txid(firstCoinbases[0]!), vout: 0 },
          scriptSig: new Uint8Array(0),
          sequence: 0xfffffffe,
          witness: [Uint8Array.of(0x51)],
        },
      ],
      outputs: [{ value: 50n * 100_000_000n - 10_000n, scriptPubKey: OP_TRUE_P2WSH }],
      locktime: 0,
    };
    src.addTransaction(spend);
    const tt = t!;
    assert.equal(tt.futureTemplate, false);
    assert.equal(tt.coinbaseTxValueRemaining, 50n * 100_000_000n + 10_000n, 'subsidy + fee');
    assert.deepEqual(tt.merklePath, [txid(spend)]);
    const [commit] = readOutputs(tt);
    // BIP141: SHA256d(witness root over [0, wtxid(spend)] ‖ 32 zero bytes)
    const wtxid = sha256d(encodeTransaction(spend));
    const wroot = sha256d(new Uint8Array([...new Uint8Array(32), ...wtxid]));
    const expected = sha256d(new Uint8Array([...wroot, ...new Uint8Array(32)]));
    assert.deepEqual(
      commit!.scriptPubKey,
      new Uint8Array([0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed, ...expected]),
    );
    const pp = p!;
    const cb = coinbase(tt, tt.coinbaseTxValueRemaining, 999);

    // Negative cases first (each leaves the chain alone).
    const base = {
      templateId: tt.templateId,
      version: tt.version,
      headerTimestamp: pp.headerTimestamp,
      coinbaseTx: encodeTransaction(cb),
    };
    assert.deepEqual(await src.submitSolution({ ...base, headerNonce: solve(tt, pp, cb, false) }), {
      accepted: false,
      reason: 'high-hash',
    });
    const greedy = coinbase(tt, tt.coinbaseTxValueRemaining + 1n, 999);
    assert.deepEqual(
      await src.submitSolution({
        ...base,
        coinbaseTx: encodeTransaction(greedy),
        headerNonce: solve(tt, pp, greedy),
      }),
      { accepted: false, reason: 'bad-cb-amount' },
    );
    assert.deepEqual(await src.submitSolution({ ...base, templateId: 999_999n, headerNonce: 0 }), {
      accepted: false,
      reason: 'unknown-template',
    });
    assert.equal(src.tip.height, 101);
    assert.throws(() => src.addTransaction(spend), { code: 'ERR_STRATUM_NODE_TEMPLATE' });

    const ok = await src.submitSolution({ ...base, headerNonce: solve(tt, pp, cb) });
    assert.equal(ok.accepted, true, JSON.stringify(ok));
    const last = decodeBlock(src.chain[102]!.block);
    assert.equal(last.txs.length, 2);
    assert.deepEqual(revalidateChain(src.chain.map((b) => b.block)), { ok: true });
    // The block-1 template is now stale.
    assert.deepEqual(await src.submitSolution({ ...base, headerNonce: 0 }), {
      accepted: false,
      reason: 'stale-template',
    });
  },
);
