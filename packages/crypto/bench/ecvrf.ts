import { type BenchHarness, utf8ToBytes } from '@keel/util';
import { ecvrfELL2, ecvrfTAI } from '../src/ecvrf/index.ts';

/** `keel bench crypto` ECVRF rows: prove / verify / proofToHash ops/s per suite. */
export function benchEcvrf(h: BenchHarness): void {
  const sk = new Uint8Array(32).fill(0x7a);
  const alpha = utf8ToBytes('keel leader election: epoch 7, round 42');
  for (const [name, vrf] of [
    ['TAI', ecvrfTAI],
    ['ELL2', ecvrfELL2],
  ] as const) {
    const pk = vrf.getPublicKey(sk);
    const pi = vrf.prove(sk, alpha);
    if (vrf.verify(pk, pi, alpha) === null) h.log(`ecvrf ${name}: fixture proof did not verify`);
    const rows: [string, () => unknown][] = [
      ['prove', () => vrf.prove(sk, alpha)],
      ['verify', () => vrf.verify(pk, pi, alpha)],
      ['proofToHash', () => vrf.proofToHash(pi)],
    ];
    for (const [op, run] of rows) {
      h.report({
        bench: 'crypto',
        metric: `ecvrf ${op} [${name}]`,
        value: h.opsPerSecond(run),
        unit: 'ops/s',
      });
    }
  }
}
