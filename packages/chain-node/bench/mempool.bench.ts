import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { type Account, accountFromSeed, decodeTx, Mempool, signTransfer } from '@keel/chain-node';
import { ed25519, sha256 } from '@keel/crypto';
import type { BenchHarness, BenchMain } from '@keel/util';
import { hexToBytes, utf8ToBytes } from '@keel/util';

const B = 'mempool';
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const CHAIN = 'keel-bench';

function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * Fills a mempool to `n` pending transfers (1000 senders, nonces in order, random fees) and
 * times every insert — admission included: decoding, nonce/balance checks and the Ed25519
 * signature check — then a 10k-transaction block template.
 */
function run(h: BenchHarness, n: number, label: string, targetP95: number, anchor: string): void {
  const senders = Math.max(10, Math.min(1000, Math.round(n / 50)));
  const keys = Array.from({ length: senders }, (_, i) => {
    const a = accountFromSeed(sha256(utf8ToBytes(`keel/bench/mempool/${i}`)));
    // One parsed key per sender (RFC 8410 PKCS#8 wrapping of the seed) so that signing the
    // fixture is fast; what is measured is admission, which verifies every signature.
    const key = createPrivateKey({
      key: Buffer.concat([PKCS8_PREFIX, a.secretKey]),
      format: 'der',
      type: 'pkcs8',
    });
    return { ...a, publicKey: ed25519.getPublicKey(a.secretKey), key };
  });
  const accounts = new Map<string, Account>(
    keys.map((k) => [k.address, { balance: 10n ** 18n, nonce: 0n }]),
  );
  h.log(`${label}: signing ${n} transfers from ${senders} senders`);
  const raws: Uint8Array[] = [];
  let fee = 12345;
  for (let i = 0; i < n; i++) {
    const k = keys[i % senders]!;
    fee = (fee * 1103515245 + 12345) % 2147483648;
    raws.push(
      signTransfer({
        chainId: CHAIN,
        secretKey: k.secretKey,
        to: hexToBytes(keys[(i + 1) % senders]!.address),
        amount: 1n,
        fee: BigInt(1 + (fee % 1000)),
        nonce: BigInt(Math.floor(i / senders)),
        publicKey: k.publicKey,
        sign: (msg) => new Uint8Array(nodeSign(null, msg, k.key)),
      }),
    );
  }
  const txs = raws.map((r) => decodeTx(r));
  (globalThis as { gc?: () => void }).gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const m = new Mempool({ chainId: CHAIN, maxNonceGap: 100_000 }, (a) => accounts.get(a)!);
  const lat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    m.add(txs[i]!, 0);
    lat[i] = performance.now() - t0;
  }
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / (1024 * 1024);
  const sorted = [...lat].sort((a, b) => a - b);
  const p95 = pct(sorted, 95);
  h.report({ bench: B, metric: `insert_p50_${label}`, value: pct(sorted, 50), unit: 'ms' });
  h.report({
    bench: B,
    metric: `insert_p95_${label}`,
    value: p95,
    unit: 'ms',
    anchor,
    anchorValue: targetP95,
  });
  h.report({ bench: B, metric: `insert_p99_${label}`, value: pct(sorted, 99), unit: 'ms' });
  const sel = h.timeMs(() => m.select(10_000, 64 * 1024 * 1024), { runs: 5 });
  h.report({ bench: B, metric: `select_10k_${label}`, value: sel, unit: 'ms' });
  h.report({ bench: B, metric: `memory_${label}`, value: Math.round(heapMb), unit: 'MiB' });
  if (m.size !== n) h.log(`warning: ${m.size} of ${n} admitted`);
}

/** `keel bench mempool`: inserts at 50k and 500k pending, template selection, memory. */
export const main: BenchMain = (h) => {
  const small = Math.max(1000, Math.round(50_000 * h.scale));
  const large = Math.max(5000, Math.round(500_000 * h.scale));
  run(h, small, '50k', 100, 'seed target p95');
  run(h, large, '500k', 1, 'our target p95');
};
