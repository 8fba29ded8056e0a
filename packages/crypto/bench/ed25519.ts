import { type BenchHarness, utf8ToBytes } from '@keel/util';
import { availableEd25519Engines, createEd25519, type Ed25519 } from '../src/ed25519/index.ts';

/** `keel bench crypto` ed25519 rows: ops/s per engine; noble rows carry node:crypto as anchor. */
export function benchEd25519(h: BenchHarness): void {
  const seed = new Uint8Array(32).fill(0x5e);
  const msg = utf8ToBytes('keel ed25519 bench: a 64-byte chain transaction body, give or take');
  const noble = createEd25519({ engine: 'noble' });
  const node = availableEd25519Engines().includes('node')
    ? createEd25519({ engine: 'node' })
    : null;
  if (!node) h.log('ed25519: node:crypto Ed25519 unavailable; noble rows have no anchor');
  const pk = noble.getPublicKey(seed);
  const sig = noble.sign(msg, seed);
  const ops: [string, (e: Ed25519) => unknown][] = [
    ['ed25519 sign', (e) => e.sign(msg, seed)],
    ['ed25519 verify', (e) => e.verify(sig, msg, pk)],
    ['ed25519 getPublicKey', (e) => e.getPublicKey(seed)],
  ];
  for (const [metric, run] of ops) {
    const anchorValue = node ? h.opsPerSecond(() => run(node)) : undefined;
    if (anchorValue !== undefined) {
      h.report({ bench: 'crypto', metric: `${metric} [node]`, value: anchorValue, unit: 'ops/s' });
    }
    h.report({
      bench: 'crypto',
      metric: `${metric} [noble]`,
      value: h.opsPerSecond(() => run(noble)),
      unit: 'ops/s',
      ...(anchorValue !== undefined ? { anchor: `${metric} [node]`, anchorValue } : {}),
    });
  }
}
