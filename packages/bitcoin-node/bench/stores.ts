import { join } from 'node:path';
import { type ChainstateBackend, openChainstateDb } from '@keel/bitcoin-store';
import type { BenchHarness } from '@keel/util';
import { SeededRng } from '@keel/util';

/**
 * The chainstate store evaluation: the same coin-shaped workload on LMDB and LevelDB —
 * atomic batches of puts and deletes (a flush) and synchronous random point reads (cache
 * misses during block connection), the two operations replay performs.
 */
export async function benchStores(h: BenchHarness, dir: string): Promise<void> {
  const n = Math.max(5_000, Math.round(100_000 * h.scale));
  const rng = new SeededRng(9);
  const keys = Array.from({ length: n }, () => {
    const k = new Uint8Array(37);
    k[0] = 0x43;
    k.set(rng.bytes(36), 1);
    return k;
  });
  const value = rng.bytes(40);
  for (const backend of ['lmdb', 'leveldb'] as ChainstateBackend[]) {
    const db = await openChainstateDb(join(dir, `store-${backend}`), backend);
    const t0 = performance.now();
    for (let i = 0; i < n; i += 10_000) {
      await db.write(keys.slice(i, i + 10_000).map((key) => ({ key, value })));
    }
    const writeMs = performance.now() - t0;
    h.report({
      bench: 'replay',
      metric: `store ${backend}: batched coin writes`,
      value: (n * 1000) / writeMs,
      unit: 'puts/s',
    });
    let i = 0;
    const reads = h.opsPerSecond(() => db.getSync(keys[(i = (i + 7919) % n)]!), { batch: 1000 });
    h.report({
      bench: 'replay',
      metric: `store ${backend}: random sync reads`,
      value: reads,
      unit: 'gets/s',
    });
    const misses = h.opsPerSecond(() => db.getSync(rng.bytes(37)), { batch: 1000 });
    h.report({
      bench: 'replay',
      metric: `store ${backend}: missing-key reads`,
      value: misses,
      unit: 'gets/s',
    });
    await db.close();
  }
}
