// The README's examples, run as written (with concrete values where the README has names).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nobleSecp256k1 } from '@keel/crypto/secp256k1';
import {
  buildAuxMerkleTree,
  createAuxPow,
  createMiningJob,
  decodeMessage,
  decodeMessageFrame,
  encodeAuthorityKey,
  encodeCoinbaseOutput,
  encodeMessage,
  extendedJobMessage,
  FrameReader,
  generateStaticKey,
  joinCoinbase,
  MAX_TARGET,
  type NewTemplate,
  ShareTracker,
  type Sv2Message,
  Sv2NoiseInitiator,
  Sv2NoiseResponder,
  signCertificate,
  solutionFromShare,
  standardJobMessage,
  u256ToTarget,
  verifyAuxPow,
} from '../../src/index.ts';

test('README codec example', () => {
  const msg: Sv2Message = {
    type: 'SubmitSharesStandard',
    payload: { channelId: 1, sequenceNumber: 2, jobId: 3, nonce: 4, ntime: 5, version: 0x20000000 },
  };
  const wire = encodeMessage(msg);
  assert.deepEqual(decodeMessage(wire), msg);
  const reader = new FrameReader({ maxPayloadLength: 1 << 16, rejectUnknown: false });
  assert.deepEqual(
    reader.push(wire).map((f) => decodeMessageFrame(f)),
    [msg],
  );
});

test('README Noise example', () => {
  const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
  const now = Math.floor(Date.now() / 1000);
  const authoritySk = random(32);
  const authorityPub = nobleSecp256k1.xOnlyPublicKey(authoritySk);
  assert.equal(typeof encodeAuthorityKey(authorityPub), 'string');
  const staticKey = generateStaticKey(random);
  const certificate = signCertificate({
    version: 0,
    validFrom: now - 60,
    notValidAfter: now + 365 * 86400,
    serverStaticKey: staticKey.publicKey,
    authoritySecretKey: authoritySk,
    auxRand: random(32),
  });
  const client = new Sv2NoiseInitiator({ authorityPublicKey: authorityPub, random });
  const server = new Sv2NoiseResponder({ staticKey, certificate, random });
  const { actTwo, session: srv } = server.readActOne(client.writeActOne());
  const cli = client.readActTwo(actTwo, now);
  const msg: Sv2Message = { type: 'CloseChannel', payload: { channelId: 1, reasonCode: 'bye' } };
  const reader = srv.reader({ maxPayloadLength: 1 << 16, rejectUnknown: false });
  assert.deepEqual(
    reader.push(cli.encryptMessage(msg)).map((f) => decodeMessageFrame(f)),
    [msg],
  );
});

const template: NewTemplate = {
  templateId: 7n,
  futureTemplate: true,
  version: 0x20000000,
  coinbaseTxVersion: 2,
  coinbasePrefix: Uint8Array.from([0x02, 0xe8, 0x03]),
  coinbaseTxInputSequence: 0xffffffff,
  coinbaseTxValueRemaining: 5_000_000_000n,
  coinbaseTxOutputs: [encodeCoinbaseOutput({ value: 0n, scriptPubKey: Uint8Array.of(0x6a) })],
  coinbaseTxLocktime: 0,
  merklePath: [],
};
const payoutScript = Uint8Array.from([0x51]);

test('README mining example', () => {
  const job = createMiningJob({
    jobId: 1,
    template,
    extranonceLength: 16,
    poolOutputs: [{ value: template.coinbaseTxValueRemaining, scriptPubKey: payoutScript }],
  });
  const tracker = new ShareTracker();
  tracker.addJob(job);
  const p = {
    prevHash: new Uint8Array(32),
    nBits: 0x207fffff,
    headerTimestamp: 100,
    target: new Uint8Array(32).fill(0xff),
  };
  tracker.setPrevHash(job.jobId, {
    prevHash: p.prevHash,
    nbits: p.nBits,
    minNtime: p.headerTimestamp,
    networkTarget: u256ToTarget(p.target),
  });
  assert.equal(standardJobMessage(job, 1, new Uint8Array(16)).merkleRoot.length, 32);
  assert.equal(extendedJobMessage(job, 2).coinbaseTxPrefix, job.coinbaseTxPrefix);
  const extranoncePrefix = new Uint8Array(8).fill(1);
  const share = {
    jobId: 1,
    nonce: 9,
    ntime: 100,
    version: 0x20000000,
    extranonce: new Uint8Array(8).fill(2),
  };
  const v = tracker.submit({
    channelId: 2,
    channel: { extranoncePrefix, extranonceSize: 8, target: MAX_TARGET },
    share,
    now: 100,
  });
  assert.ok(v.ok && v.class === 'block');
  const sol = solutionFromShare(job, share, extranoncePrefix);
  assert.equal(sol.templateId, 7n);
});

test('README merge-mining example', () => {
  const nmcHash = new Uint8Array(32).fill(3);
  const sysHash = new Uint8Array(32).fill(4);
  const tree = buildAuxMerkleTree([
    { chainId: 1, blockHash: nmcHash },
    { chainId: 0x1000, blockHash: sysHash },
  ]);
  const job = createMiningJob({
    jobId: 1,
    template,
    poolOutputs: [],
    extranonceLength: 8,
    scriptSigExtra: tree.commitment,
  });
  const tracker = new ShareTracker();
  tracker.addJob(job);
  tracker.setPrevHash(1, {
    prevHash: new Uint8Array(32),
    nbits: 0x207fffff,
    minNtime: 0,
    networkTarget: 0n,
  });
  const fullExtranonce = new Uint8Array(8).fill(5);
  const verdict = tracker.submit({
    channelId: 1,
    channel: { extranoncePrefix: fullExtranonce, extranonceSize: 0, target: MAX_TARGET },
    share: { jobId: 1, nonce: 1, ntime: 1, version: 0x20000000 },
    now: 1,
  });
  assert.ok(verdict.ok);
  const auxpow = createAuxPow({
    coinbaseTx: joinCoinbase(job.coinbaseTxPrefix, fullExtranonce, job.coinbaseTxSuffix),
    merklePath: job.merklePath,
    tree,
    chainId: 1,
    parentHeader: verdict.header,
  });
  assert.deepEqual(
    verifyAuxPow(auxpow, { auxBlockHash: nmcHash, chainId: 1, target: MAX_TARGET }),
    { ok: true },
  );
});
