import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import type { L2BlockData } from '@keel/rollup';
import { bytesToHex, hexToBytes } from '@keel/util';
import { RollupNodeError, RollupNodeErrorCode } from './errors.ts';

/** One WAL record: a transaction the sequencer accepted, or a block it sealed. */
export type WalRecord =
  | { readonly t: 'tx'; readonly raw: Uint8Array; readonly seenMs: number }
  | { readonly t: 'block'; readonly block: L2BlockData };

function encode(r: WalRecord): string {
  if (r.t === 'tx') return JSON.stringify({ t: 'tx', raw: bytesToHex(r.raw), seen: r.seenMs });
  const b = r.block;
  return JSON.stringify({
    t: 'block',
    n: b.number.toString(),
    ts: b.timestamp.toString(),
    o: b.l1Origin.toString(),
    txs: b.txs.map(bytesToHex),
  });
}

const HEX = /^([0-9a-f]{2})*$/;
const INT = /^[0-9]+$/;

/** One line back to its record; `undefined` when any field is missing or malformed. */
function decode(line: string): WalRecord | undefined {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const isHex = (v: unknown): v is string => typeof v === 'string' && HEX.test(v);
  const isInt = (v: unknown): v is string => typeof v === 'string' && INT.test(v);
  if (o.t === 'tx') {
    if (!isHex(o.raw) || !Number.isSafeInteger(o.seen)) return undefined;
    return { t: 'tx', raw: hexToBytes(o.raw), seenMs: o.seen as number };
  }
  if (o.t !== 'block' || !isInt(o.n) || !isInt(o.ts) || !isInt(o.o)) return undefined;
  if (!Array.isArray(o.txs) || !o.txs.every(isHex)) return undefined;
  return {
    t: 'block',
    block: {
      number: BigInt(o.n),
      timestamp: BigInt(o.ts),
      l1Origin: BigInt(o.o),
      txs: o.txs.map(hexToBytes),
    },
  };
}

/**
 * Append-only write-ahead log (JSON lines, fsynced before the sequencer answers): an accepted
 * transaction is durable before its hash is returned, a sealed block before it is served. A torn
 * last line (a crash mid-write) is dropped on open; everything before it is replayed.
 */
export class WriteAheadLog {
  readonly #fd: number;
  readonly records: readonly WalRecord[];

  constructor(path: string) {
    const recs: WalRecord[] = [];
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      const lines = text.split('\n');
      // the last element is '' after a complete final line, or a torn record
      lines.slice(0, -1).forEach((l, i) => {
        if (l.length === 0) return;
        const r = decode(l);
        // only the last line can be torn by a crash; damage before it is not ours to guess at
        if (!r) {
          throw new RollupNodeError(
            RollupNodeErrorCode.WAL,
            `${path} line ${i + 1}: not a write-ahead log record`,
            { path, line: i + 1 },
          );
        }
        recs.push(r);
      });
      const torn = lines[lines.length - 1]!;
      if (torn.length > 0) truncateSync(path, Buffer.byteLength(text) - Buffer.byteLength(torn));
    }
    this.records = recs;
    this.#fd = openSync(path, 'a');
  }

  append(rs: readonly WalRecord[]): void {
    if (rs.length === 0) return;
    writeSync(this.#fd, `${rs.map(encode).join('\n')}\n`);
    fsyncSync(this.#fd);
  }

  close(): void {
    closeSync(this.#fd);
  }
}
