import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { isKeelError } from '@keel/util';
import fc from 'fast-check';
import { parseAuthorityKeyArg } from '../../src/authority.ts';
import { parseAuxBlock } from '../../src/merge/coordinator.ts';
import { Miner } from '../../src/miner/miner.ts';
import { Sv1Server } from '../../src/sv1/server.ts';
import { parseBlockTemplate } from '../../src/template/gbt.ts';
import { startPool, waitFor } from '../support/fixtures.ts';

const onlyKeelErrors = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    assert.ok(isKeelError(e), `not a KeelError: ${String(e)}`);
  }
};

test('getblocktemplate / createauxblock / authority-key parsers: any input → value or KeelError', () => {
  const gbtLike = fc.record(
    {
      version: fc.oneof(fc.integer(), fc.string()),
      previousblockhash: fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.string()),
      transactions: fc.oneof(
        fc.array(
          fc.record(
            {
              data: fc.oneof(fc.stringMatching(/^([0-9a-f]{2})*$/), fc.string()),
              txid: fc.string(),
            },
            { requiredKeys: [] },
          ),
        ),
        fc.anything(),
      ),
      coinbasevalue: fc.oneof(fc.integer(), fc.double()),
      height: fc.integer(),
      bits: fc.oneof(fc.stringMatching(/^[0-9a-f]{8}$/), fc.string()),
      curtime: fc.integer(),
      target: fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.string()),
      default_witness_commitment: fc.string(),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(fc.oneof(gbtLike, fc.anything()), (v) =>
      onlyKeelErrors(() => parseBlockTemplate(v)),
    ),
    { numRuns: 2000 },
  );
  const auxLike = fc.record(
    {
      hash: fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.string()),
      chainid: fc.integer(),
      coinbasevalue: fc.oneof(fc.integer(), fc.double()),
      height: fc.integer(),
      _target: fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.string()),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(fc.oneof(auxLike, fc.anything()), (v) => onlyKeelErrors(() => parseAuxBlock(v))),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.string(), (s) =>
      onlyKeelErrors(() => parseAuthorityKeyArg(s.startsWith('@') ? `@/nonexistent/${s}` : s)),
    ),
    { numRuns: 2000 },
  );
});

const stops: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const s of stops.reverse()) await s();
});

test(
  'SV1 endpoint fuzz: random lines and bytes close or answer; the pool keeps serving an SV2 miner',
  { timeout: 60_000 },
  async () => {
    const { pool, id } = await startPool({ initialTarget: 1n << 244n });
    stops.push(() => pool.stop());
    const sv1 = new Sv1Server({ pool });
    await sv1.start();
    stops.push(() => sv1.stop());
    const miner = new Miner({
      host: '127.0.0.1',
      port: pool.address.port,
      authorityPublicKey: id.authorityPublicKey,
    });
    await miner.start();
    stops.push(() => miner.stop());
    const line = fc.oneof(
      fc.json(),
      fc.string(),
      fc
        .record({
          id: fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
          method: fc.constantFrom(
            'mining.subscribe',
            'mining.authorize',
            'mining.configure',
            'mining.submit',
            'mining.extranonce.subscribe',
            'x',
          ),
          params: fc.oneof(
            fc.array(fc.oneof(fc.string(), fc.integer(), fc.array(fc.string()), fc.object())),
            fc.anything(),
          ),
        })
        .map((o) => JSON.stringify(o)),
    );
    const samples = fc.sample(fc.array(line, { minLength: 1, maxLength: 8 }), 60);
    for (const lines of [...samples, [randomBytes(20_000).toString('latin1')]]) {
      const s: Socket = connect({ host: '127.0.0.1', port: sv1.address.port });
      await new Promise<void>((r, j) => {
        s.once('connect', () => r());
        s.once('error', j);
      });
      s.on('error', () => {});
      s.write(`${lines.join('\n')}\n`);
      await new Promise((r) => setTimeout(r, 15));
      s.destroy();
    }
    const before = miner.stats.sharesAccepted;
    await waitFor(
      () => miner.stats.sharesAccepted >= before + 2,
      20_000,
      'the SV2 miner still mining',
    );
    await waitFor(() => pool.stats.connections === 1, 5000, 'every SV1 session detached');
  },
);
