/**
 * Mempool admission latency: p50/p99 of `MempoolCore.accept` over real signed transactions of
 * every wallet output kind (a third of them children of earlier ones), against the pool as it
 * fills. Anchor: the same transactions' script checks alone (the signature share of the cost).
 * G's `p2p` bench calls `benchMempoolAdmission`.
 */
import { type Coin, type OutPoint, type Transaction, txid } from '@keel/bitcoin';
import { sha256 } from '@keel/crypto';
import { loadSecp256k1Backend } from '@keel/crypto/secp256k1';
import { type BenchHarness, bytesToHex, InvariantError, SeededRng, utf8ToBytes } from '@keel/util';
import type { AcceptContext } from '../src/mempool/accept.ts';
import { MempoolCore } from '../src/mempool/core.ts';
import { runPolicyScriptChecks } from '../src/mempool/scripts.ts';
import { OUTPUT_KINDS, RegtestKeys } from '../src/regtest/wallet.ts';

interface Spendable {
  outpoint: OutPoint;
  value: bigint;
  scriptPubKey: Uint8Array;
  kind: (typeof OUTPUT_KINDS)[number];
  slot: number;
}

const keyOf = (o: OutPoint) => `${bytesToHex(o.txid)}:${o.vout}`;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export async function benchMempoolAdmission(h: BenchHarness): Promise<void> {
  const n = Math.max(60, Math.round(600 * h.scale));
  const backend = await loadSecp256k1Backend('auto');
  const keys = new RegtestKeys(backend, new SeededRng('mempool-bench'), 4);
  const utxo = new Map<string, Coin>();
  const txs: Transaction[] = [];
  const spentCoins: Coin[][] = [];
  let children: Spendable[] = [];
  for (let i = 0; i < n; i++) {
    const kind = OUTPUT_KINDS[i % OUTPUT_KINDS.length]!;
    let input: Spendable;
    if (i % 3 === 2 && children.length > 0) {
      input = children.shift()!;
    } else {
      const outpoint = { txid: sha256(utf8ToBytes(`bench funding ${i}`)), vout: 0 };
      const scriptPubKey = keys.scriptPubKey(kind, i % 4);
      input = { outpoint, value: 1_000_000n, scriptPubKey, kind, slot: i % 4 };
      utxo.set(keyOf(outpoint), { value: input.value, scriptPubKey, height: 100, coinbase: false });
    }
    const outKind = OUTPUT_KINDS[(i + 1) % OUTPUT_KINDS.length]!;
    const tx: Transaction = {
      version: 2,
      inputs: [
        {
          prevout: input.outpoint,
          scriptSig: new Uint8Array(0),
          sequence: 0xfffffffd,
          witness: [],
        },
      ],
      outputs: [{ value: input.value - 2_000n, scriptPubKey: keys.scriptPubKey(outKind, 0) }],
      locktime: 0,
    };
    keys.sign(tx, [input]);
    txs.push(tx);
    spentCoins.push([
      { value: input.value, scriptPubKey: input.scriptPubKey, height: 100, coinbase: false },
    ]);
    children.push({
      outpoint: { txid: txid(tx), vout: 0 },
      value: tx.outputs[0]!.value,
      scriptPubKey: tx.outputs[0]!.scriptPubKey,
      kind: outKind,
      slot: 0,
    });
    if (children.length > 50) children = children.slice(-50);
  }
  const ctx: AcceptContext = {
    now: 1_700_000_000,
    tip: { height: 1000, medianTimePast: 1_700_000_000, medianTimePastAt: () => 1_700_000_000 },
    coin: (o) => utxo.get(keyOf(o)),
  };
  // Warm-up pass into a throwaway pool, so the JIT has compiled the interpreter and policy code.
  const warm = new MempoolCore({ backend });
  for (const tx of txs) warm.accept(tx, ctx);
  const pool = new MempoolCore({ backend });
  const times: number[] = [];
  for (const tx of txs) {
    const t0 = performance.now();
    const r = pool.accept(tx, ctx);
    times.push((performance.now() - t0) * 1000);
    if (!r.ok) throw new InvariantError(`bench transaction refused: ${r.reason} ${r.detail ?? ''}`);
  }
  // The same stream into a pool capped at a third of that size: admissions now evict (or are
  // refused on the rising minimum fee / for evicted parents).
  const full = new MempoolCore({
    backend,
    policy: { maxMempoolBytes: Math.floor(warm.state.usage / 3) },
  });
  const fullTimes: number[] = [];
  let evicted = 0;
  for (const tx of txs) {
    const t0 = performance.now();
    const r = full.accept(tx, ctx);
    fullTimes.push((performance.now() - t0) * 1000);
    if (r.ok) evicted += r.trimmed.length;
  }
  fullTimes.sort((a, b) => a - b);
  const scriptTimes: number[] = [];
  txs.forEach((tx, i) => {
    const t0 = performance.now();
    if (runPolicyScriptChecks({ backend }, tx, spentCoins[i]!))
      throw new InvariantError('script check failed');
    scriptTimes.push((performance.now() - t0) * 1000);
  });
  times.sort((a, b) => a - b);
  scriptTimes.sort((a, b) => a - b);
  const scriptP50 = percentile(scriptTimes, 0.5);
  const scriptP99 = percentile(scriptTimes, 0.99);
  h.log(
    `mempool admission: ${n} txs (${backend.name}), pool of ${pool.state.size}; capped pool kept ${full.state.size}, evicted ${evicted}`,
  );
  h.report({
    bench: 'p2p',
    metric: 'mempool admission p50',
    value: percentile(times, 0.5),
    unit: 'us',
    anchor: 'script checks alone p50',
    anchorValue: scriptP50,
  });
  h.report({
    bench: 'p2p',
    metric: 'mempool admission p99',
    value: percentile(times, 0.99),
    unit: 'us',
    anchor: 'script checks alone p99',
    anchorValue: scriptP99,
  });
  h.report({
    bench: 'p2p',
    metric: 'mempool admission p50, full pool (evicting)',
    value: percentile(fullTimes, 0.5),
    unit: 'us',
    anchor: 'script checks alone p50',
    anchorValue: scriptP50,
  });
}
