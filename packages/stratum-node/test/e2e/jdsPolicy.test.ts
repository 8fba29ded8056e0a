/**
 * JDS bad input, by a hand-driven JD client: an unallocated token, a provided transaction that
 * does not hash to its declared wtxid, and one spending a coin that does not exist are refused
 * with their reasons; the connection stays usable and the refusals are counted.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { encodeTransaction, type Transaction, wtxid } from '@keel/bitcoin/primitives';
import {
  createMiningJob,
  declaredCoinbaseParts,
  type Sv2Message,
  Sv2Protocol,
} from '@keel/stratum';
import { JobDeclaratorServer } from '../../src/jd/server.ts';
import { connectNoise } from '../../src/net/noiseConnection.ts';
import { RegtestTemplateSource } from '../../src/template/regtest.ts';
import { identity, OP_TRUE_P2WSH, waitFor } from '../support/fixtures.ts';

const stops: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const s of stops.reverse()) await s();
});

test('JDS refuses bad declarations with reasons', { timeout: 30_000 }, async () => {
  const id = identity();
  const node = new RegtestTemplateSource();
  const jds = new JobDeclaratorServer({ identity: id, mempool: node, payoutScript: OP_TRUE_P2WSH });
  await jds.start();
  stops.push(() => jds.stop());
  const inbox: Sv2Message[] = [];
  const conn = await connectNoise({
    ...jds.address,
    authorityPublicKey: id.authorityPublicKey,
    limits: { maxPayloadLength: 1 << 20, rejectUnknown: false },
    timeoutMs: 5000,
  });
  stops.push(() => conn.close('done'));
  conn.attach({ onMessage: (m) => inbox.push(m), onClose: () => {} });
  const take = async <T extends Sv2Message['type']>(type: T) => {
    await waitFor(() => inbox.some((m) => m.type === type), 5000, type);
    const i = inbox.findIndex((m) => m.type === type);
    return inbox.splice(i, 1)[0] as Extract<Sv2Message, { type: T }>;
  };
  conn.send({
    type: 'SetupConnection',
    payload: {
      protocol: Sv2Protocol.JOB_DECLARATION,
      minVersion: 2,
      maxVersion: 2,
      flags: 1,
      endpointHost: '',
      endpointPort: 0,
      vendor: 't',
      hardwareVersion: '',
      firmware: '',
      deviceId: '',
    },
  });
  await take('SetupConnectionSuccess');
  let t: Parameters<Parameters<typeof node.subscribe>[0]['onNewTemplate']>[0] | undefined;
  node.subscribe({ onNewTemplate: (x) => (t = x), onSetNewPrevHash: () => {} }, 64);
  const job = createMiningJob({
    jobId: 1,
    template: t!,
    poolOutputs: [{ value: t!.coinbaseTxValueRemaining, scriptPubKey: OP_TRUE_P2WSH }],
    extranonceLength: 16,
  });
  const { prefix, suffix } = declaredCoinbaseParts(job);
  const ghost: Transaction = {
    version: 2,
    inputs: [
      {
        prevout: { txid: new Uint8Array(32).fill(0x77), vout: 0 },
        scriptSig: new Uint8Array(0),
        sequence: 0xffffffff,
        witness: [Uint8Array.of(0x51)],
      },
    ],
    outputs: [{ value: 1000n, scriptPubKey: OP_TRUE_P2WSH }],
    locktime: 0,
  };
  const declare = (requestId: number, token: Uint8Array) =>
    conn.send({
      type: 'DeclareMiningJob',
      payload: {
        requestId,
        miningJobToken: token,
        version: job.version,
        coinbaseTxPrefix: prefix,
        coinbaseTxSuffix: suffix,
        wtxidList: [wtxid(ghost)],
        excessData: new Uint8Array(0),
      },
    });
  // 1. a token nobody allocated
  declare(1, new Uint8Array(16));
  assert.equal((await take('DeclareMiningJobError')).payload.errorCode, 'invalid-mining-job-token');
  // 2. allocated token, the unknown tx is asked for, and a different tx is provided
  conn.send({ type: 'AllocateMiningJobToken', payload: { userIdentifier: 't', requestId: 2 } });
  const tok = (await take('AllocateMiningJobTokenSuccess')).payload.miningJobToken;
  declare(3, tok);
  assert.deepEqual((await take('ProvideMissingTransactions')).payload.unknownTxPositionList, [0]);
  const other = { ...ghost, locktime: 1 };
  conn.send({
    type: 'ProvideMissingTransactionsSuccess',
    payload: { requestId: 3, transactionList: [encodeTransaction(other)] },
  });
  assert.equal(
    (await take('DeclareMiningJobError')).payload.errorCode,
    'invalid-provided-transaction',
  );
  // 3. the right tx, but it spends a coin that does not exist
  declare(4, tok);
  await take('ProvideMissingTransactions');
  conn.send({
    type: 'ProvideMissingTransactionsSuccess',
    payload: { requestId: 4, transactionList: [encodeTransaction(ghost)] },
  });
  const e = (await take('DeclareMiningJobError')).payload;
  assert.equal(e.errorCode, 'invalid-transactions');
  assert.match(new TextDecoder().decode(e.errorDetails), /missing|inputs/i);
  assert.deepEqual(jds.refused, {
    'invalid-mining-job-token': 1,
    'invalid-provided-transaction': 1,
    'invalid-transactions': 1,
  });
  assert.equal(jds.jobsDeclared, 0);
});
