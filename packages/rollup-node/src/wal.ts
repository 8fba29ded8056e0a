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

function decode(line: string): WalRecord {
  const o = JSON.parse(line) as Record<string, unknown>;
  if (o.t === 'tx') return { t: 'tx', raw: hexToBytes(o.raw as string), seenMs: o.seen as number };
  return {
    t: 'block',
    block: {
      number: BigInt(o.n as string),
      timestamp: BigInt(o.ts as string),
      l1Origin: BigInt(o.o as string),
      txs: (o.txs as string[]).map(hexToBytes),
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
      for (const l of lines.slice(0, -1)) if (l.length > 0) recs.push(decode(l));
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
