import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeTransaction } from '@keel/bitcoin';
import { sha256d } from '@keel/crypto/hashes';
import { bytesToHex, hexToBytes, reverseBytes, SeededRng } from '@keel/util';
import fc from 'fast-check';
import {
  type AuxPow,
  auxPowsForShare,
  buildAuxMerkleTree,
  checkMerkleBranch,
  createAuxPow,
  createMiningJob,
  decodeAuxPow,
  easiestAuxTarget,
  encodeAuxPow,
  encodeCoinbaseOutput,
  expectedIndex,
  joinCoinbase,
  MAX_TARGET,
  type NewTemplate,
  nbitsToTarget,
  validateShare,
  verifyAuxPow,
} from '../../src/index.ts';

const rev = (h: string) => reverseBytes(hexToBytes(h));
const rng = new SeededRng(5);

// Syscoin block 91510 (0cf18712…), merge-mined under Bitcoin block 0000…04bdb8e3, as printed by
// a node's getblock (auxpow fields) in the Blocknet XRouter API documentation. Hashes there are
// in display order.
const SYS = {
  coinbase:
    '01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff5703dd3408142f5669614254432f626d67706f6f6c2e636f6d2f2cfabe6d6d75654ab7a6b163e7a04e56e43f8e7ca0087f11e8bd6c3c72c69732e849532878040000000000000010d51dbb0b9301409ff96ef9f588c50200ffffffff01c051824a000000001976a914f1c075a01882ae0972f95d3a4177c86c852b7d9188ac00000000',
  merkleBranch: [
    'a67d749dfa7006b9d66d2284b20a64ebcb8c2e5aae18e355c790b90a060a30c1',
    '9ab5c057ecf43aa0552c21be4f86b1c9b248fe2dd0821bee38e5a25a22c49c25',
    'ec11fd79e02fe98bf9f4b624e5460a3221dbae27d24f36c9988dcc5beaf3c592',
    'dbc42b7360a7165b277f73094a366e951d3ac6d6a1e9493d838d35372e5e846b',
    'c7260dbfb6b196bd2e4e4dbde1799592627a3e6fa384e6692be8387a9251e5e2',
  ],
  chainMerkleBranch: [
    '89af0bc973bc0308f14c5c50c3d75f68783eab40a4688064cd56cfaed977d138',
    '5360cbf0991b4b0e09d589631c232d1f229104faad9e65375695230c47bc2493',
  ],
  parent:
    '0000002024653d98f3eace4b66b6269fa9205e08b647e23cf7880e0000000000000000003feae4c877b2f8b73f6f92a589ed8870fe98abb3551f1539373597f5b44514ada9993f5bb1830118d5793688',
};

function syscoinHeader(): Uint8Array {
  const h = new Uint8Array(80);
  const v = new DataView(h.buffer);
  v.setInt32(0, 805306624, true);
  h.set(rev('ba53d715abf76ac8adc025120ffb48b2331f3a1b9b7d01167ffd7dcd23934390'), 4);
  h.set(rev('55554df0ea7f66552beffe433d2c2f620bada79063a343ffc23c60c67cdf028f'), 36);
  v.setUint32(68, 1530894673, true);
  v.setUint32(72, 0x180761db, true);
  return h;
}

test('a real merge-mined block (Syscoin 91510 under Bitcoin) verifies; its hashes match the node output', () => {
  const header = syscoinHeader();
  assert.equal(
    bytesToHex(reverseBytes(sha256d(header))),
    '0cf18712db68be85793dc06cd0a4fbc8edb166157e6847bb3c9f55d462b02837',
  );
  const a: AuxPow = {
    coinbaseTx: hexToBytes(SYS.coinbase),
    hashBlock: new Uint8Array(32),
    merkleBranch: SYS.merkleBranch.map(rev),
    index: 0,
    chainMerkleBranch: SYS.chainMerkleBranch.map(rev),
    chainIndex: 2,
    parentHeader: hexToBytes(SYS.parent),
  };
  assert.equal(
    bytesToHex(reverseBytes(sha256d(a.coinbaseTx))),
    'c8fc123672fffb3c6a45b94bdd30afc114f282742338809380bc84fe8666d489',
  );
  assert.equal(
    bytesToHex(reverseBytes(sha256d(a.parentHeader))),
    '000000000000000004bdb8e3fdf28ffc528f4e6b1871a6177579cbd4dabde955',
  );
  const params = {
    auxBlockHash: sha256d(header),
    chainId: 0x1000,
    target: nbitsToTarget(0x180761db),
  };
  assert.deepEqual(verifyAuxPow(a, params), { ok: true });
  assert.deepEqual(decodeAuxPow(encodeAuxPow(a)), a);
  // Any other aux block, a wrong slot or a harder target fails.
  assert.equal(verifyAuxPow(a, { ...params, auxBlockHash: rng.bytes(32) }).ok, false);
  assert.equal(verifyAuxPow({ ...a, chainIndex: 1 }, params).ok, false);
  assert.equal(verifyAuxPow(a, { ...params, target: 1n << 160n }).ok, false);
});

test('expectedIndex equals a BigInt evaluation of the LCG mod 2^32', () => {
  const oracle = (n: number, c: number, h: number) => {
    const M = 1n << 32n;
    let r = (BigInt(n) * 1103515245n + 12345n) % M;
    r = (r + BigInt(c)) % M;
    r = (r * 1103515245n + 12345n) % M;
    return Number(r % (1n << BigInt(h)));
  };
  fc.assert(
    fc.property(fc.nat(0xffffffff), fc.nat(0xffff), fc.integer({ min: 0, max: 30 }), (n, c, h) => {
      assert.equal(expectedIndex(n, c, h), oracle(n, c, h));
    }),
    { numRuns: 2000 },
  );
});

/** Mines a tiny regtest-difficulty parent whose coinbase commits to several aux chains. */
function mergeMined(chainIds: number[]) {
  const chains = chainIds.map((chainId) => ({ chainId, blockHash: rng.bytes(32) }));
  const tree = buildAuxMerkleTree(chains);
  const template: NewTemplate = {
    templateId: 1n,
    futureTemplate: false,
    version: 0x20000000,
    coinbaseTxVersion: 1,
    coinbasePrefix: Uint8Array.from([0x02, 0xe8, 0x03]),
    coinbaseTxInputSequence: 0xffffffff,
    coinbaseTxValueRemaining: 0n,
    coinbaseTxOutputs: [encodeCoinbaseOutput({ value: 0n, scriptPubKey: Uint8Array.of(0x51) })],
    coinbaseTxLocktime: 0,
    merklePath: [rng.bytes(32), rng.bytes(32), rng.bytes(32)],
  };
  const job = createMiningJob({
    jobId: 1,
    template,
    poolOutputs: [],
    extranonceLength: 8,
    scriptSigExtra: tree.commitment,
  });
  const extranonce = rng.bytes(8);
  const v = validateShare({
    job,
    prevHash: { prevHash: rng.bytes(32), nbits: 0x207fffff, minNtime: 0, networkTarget: 0n },
    channel: { extranoncePrefix: extranonce, extranonceSize: 0, target: MAX_TARGET },
    share: { jobId: 1, nonce: 1, ntime: 10, version: 0x20000000 },
    now: 10,
  });
  assert.ok(v.ok);
  const coinbaseTx = joinCoinbase(job.coinbaseTxPrefix, extranonce, job.coinbaseTxSuffix);
  return { chains, tree, job, coinbaseTx, header: v.header };
}

test('pool-built aux trees: every chain gets a proof that verifies; tree slots follow expectedIndex', () => {
  const { chains, tree, job, coinbaseTx, header } = mergeMined([1, 7, 0x1000, 98, 20, 42]);
  assert.equal(tree.size, 2 ** tree.height);
  for (const c of chains) {
    const slot = tree.slots.get(c.chainId)!;
    assert.equal(slot.index, expectedIndex(tree.nonce, c.chainId, tree.height));
    assert.equal(
      bytesToHex(checkMerkleBranch(c.blockHash, slot.branch, slot.index)),
      bytesToHex(tree.root),
    );
    const a = createAuxPow({
      coinbaseTx,
      merklePath: job.merklePath,
      tree,
      chainId: c.chainId,
      parentHeader: header,
    });
    assert.deepEqual(
      verifyAuxPow(a, { auxBlockHash: c.blockHash, chainId: c.chainId, target: MAX_TARGET }),
      { ok: true },
    );
    assert.deepEqual(decodeAuxPow(encodeAuxPow(a)), a);
    // Another chain's block hash does not verify in this slot.
    const other = chains.find((o) => o.chainId !== c.chainId)!;
    assert.equal(verifyAuxPow(a, { auxBlockHash: other.blockHash, chainId: c.chainId }).ok, false);
  }
  // The commitment sits in the scriptSig right after the template prefix.
  const sig = decodeTransaction(coinbaseTx).inputs[0]!.scriptSig;
  assert.equal(bytesToHex(sig.subarray(3, 47)), bytesToHex(tree.commitment));
  assert.equal(bytesToHex(sig.subarray(3, 7)), 'fabe6d6d');
});

function withScript(tx: Uint8Array, mutate: (sig: Uint8Array) => Uint8Array): Uint8Array {
  const d = decodeTransaction(tx);
  const sig = d.inputs[0]!.scriptSig;
  const start = 4 + 1 + 36 + 1;
  const ns = mutate(sig);
  return Uint8Array.from([
    ...tx.subarray(0, start - 1),
    ns.length,
    ...ns,
    ...tx.subarray(start + sig.length),
  ]);
}

test('each CAuxPow::check rule rejects (Namecoin auxpow_tests cases)', () => {
  const { chains, tree, job, coinbaseTx, header } = mergeMined([3]);
  const c = chains[0]!;
  const good = createAuxPow({
    coinbaseTx,
    merklePath: job.merklePath,
    tree,
    chainId: 3,
    parentHeader: header,
  });
  const p = { auxBlockHash: c.blockHash, chainId: 3 };
  const reason = (a: AuxPow, q: typeof p & { target?: bigint; strictChainId?: boolean } = p) => {
    const v = verifyAuxPow(a, q);
    return v.ok ? 'ok' : v.reason;
  };
  assert.equal(reason(good), 'ok');
  assert.equal(reason({ ...good, index: 1 }), 'AuxPow is not a generate');
  const ownId = header.slice();
  new DataView(ownId.buffer).setInt32(0, 3 << 16, true);
  assert.equal(reason({ ...good, parentHeader: ownId }), 'Aux POW parent has our chain ID');
  assert.equal(
    reason({ ...good, chainMerkleBranch: Array.from({ length: 31 }, () => rng.bytes(32)) }),
    'Aux POW chain merkle branch too long',
  );
  assert.equal(reason({ ...good, merkleBranch: [rng.bytes(32)] }), 'Aux POW merkle root incorrect');
  // Coinbase rewrites need a matching parent merkle root to reach the script checks.
  const reroot = (tx: Uint8Array): AuxPow => {
    const h = header.slice();
    h.set(checkMerkleBranch(sha256d(tx), job.merklePath, 0), 36);
    return { ...good, coinbaseTx: tx, parentHeader: h };
  };
  const magicAt = 3;
  assert.equal(
    reason(
      reroot(
        withScript(coinbaseTx, (s) =>
          Uint8Array.from([...s.subarray(0, magicAt + 4), ...s.subarray(magicAt + 36)]),
        ),
      ),
    ),
    'Aux POW missing chain merkle root in parent coinbase',
  );
  assert.equal(
    reason(reroot(withScript(coinbaseTx, (s) => Uint8Array.from([...s, 0xfa, 0xbe, 0x6d, 0x6d])))),
    'Multiple merged mining headers in coinbase',
  );
  assert.equal(
    reason(
      reroot(
        withScript(coinbaseTx, (s) =>
          Uint8Array.from([...s.subarray(0, magicAt + 4), 0x00, ...s.subarray(magicAt + 4)]),
        ),
      ),
    ),
    'Merged mining header is not just before chain merkle root',
  );
  // Without the magic, the root must start within the first 20 bytes.
  const noMagic = (pad: number) => (s: Uint8Array) =>
    Uint8Array.from([...new Array(pad).fill(0x51), ...s.subarray(magicAt + 4, magicAt + 44)]);
  assert.equal(reason(reroot(withScript(coinbaseTx, noMagic(20)))), 'ok');
  assert.equal(
    reason(reroot(withScript(coinbaseTx, noMagic(21)))),
    'Aux POW chain merkle root must start in the first 20 bytes of the parent coinbase',
  );
  assert.equal(
    reason(reroot(withScript(coinbaseTx, (s) => s.subarray(0, magicAt + 36 + 7)))),
    'Aux POW missing chain merkle tree size and nonce in parent coinbase',
  );
  const setU32 = (off: number, v: number) => (s: Uint8Array) => {
    const o = s.slice();
    new DataView(o.buffer).setUint32(magicAt + 36 + off, v, true);
    return o;
  };
  assert.equal(
    reason(reroot(withScript(coinbaseTx, setU32(0, 2)))),
    'Aux POW merkle branch size does not match parent coinbase',
  );
  // A nonce whose expected slot differs (height 0 here, so only with a deeper branch) → wrong index.
  const deep = buildAuxMerkleTree([
    { chainId: 3, blockHash: c.blockHash },
    { chainId: 4, blockHash: rng.bytes(32) },
  ]);
  const slot = deep.slots.get(3)!;
  const wrong = { ...good, chainMerkleBranch: slot.branch, chainIndex: slot.index ^ 1 };
  assert.notEqual(reason(wrong), 'ok');
  assert.equal(reason({ ...good }, { ...p, target: 0n }), 'AUX proof of work failed');
  assert.equal(
    reason({ ...good, parentHeader: ownId }, { ...p, strictChainId: false }) !==
      'Aux POW parent has our chain ID',
    true,
  );
});

test('decodeAuxPow: truncated or padded input is a typed error, fuzz never throws anything else', () => {
  const { tree, job, coinbaseTx, header } = mergeMined([9]);
  const bytes = encodeAuxPow(
    createAuxPow({
      coinbaseTx,
      merklePath: job.merklePath,
      tree,
      chainId: 9,
      parentHeader: header,
    }),
  );
  assert.throws(
    () => decodeAuxPow(bytes.subarray(0, bytes.length - 1)),
    (e: unknown) => (e as { code?: string }).code !== undefined,
  );
  assert.throws(
    () => decodeAuxPow(Uint8Array.from([...bytes, 0])),
    (e: unknown) => (e as { code?: string }).code !== undefined,
  );
  fc.assert(
    fc.property(fc.nat(bytes.length - 1), fc.nat(255), (pos, x) => {
      const m = bytes.slice();
      m[pos] = (m[pos] ?? 0) ^ x;
      try {
        const a = decodeAuxPow(m);
        verifyAuxPow(a, { auxBlockHash: rng.bytes(32), chainId: 9 });
      } catch (e) {
        assert.ok((e as { code?: string }).code, String(e));
      }
    }),
    { numRuns: 500 },
  );
});

test('auxPowsForShare: proofs only for the chains whose target the share meets, each verifies', () => {
  const { chains, tree, job, coinbaseTx, header } = mergeMined([1, 2, 3]);
  const hash = sha256d(header);
  let v = 0n;
  for (let i = 31; i >= 0; i--) v = (v << 8n) | BigInt(hash[i]!);
  const work = chains.map((c, i) => ({ ...c, target: i === 1 ? v - 1n : MAX_TARGET }));
  assert.equal(easiestAuxTarget(work), MAX_TARGET);
  const fullExtranonce = coinbaseTx.subarray(
    job.coinbaseTxPrefix.length,
    job.coinbaseTxPrefix.length + 8,
  );
  const subs = auxPowsForShare({ job, tree, chains: work, fullExtranonce, header, hash });
  assert.deepEqual(
    subs.map((s) => s.chainId),
    [1, 3],
  );
  for (const s of subs) {
    assert.deepEqual(
      verifyAuxPow(s.auxpow, { auxBlockHash: s.blockHash, chainId: s.chainId, target: MAX_TARGET }),
      { ok: true },
    );
  }
});
