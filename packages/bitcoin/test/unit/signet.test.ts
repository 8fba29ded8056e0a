// BIP325 signet block solutions, checked against facts published elsewhere: the BIP's message
// start example, Core's default-signet magic, and two blocks of the default signet that
// Bitcoin Core's functional test (feature_signet.py) submits as valid under the default
// challenge and expects to fail with 'bad-signet-blksig' under a 2-of-2 of the same key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSecp256k1Backend, type Secp256k1Backend } from '@keel/crypto';
import { bytesToHex, concatBytes, hexToBytes } from '@keel/util';
import { checkBlock } from '../../src/consensus/checkBlock.ts';
import type { ConsensusParams } from '../../src/consensus/params.ts';
import { networks } from '../../src/consensus/params.ts';
import {
  checkSignetBlockSolution,
  signetMessageStart,
  signetTransactions,
} from '../../src/consensus/signet.ts';
import { witnessCommitmentIndex } from '../../src/consensus/witness.ts';
import { type Block, decodeBlock } from '../../src/primitives/block.ts';
import { computeMerkleRoot } from '../../src/primitives/merkle.ts';
import { txid } from '../../src/primitives/transaction.ts';

// Blocks 1 and 2 of the default signet, as in Bitcoin Core's test/functional/feature_signet.py.
const SIGNET_BLOCKS = [
  '00000020f61eee3b63a380a477a063af32b2bbc97c9ff9f01f2c4225e973988108000000f575c83235984e7dc4afc1f30944c170462e84437ab6f2d52e16878a79e4678bd1914d5fae77031eccf4070001010000000001010000000000000000000000000000000000000000000000000000000000000000ffffffff025151feffffff0200f2052a010000001600149243f727dd5343293eb83174324019ec16c2630f0000000000000000776a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf94c4fecc7daa2490047304402205e423a8754336ca99dbe16509b877ef1bf98d008836c725005b3c787c41ebe46022047246e4467ad7cc7f1ad98662afcaf14c115e0095a227c7b05c5182591c23e7e01000120000000000000000000000000000000000000000000000000000000000000000000000000',
  '00000020a868e8514be5e46dabd6a122132f423f36a43b716a40c394e2a8d063e1010000f4c6c717e99d800c699c25a2006a75a0c5c09f432a936f385e6fce139cdbd1a5e9964d5fae77031e7d026e0001010000000001010000000000000000000000000000000000000000000000000000000000000000ffffffff025a51feffffff0200f2052a01000000160014aaa671c82b138e3b8f510cd801e5f2bd0aa305940000000000000000776a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf94c4fecc7daa24900473044022042309f4c3c7a1a2ac8c24f890f962df1c0086cec10be0868087cfc427520cb2702201dafee8911c269b7e786e242045bb57cef3f5b0f177010c6159abae42f646cc501000120000000000000000000000000000000000000000000000000000000000000000000000000',
];
// The default challenge's key as a 2-of-2: a 1-of-2 solution cannot satisfy it.
const TWO_OF_TWO = hexToBytes(
  '522103ad5e0edad18cb1f0fc0d28a3d4f1f3e445640337489abb10404f2d1e086be430210359ef5021964fe22d6f8e05b2463c9540ce96883fe3b278760f048f5189f2e6c452ae',
);

const signet = networks.signet;
const blocks = () => SIGNET_BLOCKS.map((h) => decodeBlock(hexToBytes(h)));
const withChallenge = (challenge: Uint8Array): ConsensusParams => ({
  ...signet,
  signetChallenge: challenge,
});
const backends = (['noble', 'libsecp256k1'] as const).map((name) => ({
  name,
  load: () => loadSecp256k1Backend(name),
}));

/** Re-commits the block's merkle root after its coinbase changed. */
function recommit(block: Block): Block {
  const root = computeMerkleRoot(block.txs.map(txid)).root;
  return { ...block, header: { ...block.header, merkleRoot: root } };
}

/** The block with the coinbase's witness-commitment script replaced. */
function withCommitmentScript(block: Block, script: Uint8Array): Block {
  const cb = block.txs[0]!;
  const idx = witnessCommitmentIndex(cb);
  const outputs = cb.outputs.map((o, i) => (i === idx ? { ...o, scriptPubKey: script } : o));
  return recommit({ ...block, txs: [{ ...cb, outputs }, ...block.txs.slice(1)] });
}

function commitmentScript(block: Block): Uint8Array {
  const cb = block.txs[0]!;
  return cb.outputs[witnessCommitmentIndex(cb)]!.scriptPubKey;
}

test('message start: the BIP325 example and the default signet magic', () => {
  const example = hexToBytes(
    '512103ad5e0edad18cb1f0fc0d28a3d4f1f3e445640337489abb10404f2d1e086be43051ae',
  );
  assert.equal(bytesToHex(signetMessageStart(example)), '7ec653a5');
  assert.equal(bytesToHex(signetMessageStart(signet.signetChallenge!)), '0a03cf40');
  assert.equal(bytesToHex(signet.magic), '0a03cf40');
});

for (const b of backends) {
  test(`real default-signet blocks carry valid solutions (${b.name})`, async () => {
    const backend = await b.load();
    for (const block of blocks()) {
      assert.deepEqual(checkSignetBlockSolution(block, signet, backend), { ok: true });
      assert.deepEqual(checkBlock(block, signet, { backend }), { ok: true });
    }
  });

  test(`a 2-of-2 of the same key rejects them with bad-signet-blksig (${b.name})`, async () => {
    const backend = await b.load();
    for (const block of blocks()) {
      const v = checkSignetBlockSolution(block, withChallenge(TWO_OF_TWO), backend);
      assert.equal(v.ok, false);
      assert.equal(!v.ok && v.reason, 'bad-signet-blksig');
    }
  });
}

test('the solution commits to version, previous block, transactions and time, not the nonce', async () => {
  const backend: Secp256k1Backend = await loadSecp256k1Backend('auto');
  const [block] = blocks();
  const h = block!.header;
  const rejected = (b: Block) => checkSignetBlockSolution(b, signet, backend).ok === false;
  assert.ok(rejected({ ...block!, header: { ...h, time: h.time + 1 } }));
  assert.ok(rejected({ ...block!, header: { ...h, version: h.version ^ 4 } }));
  const prev = h.prevBlock.slice();
  prev[0]! ^= 1;
  assert.ok(rejected({ ...block!, header: { ...h, prevBlock: prev } }));
  // a different coinbase output value changes the signet merkle root
  const cb = block!.txs[0]!;
  const richer = {
    ...cb,
    outputs: cb.outputs.map((o, i) => (i === 0 ? { ...o, value: o.value + 1n } : o)),
  };
  assert.ok(rejected(recommit({ ...block!, txs: [richer] })));
  // the nonce is free: rolling it keeps the solution valid (PoW aside)
  assert.deepEqual(
    checkSignetBlockSolution({ ...block!, header: { ...h, nonce: h.nonce + 1 } }, signet, backend),
    { ok: true },
  );
});

test('a flipped signature byte, a missing solution, trailing bytes: all rejected', async () => {
  const backend = await loadSecp256k1Backend('auto');
  const [block] = blocks();
  const script = commitmentScript(block!);
  // the solution push follows OP_RETURN + the 36-byte commitment push: 38 bytes in
  const flipped = script.slice();
  flipped[script.length - 20]! ^= 1;
  const v1 = checkSignetBlockSolution(withCommitmentScript(block!, flipped), signet, backend);
  assert.equal(!v1.ok && v1.reason, 'bad-signet-blksig');
  const bare = withCommitmentScript(block!, script.subarray(0, 38));
  const v2 = checkSignetBlockSolution(bare, signet, backend);
  assert.equal(!v2.ok && v2.reason, 'bad-signet-blksig');
  // one extra byte after the witness stack inside the solution push
  const push = script.subarray(38);
  assert.deepEqual([push[0], push[1]], [0x4c, 79]); // OP_PUSHDATA1 of 79 bytes
  const longer = concatBytes(
    script.subarray(0, 38),
    Uint8Array.of(0x4c, 80),
    push.subarray(2),
    Uint8Array.of(0),
  );
  const v3 = checkSignetBlockSolution(withCommitmentScript(block!, longer), signet, backend);
  assert.equal(!v3.ok && v3.detail, 'signet solution has trailing bytes');
  // no witness commitment at all
  const cb = block!.txs[0]!;
  const noCommit = recommit({ ...block!, txs: [{ ...cb, outputs: cb.outputs.slice(0, 1) }] });
  const v4 = checkSignetBlockSolution(noCommit, signet, backend);
  assert.equal(!v4.ok && v4.detail, 'coinbase has no witness commitment');
});

test('OP_TRUE challenge: a block without a solution is valid; the genesis is exempt', async () => {
  const backend = await loadSecp256k1Backend('auto');
  const [block] = blocks();
  const bare = withCommitmentScript(block!, commitmentScript(block!).subarray(0, 38));
  assert.deepEqual(checkSignetBlockSolution(bare, withChallenge(Uint8Array.of(0x51)), backend), {
    ok: true,
  });
  assert.deepEqual(checkSignetBlockSolution(signet.genesis, signet, backend), { ok: true });
});

test('the signet transactions have BIP325 shape', () => {
  const [block] = blocks();
  const txs = signetTransactions(block!, signet.signetChallenge!);
  assert.ok(typeof txs !== 'string');
  const { toSpend, toSign } = txs;
  assert.equal(toSpend.version, 0);
  assert.equal(toSpend.inputs[0]!.sequence, 0);
  assert.equal(toSpend.inputs[0]!.prevout.vout, 0xffffffff);
  // OP_0 PUSH72[version ‖ prev ‖ signet merkle root ‖ time]
  const ss = toSpend.inputs[0]!.scriptSig;
  assert.equal(ss.length, 74);
  assert.deepEqual([ss[0], ss[1]], [0x00, 72]);
  assert.deepEqual(toSpend.outputs[0]!.scriptPubKey, signet.signetChallenge);
  assert.deepEqual(toSign.inputs[0]!.prevout.txid, txid(toSpend));
  assert.deepEqual(toSign.outputs[0]!.scriptPubKey, Uint8Array.of(0x6a));
  // the 1-of-2 solution: scriptSig = OP_0 <sig>, no witness
  assert.equal(toSign.inputs[0]!.witness.length, 0);
  assert.equal(toSign.inputs[0]!.scriptSig[0], 0x00);
});

test('checkBlock on signet without a signature backend fails closed', () => {
  const [block] = blocks();
  const v = checkBlock(block!, signet);
  assert.equal(!v.ok && v.reason, 'bad-signet-blksig');
});
