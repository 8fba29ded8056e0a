import type { BenchHarness } from '@keel/util';
import {
  loadLibsecp256k1Backend,
  loadNativeBinding,
  loadWasmBinding,
} from '../src/secp256k1/libsecp256k1.ts';
import { nobleSecp256k1 } from '../src/secp256k1/noble.ts';
import type { Secp256k1Backend } from '../src/secp256k1/types.ts';

function fixture(b: Secp256k1Backend) {
  const sk = new Uint8Array(32).fill(0x5a);
  const msg = new Uint8Array(32).fill(0x17);
  const pub = b.publicKeyCreate(sk, true);
  const xOnly = b.xOnlyPublicKey(sk);
  return { sk, msg, pub, xOnly, sig: b.ecdsaSign(msg, sk), ssig: b.schnorrSign(msg, sk) };
}

/** The best of two interleaved measurements (the bench machine is shared). */
function best(h: BenchHarness, fn: () => unknown): number {
  return Math.max(h.opsPerSecond(fn), h.opsPerSecond(fn));
}

/**
 * `keel bench crypto` secp256k1 rows: ops/s per backend (noble rows anchored on libsecp256k1,
 * so ratio = noble/libsecp256k1), and the libsecp256k1 backend's wrapper against the raw
 * bindings (ratio = wrapper/raw; 1.0 is no overhead).
 */
export async function benchSecp256k1(h: BenchHarness): Promise<void> {
  let lib: Secp256k1Backend | undefined;
  try {
    lib = await loadLibsecp256k1Backend();
    h.log(`secp256k1: ${(lib as { implementation?: string }).implementation ?? lib.name}`);
  } catch (e) {
    h.log(`secp256k1: libsecp256k1 unavailable (${(e as Error).message}); no anchors`);
  }
  const f = fixture(nobleSecp256k1);
  const ops: [string, (b: Secp256k1Backend) => unknown][] = [
    ['secp256k1 ecdsa verify', (b) => b.ecdsaVerify(f.sig, f.msg, f.pub)],
    ['secp256k1 schnorr verify', (b) => b.schnorrVerify(f.ssig, f.msg, f.xOnly)],
    ['secp256k1 ecdsa sign', (b) => b.ecdsaSign(f.msg, f.sk)],
    ['secp256k1 schnorr sign', (b) => b.schnorrSign(f.msg, f.sk)],
  ];
  for (const [metric, run] of ops) {
    const anchorValue = lib ? best(h, () => run(lib)) : undefined;
    if (lib && anchorValue !== undefined) {
      h.report({
        bench: 'crypto',
        metric: `${metric} [libsecp256k1]`,
        value: anchorValue,
        unit: 'ops/s',
      });
    }
    h.report({
      bench: 'crypto',
      metric: `${metric} [noble]`,
      value: best(h, () => run(nobleSecp256k1)),
      unit: 'ops/s',
      ...(anchorValue !== undefined ? { anchor: `${metric} [libsecp256k1]`, anchorValue } : {}),
    });
  }
  if (lib) await benchWrapperOverhead(h, lib, f);
}

async function benchWrapperOverhead(
  h: BenchHarness,
  lib: Secp256k1Backend,
  f: ReturnType<typeof fixture>,
): Promise<void> {
  const nat = loadNativeBinding();
  const tiny = await loadWasmBinding();
  const pairs: [string, () => unknown, () => unknown][] = [];
  if (nat) {
    pairs.push([
      'ecdsa verify: backend vs raw secp256k1 N-API',
      () => lib.ecdsaVerify(f.sig, f.msg, f.pub),
      () => nat.ecdsaVerify(f.sig, f.msg, f.pub),
    ]);
  }
  if (tiny) {
    pairs.push([
      'schnorr verify: backend vs raw tiny-secp256k1',
      () => lib.schnorrVerify(f.ssig, f.msg, f.xOnly),
      () => tiny.verifySchnorr(f.msg, f.xOnly, f.ssig),
    ]);
  }
  for (const [metric, wrapped, raw] of pairs) {
    // Interleave raw and wrapped runs and keep each side's best: on a shared machine the
    // load changes between runs, and the true difference is a few byte comparisons.
    let anchorValue = 0;
    let value = 0;
    for (let round = 0; round < 3; round++) {
      anchorValue = Math.max(anchorValue, h.opsPerSecond(raw));
      value = Math.max(value, h.opsPerSecond(wrapped));
    }
    h.report({
      bench: 'crypto',
      metric: `secp256k1 wrapper ${metric}`,
      value,
      unit: 'ops/s',
      anchor: `secp256k1 raw ${metric}`,
      anchorValue,
    });
  }
}
