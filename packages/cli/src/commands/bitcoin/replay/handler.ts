import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { NetworkName } from '@keel/bitcoin/consensus';
import {
  type Checkpoint,
  checkpointFileHeader,
  formatCheckpoint,
  parseCheckpoints,
  type ReplayProgress,
  type ReplaySummary,
  replay,
} from '@keel/bitcoin-node';
import { BlockFileError, BlockSource } from '@keel/bitcoin-store';
import { isKeelError } from '@keel/util';
import { CliError } from '../../../errors.ts';
import type { ReplayCliOptions } from './options.ts';

function readCheckpoints(path: string, network: NetworkName): Checkpoint[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read checkpoints ${path}: ${(e as NodeJS.ErrnoException).code}`);
  }
  try {
    const f = parseCheckpoints(text, path);
    if (f.network && f.network !== network) {
      throw new CliError(`checkpoints ${path} are for network ${f.network}, blocks are ${network}`);
    }
    return f.checkpoints;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(isKeelError(e) ? e.message : String(e));
  }
}

/** Appends checkpoint lines; on a resumed run, heights already in the file are not repeated. */
function checkpointWriter(path: string, network: NetworkName) {
  let last = -1;
  if (existsSync(path) && readFileSync(path, 'utf8').trim() !== '') {
    const f = parseCheckpoints(readFileSync(path, 'utf8'), path);
    last = f.checkpoints.at(-1)?.height ?? -1;
  } else {
    appendFileSync(path, checkpointFileHeader(network));
  }
  return (c: Checkpoint) => {
    if (c.height > last) appendFileSync(path, `${formatCheckpoint(c)}\n`);
  };
}

function progressLine(p: ReplayProgress): string {
  const s = Math.max(p.elapsedMs, 1) / 1000;
  const bps = p.blocks / s;
  const eta = bps > 0 ? (p.targetHeight - p.height) / bps : 0;
  const mb = (n: number) => (n / 1048576).toFixed(1);
  return (
    `height ${p.height}/${p.targetHeight}  ${bps.toFixed(1)} blk/s  ${(p.txs / s).toFixed(0)} tx/s  ` +
    `${(p.inputs / s).toFixed(0)} in/s  cache ${mb(p.cacheBytes)}/${mb(p.cacheLimit)} MiB  ` +
    `ETA ${eta < 1 ? '<1' : eta.toFixed(0)} s`
  );
}

const btc = (sat: bigint) =>
  `${sat / 100_000_000n}.${(sat % 100_000_000n).toString().padStart(8, '0')}`;

export async function replayHandler(opts: ReplayCliOptions): Promise<number> {
  let network: NetworkName;
  try {
    const detected = BlockSource.open(opts.blocks).detectNetwork();
    if (opts.network === 'auto') {
      if (!detected) throw new CliError(`${opts.blocks}: no known network magic at the start`);
      network = detected;
    } else {
      network = opts.network;
    }
  } catch (e) {
    if (e instanceof BlockFileError) throw new CliError(e.message);
    throw e;
  }
  const datadir = opts.datadir ?? join(homedir(), '.keel', network);
  const checkpoints = opts.checkpoints ? readCheckpoints(opts.checkpoints, network) : undefined;
  const write = opts.writeCheckpoints
    ? checkpointWriter(opts.writeCheckpoints, network)
    : undefined;
  const tty = process.stderr.isTTY && !opts.json;
  let lastDraw = 0;
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  let summary: ReplaySummary;
  let failure: string | undefined;
  try {
    summary = await replay(
      {
        blocks: opts.blocks,
        datadir,
        network,
        dbcacheMB: opts.dbcache,
        workers: opts.workers,
        backend: opts.backend,
        store: opts.store,
        adjustedTime: Math.floor(Date.now() / 1000),
        signal: ac.signal,
        ...(opts.until === undefined ? {} : { until: opts.until }),
        ...(checkpoints ? { checkpoints } : {}),
        ...(write && opts.every ? { writeCheckpoint: { every: opts.every, write } } : {}),
        ...(opts.flushEvery ? { flushEveryBlocks: opts.flushEvery } : {}),
        onProgress: (p) => {
          const t = performance.now();
          if (tty && t - lastDraw >= 250) {
            lastDraw = t;
            process.stderr.write(`\r\x1b[K${progressLine(p)}`);
          } else if (!tty && opts.progress && t - lastDraw >= 1000) {
            lastDraw = t;
            process.stderr.write(`${progressLine(p)}\n`);
          }
        },
      },
      () => performance.now(),
    );
  } catch (e) {
    if (tty) process.stderr.write('\n');
    if (isKeelError(e)) throw new CliError(`${e.name}: ${e.message}`, {}, 1);
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (tty) process.stderr.write('\r\x1b[K');
  if (summary.invalid.length) {
    const i = summary.invalid[0]!;
    failure = `invalid block ${i.hash} at height ${i.height}: ${i.reason}`;
  }
  if (summary.fileError) failure = summary.fileError;
  const s = summary.elapsedMs / 1000;
  const report = {
    network: summary.network,
    datadir,
    tipHeight: summary.tipHeight,
    tipHash: summary.tipHash,
    muhash: summary.muhash,
    txouts: summary.txouts,
    totalAmount: btc(summary.amount),
    totalAmountSat: summary.amount.toString(),
    resumedFrom: summary.resumedFrom,
    blocksIndexed: summary.indexed,
    blocksUnlinked: summary.unlinked,
    blocksConnected: summary.blocksConnected,
    blocksDisconnected: summary.blocksDisconnected,
    uncleanDisconnects: summary.uncleanDisconnects,
    reorgs: summary.reorgs,
    txs: summary.txs,
    inputs: summary.inputs,
    flushes: summary.flushes,
    cacheHitRate: rate(summary.cacheHits, summary.cacheMisses),
    blocksPerSecond: round(summary.blocksConnected / Math.max(s, 1e-3)),
    elapsedMs: Math.round(summary.elapsedMs),
    invalid: summary.invalid,
    ...(summary.fileError ? { fileError: summary.fileError } : {}),
    ...(summary.stoppedEarly ? { stoppedEarly: summary.stoppedEarly } : {}),
  };
  if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else {
    process.stdout.write(
      `tip ${report.tipHeight} ${report.tipHash} (${report.network})\n` +
        `muhash ${report.muhash}\n` +
        `txouts ${report.txouts}, total amount ${report.totalAmount} BTC\n` +
        `connected ${report.blocksConnected} blocks (${report.txs} txs, ${report.inputs} inputs) ` +
        `from height ${report.resumedFrom}, ${report.reorgs} reorgs, ${report.flushes} flushes, ` +
        `${(summary.elapsedMs / 1000).toFixed(2)} s\n` +
        (summary.stoppedEarly ? 'stopped early (interrupted); re-run to resume\n' : ''),
    );
  }
  if (failure) process.stderr.write(`keel: ${failure}\n`);
  return failure ? 1 : 0;
}

function rate(hits: number, misses: number): number {
  return hits + misses === 0 ? 0 : round(hits / (hits + misses));
}
function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
