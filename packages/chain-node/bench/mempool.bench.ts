import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { accountFromSeed, deriveValidatorKeys, LedgerApp, Mempool } from '@keel/chain-node';
import { ecvrfELL2, ed25519, loadBlsBackend, sha256 } from '@keel/crypto';
import { createGenesisState, createLedger, encodeTx, signTx } from '@keel/ledger';
import type { BenchHarness, BenchMain } from '@keel/util';
import { hexToBytes, nullLogger, utf8ToBytes } from '@keel/util';

const B = 'mempool';
const CHAIN = 'keel-bench';
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * Fills a mempool to `n` pending ledger transfers (up to 1000 senders, nonces in order, random
 * gas prices) and times every insert — full admission included: decoding, the ledger's
 * `checkTx` (chain id, Ed25519 signature, gas, nonce, balance) and the pool's own rules — then
 * a 10k-transaction block template.
 */
async function run(h: BenchHarness, n: number, label: string, target: number, anchor: string) {
  const senders = Math.max(10, Math.min(1000, Math.round(n / 50)));
  const keys = Array.from({ length: senders }, (_, i) => {
    const a = accountFromSeed(sha256(utf8ToBytes(`keel/bench/mempool/${i}`)));
    // One parsed key per sender (RFC 8410 PKCS#8 around the seed) so that signing the fixture
    // is fast; what is measured is admission, which verifies every signature.
    const key = createPrivateKey({
      key: Buffer.concat([PKCS8_PREFIX, a.secretKey]),
      format: 'der',
      type: 'pkcs8',
    });
    const engine = { ...ed25519, sign: (m: Uint8Array) => new Uint8Array(nodeSign(null, m, key)) };
    return { ...a, engine };
  });
  const ledger = createLedger();
  const bls = await loadBlsBackend('blst');
  const vk = deriveValidatorKeys(0, new Uint8Array(32).fill(7));
  const g = createGenesisState(ledger, {
    chainId: CHAIN,
    balances: keys.map((k) => ({ address: hexToBytes(k.address), amount: 10n ** 30n })),
    validators: [
      {
        stake: 1000n,
        blsPublicKey: bls.secretKeyToPublicKey(vk.blsSecretKey),
        blsPop: bls.popProve(vk.blsSecretKey),
        vrfPublicKey: ecvrfELL2.getPublicKey(vk.vrfSecretKey),
      },
    ],
  });
  h.log(`${label}: signing ${n} transfers from ${senders} senders`);
  const raws: Uint8Array[] = [];
  let price = 12345;
  for (let i = 0; i < n; i++) {
    const k = keys[i % senders]!;
    price = (price * 1103515245 + 12345) % 2147483648;
    const tx = {
      chainId: CHAIN,
      from: hexToBytes(k.address),
      nonce: BigInt(Math.floor(i / senders)),
      gasLimit: 10_000,
      gasPrice: BigInt(1 + (price % 1000)),
      kind: 'transfer' as const,
      to: hexToBytes(keys[(i + 1) % senders]!.address),
      amount: 1n,
    };
    raws.push(encodeTx(signTx(tx, k.secretKey, { ed25519: k.engine })));
  }
  (globalThis as { gc?: () => void }).gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let m: Mempool | null = null;
  const app = new LedgerApp({
    ledger,
    committed: g.state,
    committedHash: '00'.repeat(32),
    maxTxsPerBlock: 10_000,
    maxPayloadBytes: 1 << 24,
    mempool: () => m!,
    now: () => 0,
    blockByHash: () => null,
    onApplied: () => {},
    logger: nullLogger,
  });
  m = new Mempool(
    { maxNonceGap: 100_000 },
    (a) => app.account(a),
    (raw) => app.checkTx(raw),
  );
  const lat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    m.addRaw(raws[i]!, 0);
    lat[i] = performance.now() - t0;
  }
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / (1024 * 1024);
  const sorted = [...lat].sort((a, b) => a - b);
  h.report({ bench: B, metric: `insert_p50_${label}`, value: pct(sorted, 50), unit: 'ms' });
  h.report({
    bench: B,
    metric: `insert_p95_${label}`,
    value: pct(sorted, 95),
    unit: 'ms',
    anchor,
    anchorValue: target,
  });
  h.report({ bench: B, metric: `insert_p99_${label}`, value: pct(sorted, 99), unit: 'ms' });
  const mp = m;
  const sel = h.timeMs(() => mp.select(10_000, 64 * 1024 * 1024), { runs: 5 });
  h.report({ bench: B, metric: `select_10k_${label}`, value: sel, unit: 'ms' });
  h.report({ bench: B, metric: `memory_${label}`, value: Math.round(heapMb), unit: 'MiB' });
  if (m.size !== n) h.log(`warning: ${m.size} of ${n} admitted`);
}

/** `keel bench mempool`: inserts at 50k and 500k pending, template selection, memory. */
export const main: BenchMain = async (h) => {
  const small = Math.max(1000, Math.round(50_000 * h.scale));
  const large = Math.max(5000, Math.round(500_000 * h.scale));
  await run(h, small, '50k', 100, 'seed target p95');
  await run(h, large, '500k', 1, 'our target p95');
};
