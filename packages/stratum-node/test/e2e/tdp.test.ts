import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Miner } from '../../src/miner/miner.ts';
import { RegtestTemplateSource } from '../../src/template/regtest.ts';
import { TdpServer, TdpTemplateSource } from '../../src/template/tdp.ts';
import { identity, revalidateChain, startPool, waitFor } from '../support/fixtures.ts';
import { RawClient } from '../support/rawClient.ts';

const stops: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const s of stops.reverse()) await s();
});

test(
  'TDP: regtest chain → TdpServer → TdpTemplateSource → pool → miner; blocks confirmed and valid',
  { timeout: 60_000 },
  async () => {
    const chain = new RegtestTemplateSource();
    const tpId = identity();
    const server = new TdpServer({ provider: chain, identity: tpId });
    await server.start();
    stops.push(() => server.stop());
    const tdp = new TdpTemplateSource({
      host: '127.0.0.1',
      port: server.address.port,
      authorityPublicKey: tpId.authorityPublicKey,
    });
    await tdp.start();
    stops.push(() => tdp.stop());
    const { pool, id } = await startPool({ provider: tdp, initialTarget: 1n << 244n });
    stops.push(() => pool.stop());
    const miner = new Miner({
      host: '127.0.0.1',
      port: pool.address.port,
      authorityPublicKey: id.authorityPublicKey,
      channel: 'extended',
    });
    await miner.start();
    stops.push(() => miner.stop());
    await waitFor(() => pool.stats.blocksFound >= 3, 40_000, '3 blocks confirmed over TDP');
    assert.ok(chain.tip.height >= 3);
    assert.equal(
      pool.stats.snapshot().tipHeight >= 3,
      true,
      'the height came from the template (BIP34)',
    );
    assert.deepEqual(revalidateChain(chain.chain.map((b) => b.block)), { ok: true });

    // A raw TDP client: setup, constraints, a template, and RequestTransactionData both ways.
    const raw = await RawClient.connect(server.address.port, tpId.authorityPublicKey);
    stops.push(() => raw.close());
    raw.send({
      type: 'SetupConnection',
      payload: {
        protocol: 2,
        minVersion: 2,
        maxVersion: 2,
        flags: 0,
        endpointHost: '',
        endpointPort: 0,
        vendor: 't',
        hardwareVersion: '',
        firmware: '',
        deviceId: '',
      },
    });
    await raw.next('SetupConnectionSuccess');
    raw.send({
      type: 'CoinbaseOutputConstraints',
      payload: { coinbaseOutputMaxAdditionalSize: 100, coinbaseOutputMaxAdditionalSigops: 4 },
    });
    const t = await raw.next('NewTemplate');
    const p = await raw.next('TdpSetNewPrevHash');
    assert.equal(p.templateId, t.templateId);
    await miner.stop();
    assert.ok(
      chain.chain.some((b) => Buffer.from(b.hash).equals(Buffer.from(p.prevHash))),
      'the prev hash is a block of the chain',
    );
    raw.send({ type: 'RequestTransactionData', payload: { templateId: t.templateId } });
    const ok = await raw.next('RequestTransactionDataSuccess');
    assert.deepEqual(ok.transactionList, []);
    raw.send({ type: 'RequestTransactionData', payload: { templateId: 987654321n } });
    assert.equal(
      (await raw.next('RequestTransactionDataError')).errorCode,
      'template-id-not-found',
    );
  },
);

test('TDP server refuses a mining SetupConnection', { timeout: 20_000 }, async () => {
  const tpId = identity();
  const server = new TdpServer({ provider: new RegtestTemplateSource(), identity: tpId });
  await server.start();
  stops.push(() => server.stop());
  const raw = await RawClient.connect(server.address.port, tpId.authorityPublicKey);
  raw.send({
    type: 'SetupConnection',
    payload: {
      protocol: 0,
      minVersion: 2,
      maxVersion: 2,
      flags: 0,
      endpointHost: '',
      endpointPort: 0,
      vendor: 't',
      hardwareVersion: '',
      firmware: '',
      deviceId: '',
    },
  });
  assert.equal((await raw.next('SetupConnectionError')).errorCode, 'unsupported-protocol');
});
