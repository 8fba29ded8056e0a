/**
 * Revenue ledger for merge-mining rewards: every reward is split by a policy of integer weights
 * (default 60/25/10/5 for core/grants/audits/ops) in exact integer satoshi arithmetic.
 *
 * Remainder rule (largest remainder, Hamilton): each bucket first gets
 * floor(amount × weight / totalWeight); the satoshis left over (fewer than the number of
 * buckets) go one each to the buckets with the largest fractional parts
 * ((amount × weight) mod totalWeight), ties broken by policy order. Parts always sum to the amount.
 *
 * The JSON export is a hash chain: each entry's `hash` is SHA-256 of the previous hash and the
 * entry's canonical fields, so a changed, dropped or reordered entry is detectable, and
 * `verifyLedgerExport` recomputes every split, hash and total from the policy.
 */
import { sha256 } from '@keel/crypto/hashes';
import { bytesToHex, hexToBytes } from '@keel/util';
import { StratumError, StratumErrorCode } from '../errors.ts';

export interface RevenueBucket {
  readonly name: string;
  /** Non-negative integer weight. */
  readonly weight: number;
}

export interface RevenuePolicy {
  readonly buckets: readonly RevenueBucket[];
}

export const defaultRevenuePolicy: RevenuePolicy = {
  buckets: [
    { name: 'core', weight: 60 },
    { name: 'grants', weight: 25 },
    { name: 'audits', weight: 10 },
    { name: 'ops', weight: 5 },
  ],
};

function bad(msg: string): StratumError {
  return new StratumError(StratumErrorCode.LEDGER, msg);
}

export function validatePolicy(p: RevenuePolicy): void {
  if (p.buckets.length === 0) throw bad('policy has no buckets');
  const names = new Set<string>();
  let total = 0;
  for (const b of p.buckets) {
    if (!Number.isSafeInteger(b.weight) || b.weight < 0)
      throw bad(`bucket ${b.name}: weight must be a non-negative integer`);
    if (names.has(b.name)) throw bad(`bucket ${b.name} appears twice`);
    names.add(b.name);
    total += b.weight;
  }
  if (total <= 0) throw bad('policy weights sum to zero');
}

/** Splits `amount` satoshis by the policy; see the module comment for the remainder rule. */
export function splitReward(
  amount: bigint,
  policy: RevenuePolicy = defaultRevenuePolicy,
): Record<string, bigint> {
  validatePolicy(policy);
  if (amount < 0n) throw bad('amount must be non-negative');
  const total = BigInt(policy.buckets.reduce((s, b) => s + b.weight, 0));
  const parts = policy.buckets.map((b, i) => {
    const num = amount * BigInt(b.weight);
    return { name: b.name, i, floor: num / total, frac: num % total };
  });
  let left = amount - parts.reduce((s, p) => s + p.floor, 0n);
  const order = [...parts].sort((a, b) =>
    a.frac === b.frac ? a.i - b.i : a.frac > b.frac ? -1 : 1,
  );
  for (const p of order) {
    if (left === 0n) break;
    p.floor += 1n;
    left -= 1n;
  }
  const out: Record<string, bigint> = {};
  for (const p of parts) out[p.name] = p.floor;
  return out;
}

export interface RevenueEntryInput {
  /** Secondary chain name (e.g. 'namecoin'). */
  readonly chain: string;
  readonly blockHash: string;
  readonly height?: number;
  /** Reward in the chain's smallest unit. */
  readonly reward: bigint;
  /** Unix seconds (injected). */
  readonly time: number;
}

export interface RevenueEntry extends RevenueEntryInput {
  readonly seq: number;
  readonly split: Readonly<Record<string, bigint>>;
  readonly hash: string;
}

export interface RevenueLedgerExport {
  readonly version: 1;
  readonly policy: RevenuePolicy;
  readonly remainderRule: string;
  readonly entries: readonly {
    seq: number;
    chain: string;
    blockHash: string;
    height: number | null;
    reward: string;
    time: number;
    split: Record<string, string>;
    hash: string;
  }[];
  readonly totals: Record<string, Record<string, string>>;
  readonly head: string;
}

const GENESIS = '00'.repeat(32);
const REMAINDER_RULE =
  'floor(amount*weight/total) each; leftover units one each to the largest (amount*weight mod total), ties by policy order';

function entryHash(prev: string, e: Omit<RevenueEntry, 'hash'>): string {
  const canonical = JSON.stringify([
    e.seq,
    e.chain,
    e.blockHash,
    e.height ?? null,
    e.reward.toString(),
    e.time,
    Object.entries(e.split).map(([k, v]) => [k, v.toString()]),
  ]);
  return bytesToHex(
    sha256(new Uint8Array([...hexToBytes(prev), ...new TextEncoder().encode(canonical)])),
  );
}

export class RevenueLedger {
  readonly policy: RevenuePolicy;
  private readonly list: RevenueEntry[] = [];

  constructor(policy: RevenuePolicy = defaultRevenuePolicy) {
    validatePolicy(policy);
    this.policy = policy;
  }

  get entries(): readonly RevenueEntry[] {
    return this.list;
  }

  record(input: RevenueEntryInput): RevenueEntry {
    if (input.reward < 0n) throw bad('reward must be non-negative');
    const base = { ...input, seq: this.list.length, split: splitReward(input.reward, this.policy) };
    const prev = this.list.at(-1)?.hash ?? GENESIS;
    const entry: RevenueEntry = { ...base, hash: entryHash(prev, base) };
    this.list.push(entry);
    return entry;
  }

  /** Totals per chain and bucket (each chain's rewards are in its own unit). */
  totals(): Record<string, Record<string, bigint>> {
    const out: Record<string, Record<string, bigint>> = {};
    for (const e of this.list) {
      const t = (out[e.chain] ??= Object.fromEntries(this.policy.buckets.map((b) => [b.name, 0n])));
      for (const [k, v] of Object.entries(e.split)) t[k] = (t[k] ?? 0n) + v;
    }
    return out;
  }

  toJSON(): RevenueLedgerExport {
    const totals = this.totals();
    return {
      version: 1,
      policy: this.policy,
      remainderRule: REMAINDER_RULE,
      entries: this.list.map((e) => ({
        seq: e.seq,
        chain: e.chain,
        blockHash: e.blockHash,
        height: e.height ?? null,
        reward: e.reward.toString(),
        time: e.time,
        split: Object.fromEntries(Object.entries(e.split).map(([k, v]) => [k, v.toString()])),
        hash: e.hash,
      })),
      totals: Object.fromEntries(
        Object.entries(totals).map(([c, t]) => [
          c,
          Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.toString()])),
        ]),
      ),
      head: this.list.at(-1)?.hash ?? GENESIS,
    };
  }
}

/** Rebuilds a ledger from its export and checks every split, hash, total and the head. */
export function verifyLedgerExport(
  x: RevenueLedgerExport,
): { ok: true } | { ok: false; reason: string } {
  try {
    const l = new RevenueLedger(x.policy);
    for (const [i, e] of x.entries.entries()) {
      if (!/^\d+$/.test(e.reward))
        return { ok: false, reason: `entry ${i}: reward is not a decimal integer` };
      const got = l.record({
        chain: e.chain,
        blockHash: e.blockHash,
        ...(e.height === null ? {} : { height: e.height }),
        reward: BigInt(e.reward),
        time: e.time,
      });
      if (got.seq !== e.seq) return { ok: false, reason: `entry ${i}: seq ${e.seq} out of order` };
      for (const [k, v] of Object.entries(got.split)) {
        if (e.split[k] !== v.toString())
          return {
            ok: false,
            reason: `entry ${i}: split for ${k} is ${e.split[k]}, policy gives ${v}`,
          };
      }
      if (got.hash !== e.hash) return { ok: false, reason: `entry ${i}: hash mismatch` };
    }
    const again = l.toJSON();
    if (JSON.stringify(again.totals) !== JSON.stringify(x.totals))
      return { ok: false, reason: 'totals do not match the entries' };
    if (again.head !== x.head) return { ok: false, reason: 'head hash mismatch' };
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}
