import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EthFilters, ethFilterLimits } from '../../src/rpc/eth/filters.ts';

/** A chain of `head` blocks whose block h carries one log `{block: h}`; a settable mempool. */
function chain() {
  const c = {
    headH: 3,
    pending: [] as string[],
    head: () => c.headH,
    logs: (_f: unknown, from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => ({ block: from + i })),
    blockHash: (h: number) => `0xb${h}`,
    pendingHashes: () => c.pending,
    height: (tag: string | undefined) =>
      tag === undefined || tag === 'latest' ? c.headH : Number(BigInt(tag)),
  };
  return c;
}

describe('eth filters (poll)', () => {
  it('log and block filters report each new block once', () => {
    const c = chain();
    const f = new EthFilters(c);
    const logs = f.newLogFilter({});
    const blocks = f.newBlockFilter();
    assert.deepEqual(f.changes(logs), []);
    c.headH = 5;
    assert.deepEqual(f.changes(logs), [{ block: 4 }, { block: 5 }]);
    assert.deepEqual(f.changes(logs), []);
    assert.deepEqual(f.changes(blocks), ['0xb4', '0xb5']);
    assert.deepEqual(f.changes(blocks), []);
    assert.deepEqual(f.logs(logs), [{ block: 5 }]);
    const ranged = f.newLogFilter({ fromBlock: '0x2', toBlock: '0x6' });
    assert.deepEqual(f.changes(ranged), [{ block: 2 }, { block: 3 }, { block: 4 }, { block: 5 }]);
    c.headH = 8;
    assert.deepEqual(f.changes(ranged), [{ block: 6 }]);
    assert.throws(() => f.logs(blocks), /not a log filter/);
  });

  it('pending filter reports transactions that arrived since the last poll', () => {
    const c = chain();
    c.pending = ['0x01'];
    const f = new EthFilters(c);
    const p = f.newPendingFilter();
    assert.deepEqual(f.changes(p), []);
    c.pending = ['0x01', '0x02', '0x03'];
    assert.deepEqual(f.changes(p), ['0x02', '0x03']);
    c.pending = ['0x03'];
    assert.deepEqual(f.changes(p), []);
  });

  it('uninstall, idle expiry after 5 minutes, bounded count', () => {
    const c = chain();
    let now = 0;
    const f = new EthFilters(c, () => now);
    const a = f.newBlockFilter();
    const b = f.newBlockFilter();
    assert.equal(f.uninstall(a), true);
    assert.equal(f.uninstall(a), false);
    assert.throws(() => f.changes(a), /filter not found/);
    now = ethFilterLimits.idleMs - 1;
    f.changes(b); // a poll keeps it alive
    now += ethFilterLimits.idleMs;
    assert.deepEqual(f.changes(b), []);
    now += ethFilterLimits.idleMs + 1;
    assert.throws(() => f.changes(b), /filter not found/);
    for (let i = 0; i < ethFilterLimits.maxFilters; i++) f.newBlockFilter();
    assert.throws(() => f.newBlockFilter(), /too many filters \(1000 per node\)/);
    now += ethFilterLimits.idleMs + 1;
    assert.ok(f.newBlockFilter());
    assert.equal(f.size, 1);
  });
});
