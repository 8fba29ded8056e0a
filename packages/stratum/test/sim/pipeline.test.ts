// The whole pure pipeline on regtest, no sockets: template → job → Noise-encrypted
// NewExtendedMiningJob + SetNewPrevHash → a miner that rolls nonces by hashing headers →
// encrypted SubmitSharesExtended → pool validation → block → @keel/bitcoin checkBlock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockHash, checkBlock, decodeBlock, networks } from '@keel/bitcoin';
import { sha256d } from '@keel/crypto/hashes';
import { nobleSecp256k1 } from '@keel/crypto/secp256k1';
import { bytesToHex, SeededRng } from '@keel/util';
import {
  assembleBlock,
  createMiningJob,
  decodeMessageFrame,
  encodeHeader,
  extendedJobMessage,
  hashToBigInt,
  jobMerkleRoot,
  miningJobFromExtended,
  type NewTemplate,
  nbitsToTarget,
  ShareTracker,
  type Sv2Message,
  Sv2NoiseInitiator,
  Sv2NoiseResponder,
  signCertificate,
  solutionFromShare,
  staticKeyFromPrivate,
  targetToU256,
  u256ToTarget,
} from '../../src/index.ts';

test('regtest: pool and miner over Noise find a block that @keel/bitcoin accepts', () => {
  const rng = new SeededRng(2026);
  const random = (n: number) => rng.bytes(n);
  const params = networks.regtest;
  const genesis = params.genesis.header;
  const now = genesis.time + 600;

  // Noise.
  const authSk = rng.bytes(32);
  const staticKey = staticKeyFromPrivate(rng.bytes(32));
  const certificate = signCertificate({
    version: 0,
    validFrom: now - 10,
    notValidAfter: now + 3600,
    serverStaticKey: staticKey.publicKey,
    authoritySecretKey: authSk,
  });
  const init = new Sv2NoiseInitiator({
    authorityPublicKey: nobleSecp256k1.xOnlyPublicKey(authSk),
    random,
  });
  const { actTwo, session: pool } = new Sv2NoiseResponder({
    staticKey,
    certificate,
    random,
  }).readActOne(init.writeActOne());
  const miner = init.readActTwo(actTwo, now);
  const toMiner = miner.reader();
  const toPool = pool.reader();

  // Pool: a future template on top of genesis, then the prev hash that activates it.
  const template: NewTemplate = {
    templateId: 1n,
    futureTemplate: true,
    version: 0x20000000,
    coinbaseTxVersion: 2,
    coinbasePrefix: Uint8Array.of(0x51), // BIP34 height 1 (OP_1)
    coinbaseTxInputSequence: 0xffffffff,
    coinbaseTxValueRemaining: 5_000_000_000n,
    coinbaseTxOutputs: [],
    coinbaseTxLocktime: 0,
    merklePath: [],
  };
  const job = createMiningJob({
    jobId: 1,
    template,
    extranonceLength: 12,
    poolOutputs: [
      { value: 5_000_000_000n, scriptPubKey: Uint8Array.from([0x00, 0x14, ...rng.bytes(20)]) },
    ],
  });
  const tracker = new ShareTracker();
  tracker.addJob(job);
  const networkTarget = nbitsToTarget(genesis.bits);
  tracker.setPrevHash(1, {
    prevHash: blockHash(genesis),
    nbits: genesis.bits,
    minNtime: genesis.time + 1,
    networkTarget,
  });
  const channel = { extranoncePrefix: rng.bytes(4), extranonceSize: 8, target: networkTarget };
  const wire = [
    pool.encryptMessage({ type: 'NewExtendedMiningJob', payload: extendedJobMessage(job, 7) }),
    pool.encryptMessage({
      type: 'SetNewPrevHash',
      payload: {
        channelId: 7,
        jobId: 1,
        prevHash: blockHash(genesis),
        minNtime: genesis.time + 1,
        nbits: genesis.bits,
      },
    }),
    pool.encryptMessage({
      type: 'SetTarget',
      payload: { channelId: 7, maximumTarget: targetToU256(channel.target) },
    }),
  ];

  // Miner: decode, roll nonces over real header hashes until one meets the target.
  const got = wire.flatMap((w) => toMiner.push(w)).map((f) => decodeMessageFrame(f));
  const [nj, ph, st] = got as [
    Extract<Sv2Message, { type: 'NewExtendedMiningJob' }>,
    Extract<Sv2Message, { type: 'SetNewPrevHash' }>,
    Extract<Sv2Message, { type: 'SetTarget' }>,
  ];
  const mjob = miningJobFromExtended(nj.payload, 12);
  const extranonce = rng.bytes(8);
  const root = jobMerkleRoot(mjob, Uint8Array.from([...channel.extranoncePrefix, ...extranonce]));
  const target = u256ToTarget(st.payload.maximumTarget);
  let nonce = 0;
  while (
    hashToBigInt(
      sha256d(
        encodeHeader(
          mjob.version,
          ph.payload.prevHash,
          root,
          ph.payload.minNtime,
          ph.payload.nbits,
          nonce,
        ),
      ),
    ) > target
  )
    nonce++;
  const submit = miner.encryptMessage({
    type: 'SubmitSharesExtended',
    payload: {
      channelId: 7,
      sequenceNumber: 0,
      jobId: 1,
      nonce,
      ntime: ph.payload.minNtime,
      version: mjob.version,
      extranonce,
    },
  });

  // Pool: decrypt, validate, build and check the block.
  const [frame] = toPool.push(submit);
  const msg = decodeMessageFrame(frame!);
  assert.equal(msg.type, 'SubmitSharesExtended');
  if (msg.type !== 'SubmitSharesExtended') return;
  const share = {
    jobId: msg.payload.jobId,
    nonce: msg.payload.nonce,
    ntime: msg.payload.ntime,
    version: msg.payload.version,
    extranonce: msg.payload.extranonce,
  };
  const v = tracker.submit({ channelId: 7, channel, share, now });
  assert.ok(v.ok, v.ok ? '' : v.reason);
  assert.equal(v.class, 'block');
  const sol = solutionFromShare(job, share, channel.extranoncePrefix);
  const raw = assembleBlock(v.header, sol.coinbaseTx, []);
  const block = decodeBlock(raw);
  assert.equal(bytesToHex(block.header.prevBlock), bytesToHex(blockHash(genesis)));
  assert.equal(bytesToHex(blockHash(block.header)), bytesToHex(v.hash));
  assert.deepEqual(checkBlock(block, params), { ok: true });
  // The same share again is a duplicate.
  const again = tracker.submit({ channelId: 7, channel, share, now });
  assert.equal(!again.ok && again.error, 'duplicate-share');
  // A block whose coinbase carries another extranonce no longer matches the header's merkle root.
  const other = solutionFromShare(
    job,
    { ...share, extranonce: rng.bytes(8) },
    channel.extranoncePrefix,
  );
  const bad = checkBlock(decodeBlock(assembleBlock(v.header, other.coinbaseTx, [])), params);
  assert.equal(bad.ok, false);
});
