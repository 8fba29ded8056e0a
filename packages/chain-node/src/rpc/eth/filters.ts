import { type EthLogFilter, ethRpcLimits } from '@keel/api';
import { KeelError } from '@keel/util';

/** Most installed filters per node, and geth's idle expiry (5 min without a poll). */
export const ethFilterLimits = {
  maxFilters: ethRpcLimits.maxFilters,
  idleMs: 5 * 60_000,
  maxPendingSeen: 20_000,
};

type Filter =
  | { kind: 'logs'; filter: EthLogFilter; last: number; touched: number }
  | { kind: 'blocks'; last: number; touched: number }
  | { kind: 'pending'; seen: Set<string>; touched: number };

export interface FilterSource {
  head(): number;
  /** Logs of blocks from..to (inclusive) matching `f`'s address/topics. */
  logs(f: EthLogFilter, from: number, to: number): unknown[];
  /** The Ethereum block hash at height h. */
  blockHash(h: number): string | null;
  /** Hashes (0x-hex) of pending Ethereum transactions. */
  pendingHashes(): string[];
  /** A block tag as a height (undefined: beyond the head). */
  height(tag: string | undefined): number | undefined;
}

export const EthFilterErrorCode = {
  NOT_FOUND: 'ERR_ETH_FILTER_NOT_FOUND',
  TOO_MANY: 'ERR_ETH_FILTER_TOO_MANY',
  WRONG_KIND: 'ERR_ETH_FILTER_WRONG_KIND',
} as const;
export type EthFilterErrorCode = (typeof EthFilterErrorCode)[keyof typeof EthFilterErrorCode];

/** A filter call the node refuses (answered as JSON-RPC -32000 with this message). */
export class EthFilterError extends KeelError {
  constructor(code: EthFilterErrorCode, message: string) {
    super(code, message);
    this.name = 'EthFilterError';
  }
}

/**
 * Poll-based filters (eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter,
 * eth_getFilterChanges, eth_getFilterLogs, eth_uninstallFilter), as geth: each remembers what
 * it reported; a filter not polled for 5 minutes is dropped; at most 1000 per node.
 */
export class EthFilters {
  private readonly filters = new Map<string, Filter>();
  private counter = 0;

  constructor(
    private readonly src: FilterSource,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.filters.size;
  }

  private install(f: Filter): string {
    this.expire();
    if (this.filters.size >= ethFilterLimits.maxFilters)
      throw new EthFilterError(
        EthFilterErrorCode.TOO_MANY,
        `too many filters (${ethFilterLimits.maxFilters} per node)`,
      );
    const id = `0x${(++this.counter * 0x9e3779b1 + 0x1000).toString(16)}`;
    this.filters.set(id, f);
    return id;
  }

  newLogFilter(filter: EthLogFilter): string {
    // changes start after the head, or just before fromBlock when that is later
    const from = filter.fromBlock ? this.src.height(filter.fromBlock) : undefined;
    const last = from === undefined ? this.src.head() : Math.min(this.src.head(), from - 1);
    return this.install({ kind: 'logs', filter, last, touched: this.now() });
  }

  newBlockFilter(): string {
    return this.install({ kind: 'blocks', last: this.src.head(), touched: this.now() });
  }

  newPendingFilter(): string {
    return this.install({
      kind: 'pending',
      seen: new Set(this.src.pendingHashes()),
      touched: this.now(),
    });
  }

  uninstall(id: string): boolean {
    return this.filters.delete(id);
  }

  private get(id: string): Filter {
    this.expire();
    const f = this.filters.get(id);
    if (!f) throw new EthFilterError(EthFilterErrorCode.NOT_FOUND, 'filter not found');
    f.touched = this.now();
    return f;
  }

  changes(id: string): unknown[] {
    const f = this.get(id);
    const head = this.src.head();
    if (f.kind === 'pending') {
      const now = this.src.pendingHashes();
      const fresh = now.filter((h) => !f.seen.has(h));
      f.seen = new Set(now.slice(0, ethFilterLimits.maxPendingSeen));
      return fresh;
    }
    if (head <= f.last) return [];
    const from = f.last + 1;
    if (f.kind === 'blocks') {
      const out: string[] = [];
      for (let h = from; h <= head; h++) {
        const hash = this.src.blockHash(h);
        if (hash) out.push(hash);
      }
      f.last = head;
      return out;
    }
    const to = Math.min(head, this.src.height(f.filter.toBlock) ?? head);
    const out = to >= from ? this.src.logs(f.filter, from, to) : [];
    f.last = head;
    return out;
  }

  logs(id: string): unknown[] {
    const f = this.get(id);
    if (f.kind !== 'logs')
      throw new EthFilterError(EthFilterErrorCode.WRONG_KIND, 'filter is not a log filter');
    const head = this.src.head();
    const from = this.src.height(f.filter.fromBlock ?? 'latest') ?? head + 1;
    const to = Math.min(head, this.src.height(f.filter.toBlock) ?? head);
    return to >= from ? this.src.logs(f.filter, from, to) : [];
  }

  /** Drops filters idle for longer than 5 minutes. */
  expire(): void {
    const cutoff = this.now() - ethFilterLimits.idleMs;
    for (const [id, f] of this.filters) if (f.touched < cutoff) this.filters.delete(id);
  }
}
