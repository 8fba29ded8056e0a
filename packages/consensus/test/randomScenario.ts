import { allByzantineBehaviours, SimRng, type SimulationOptions } from '@keel/consensus/sim';

/**
 * One random scenario per seed: n = 4 or 7 with f = (n-1)/3 Byzantine validators of random
 * behaviours, random latency, loss, duplication, a pre-GST partition or crash, and every
 * fourth seed on ECVRF leaders (the rest on round-robin, which is cheaper to simulate).
 */
export function scenarioForSeed(seed: number): Omit<SimulationOptions, 'scheme'> {
  const r = new SimRng(`scenario:${seed}`);
  const validators = r.chance(0.75) ? 4 : 7;
  const f = (validators - 1) / 3;
  const behaviours = Array.from({ length: f }, () => allByzantineBehaviours[r.int(7)]!);
  const gstMs = r.chance(0.5) ? r.range(500, 3000) : 0;
  const honest = Array.from({ length: validators }, (_, i) => i);
  const o: Omit<SimulationOptions, 'scheme'> = {
    seed,
    validators,
    byzantine: f,
    behaviours,
    views: 25,
    latencyMs: { min: r.range(1, 10), max: r.range(20, 80) },
    preGstExtraDelayMs: gstMs > 0 ? r.range(0, 300) : 0,
    gstMs,
    loss: r.chance(0.5) ? r.next() * 0.05 : 0,
    duplication: r.chance(0.5) ? r.next() * 0.05 : 0,
    election: seed % 4 === 0 ? 'ecvrf' : 'round-robin',
  };
  if (gstMs > 0 && r.chance(0.5)) {
    const cut = r.range(1, validators - 1);
    return {
      ...o,
      partitions: [{ groups: [honest.slice(0, cut), honest.slice(cut)], fromMs: 0, toMs: gstMs }],
    };
  }
  if (gstMs > 0 && r.chance(0.5)) {
    return {
      ...o,
      crashes: [{ node: r.int(validators), atMs: r.range(0, gstMs), restartAtMs: gstMs }],
    };
  }
  return o;
}
