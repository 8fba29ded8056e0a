import { createCipheriv, randomBytes } from 'node:crypto';
import type { BenchHarness } from '@keel/util';
import { seal } from '../src/aead/chacha20poly1305.ts';
import { createHandshake } from '../src/noise/handshakeState.ts';
import { PATTERN_NX } from '../src/noise/patterns.ts';
import { SUITE_25519_CHACHAPOLY_SHA256 } from '../src/noise/primitives.ts';
import {
  sipHashKeyFromU64,
  sipHashUint256,
  sipHashUint256Low32,
  siphash24,
} from '../src/siphash/siphash.ts';

/** SipHash-2-4, ChaCha20-Poly1305 and the Noise NX handshake. */
export function benchSiphash(h: BenchHarness): void {
  const key16 = new Uint8Array(16).map((_, i) => i);
  const data32 = new Uint8Array(32).map((_, i) => i * 3);
  const k0 = 0x0706050403020100n;
  const k1 = 0x0f0e0d0c0b0a0908n;
  const key = sipHashKeyFromU64(k0, k1);
  const generic = h.opsPerSecond(() => siphash24(key16, data32), { batch: 1000 });
  h.report({ bench: 'crypto', metric: 'siphash24 32B generic', value: generic, unit: 'ops/s' });
  for (const [metric, fn] of [
    ['sipHashUint256 32B (u64 bigint)', () => sipHashUint256(k0, k1, data32)],
    ['sipHashUint256Low32 32B (prepared key)', () => sipHashUint256Low32(key, data32)],
  ] as const) {
    h.report({
      bench: 'crypto',
      metric,
      value: h.opsPerSecond(fn, { batch: 1000 }),
      unit: 'ops/s',
      anchor: 'siphash24 32B generic',
      anchorValue: generic,
    });
  }

  const aeadKey = new Uint8Array(32).fill(1);
  const nonce = new Uint8Array(12).fill(2);
  const kib = new Uint8Array(1024).fill(3);
  const native = h.opsPerSecond(
    () => {
      const c = createCipheriv('chacha20-poly1305', aeadKey, nonce, { authTagLength: 16 });
      c.update(kib);
      c.final();
      return c.getAuthTag();
    },
    { batch: 50 },
  );
  h.report({
    bench: 'crypto',
    metric: 'chacha20poly1305 seal 1KiB',
    value: h.opsPerSecond(() => seal(aeadKey, nonce, kib), { batch: 50 }),
    unit: 'ops/s',
    anchor: 'node:crypto chacha20-poly1305',
    anchorValue: native,
  });

  const suite = SUITE_25519_CHACHAPOLY_SHA256;
  const rs = suite.dh.keyPairFromPrivate(new Uint8Array(32).fill(7));
  const random = (n: number) => new Uint8Array(randomBytes(n));
  h.report({
    bench: 'crypto',
    metric: 'noise NX handshake 25519 (both sides, fresh ephemerals, split)',
    value: h.opsPerSecond(() => {
      const init = createHandshake({ suite, pattern: PATTERN_NX, initiator: true, random });
      const resp = createHandshake({ suite, pattern: PATTERN_NX, initiator: false, random, s: rs });
      resp.readMessage(init.writeMessage());
      init.readMessage(resp.writeMessage(new Uint8Array(74)));
      return [init.split(), resp.split()];
    }),
    unit: 'handshakes/s',
  });
}
