/**
 * Conformance suite `bip152` over the vectors' `bip152/` folder, checked as its CHECKING.md
 * says: parse each `cmpctblock` payload, derive the SipHash keys, recompute every short id from
 * the full block, rebuild the block from a mempool (all at once, and with a getblocktxn round
 * trip), and re-create the payload byte for byte. Expected values (nonces, keys, counts, block
 * hashes, which full block goes with which payload) come from CHECKING.md's tables, not from
 * this code; every `.raw` file in the folder must be named there.
 */
import {
  type Block,
  blockHash,
  decodeBlock,
  encodeBlock as encodeBlockOf,
  hashToHex,
  type Transaction,
  txid,
  wtxid,
} from '@keel/bitcoin/primitives';
import type { ConformanceSuite, CountContext, SuiteContext } from '@keel/conformance';
import { bytesToHex, equalBytes, KeelError } from '@keel/util';
import {
  decodeBlockTxn,
  decodeCmpctBlock,
  decodeGetBlockTxn,
  encodeBlockTxn,
  encodeCmpctBlock,
  encodeGetBlockTxn,
} from '../bip152/codec.ts';
import { createCompactBlock } from '../bip152/createCompactBlock.ts';
import {
  type CompactTxEntry,
  isReconstructFailure,
  PartiallyDownloadedBlock,
} from '../bip152/reconstruct.ts';
import { serveGetBlockTxn } from '../bip152/serve.ts';
import { shortId, shortIdKey } from '../bip152/shortIds.ts';

/** The vector files do not hold what the suite expects, or a step returned a failure status. */
class SuiteCaseError extends KeelError {
  constructor(message: string) {
    super('ERR_SUITE_CASE', message);
    this.name = 'SuiteCaseError';
  }
}

const DIR = 'bip152';
const CHECKING = `${DIR}/CHECKING.md`;
/** Cases per payload besides one per short id: parse, keys, rebuild, partial, roundtrip. */
const FIXED_CASES = 5;

interface CompactVector {
  compact: string;
  full: string;
  blockHash: string;
  nonce: bigint;
  shortIds: number;
  prefilled: number[];
  txs: number;
  k0: bigint;
  k1: bigint;
}

/** Reads CHECKING.md's two tables and key list into one record per compact payload. */
function parseChecking(text: string): CompactVector[] {
  const files = new Map<string, { full: string; hash: string }>();
  const contents = new Map<string, { nonce: bigint; ids: number; pre: number[]; txs: number }>();
  const keys = new Map<string, { k0: bigint; k1: bigint }>();
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    let m = /^`(compact\w+\.raw)`/.exec(cells[1] ?? '');
    if (m && cells.length >= 6) {
      files.set(m[1]!, { full: cells[2]!.replace(/`/g, ''), hash: cells[4]!.replace(/`/g, '') });
      continue;
    }
    m = /^(compact\w+\.raw)$/.exec(cells[1] ?? '');
    if (m && cells.length >= 7) {
      const pre = /\[([\d, ]*)\]/.exec(cells[4]!)?.[1] ?? '';
      contents.set(m[1]!, {
        nonce: BigInt(cells[2]!),
        ids: Number(cells[3]),
        pre: pre
          .split(',')
          .filter((s) => s.trim() !== '')
          .map(Number),
        txs: Number(cells[5]),
      });
      continue;
    }
    m = /^\s*-\s*(compact\w+):\s*k0\s*=\s*(0x[0-9a-f]+),\s*k1\s*=\s*(0x[0-9a-f]+)/i.exec(line);
    if (m) keys.set(`${m[1]}.raw`, { k0: BigInt(m[2]!), k1: BigInt(m[3]!) });
  }
  return [...files].map(([compact, f]) => {
    const c = contents.get(compact);
    const k = keys.get(compact);
    if (!c || !k)
      throw new SuiteCaseError(`CHECKING.md lists ${compact} without its contents or keys`);
    return {
      compact,
      full: f.full,
      blockHash: f.hash,
      nonce: c.nonce,
      shortIds: c.ids,
      prefilled: c.pre,
      txs: c.txs,
      k0: k.k0,
      k1: k.k1,
    };
  });
}

function countCases(ctx: CountContext): number {
  return parseChecking(ctx.readText(CHECKING)).reduce((n, v) => n + FIXED_CASES + v.shortIds, 0);
}

function entriesOf(txs: readonly Transaction[]): CompactTxEntry[] {
  return txs.map((tx) => ({ tx, txid: txid(tx), wtxid: wtxid(tx) }));
}

function le64(b: Uint8Array, off: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i]!);
  return v;
}

async function runVector(ctx: SuiteContext, v: CompactVector): Promise<void> {
  const raw = ctx.readBytes(`${DIR}/${v.compact}`);
  const fullRaw = ctx.readBytes(`${DIR}/${v.full}`);
  const full: Block = decodeBlock(fullRaw);
  await ctx.check(`${v.compact}/parse`, () => {
    const cmpct = decodeCmpctBlock(raw);
    ctx.expectEqual(hashToHex(blockHash(cmpct.header)), v.blockHash, 'compact header hash');
    ctx.expectEqual(hashToHex(blockHash(full.header)), v.blockHash, 'full block hash');
    ctx.expectTrue(equalBytes(raw.subarray(0, 80), fullRaw.subarray(0, 80)), 'header bytes');
    ctx.expectEqual(cmpct.nonce, v.nonce, 'nonce');
    ctx.expectEqual(cmpct.shortIds.length, v.shortIds, 'short id count');
    ctx.expectEqual(
      cmpct.prefilled.map((p) => p.index),
      v.prefilled,
      'prefilled indexes',
    );
    ctx.expectEqual(full.txs.length, v.txs, 'transactions in the full block');
  });
  // Key halves, read back from the SipHash key (k0 = bytes 0..7 LE of SHA256(header ‖ nonce)).
  await ctx.check(`${v.compact}/keys`, () => {
    const key = shortIdKey(full.header, v.nonce);
    const k0 = (BigInt(key.k0hi >>> 0) << 32n) | BigInt(key.k0lo >>> 0);
    const k1 = (BigInt(key.k1hi >>> 0) << 32n) | BigInt(key.k1lo >>> 0);
    ctx.expectEqual(`0x${k0.toString(16)}`, `0x${v.k0.toString(16)}`, 'k0');
    ctx.expectEqual(`0x${k1.toString(16)}`, `0x${v.k1.toString(16)}`, 'k1');
  });
  const key = shortIdKey(full.header, v.nonce);
  const pre = new Set(v.prefilled);
  const nonPrefilled = full.txs.filter((_, i) => !pre.has(i));
  for (let i = 0; i < v.shortIds; i++) {
    await ctx.check(`${v.compact}/shortid/${i}`, () => {
      const tx = nonPrefilled[i];
      ctx.expectTrue(tx !== undefined, `block has a transaction for short id ${i}`);
      // The wire bytes of short id i, read straight from the payload (6-byte LE at 89 + 6i:
      // 80 header + 8 nonce + a 1- or 3-byte count).
      const countLen = raw[88]! < 0xfd ? 1 : 3;
      const off = 88 + countLen + 6 * i;
      const wire = le64(Uint8Array.from([...raw.subarray(off, off + 6), 0, 0]), 0);
      ctx.expectEqual(shortId(key, wtxid(tx!)), Number(wire), 'short id over wtxid');
      ctx.expectEqual(shortId(key, txid(tx!)), Number(wire), 'short id over txid');
    });
  }
  await ctx.check(`${v.compact}/rebuild`, () => {
    const c = decodeCmpctBlock(raw);
    // The mempool in reverse order, so matching cannot lean on block order.
    const pool = entriesOf(full.txs).reverse();
    const partial = PartiallyDownloadedBlock.init(c, { mempool: { compactTxs: () => pool } });
    if (isReconstructFailure(partial))
      throw new SuiteCaseError(`${partial.status}: ${partial.reason}`);
    ctx.expectEqual(partial.missingIndexes(), [], 'missing indexes');
    const r = partial.fill([], { segwitActive: false });
    if (r.status !== 'ok') throw new SuiteCaseError(`${r.status}: ${r.reason}`);
    ctx.expectEqual(bytesToHex(encodeBlockOf(r.block)), bytesToHex(fullRaw), 'rebuilt block');
  });
  await ctx.check(`${v.compact}/partial`, () => {
    const c = decodeCmpctBlock(raw);
    // Every third non-coinbase transaction is absent from the mempool.
    const absent = full.txs.map((_, i) => i).filter((i) => i > 0 && i % 3 === 0);
    const gone = new Set(absent);
    const pool = entriesOf(full.txs).filter((_, i) => !gone.has(i));
    const partial = PartiallyDownloadedBlock.init(c, { mempool: { compactTxs: () => pool } });
    if (isReconstructFailure(partial))
      throw new SuiteCaseError(`${partial.status}: ${partial.reason}`);
    const req = partial.getBlockTxn();
    ctx.expectEqual(req?.indexes ?? [], absent, 'requested indexes');
    const wireReq = decodeGetBlockTxn(encodeGetBlockTxn(req!));
    const answer = decodeBlockTxn(encodeBlockTxn(serveGetBlockTxn(full, wireReq)));
    const r = partial.fill(answer.txs, { segwitActive: false });
    if (r.status !== 'ok') throw new SuiteCaseError(`${r.status}: ${r.reason}`);
    ctx.expectEqual(bytesToHex(encodeBlockOf(r.block)), bytesToHex(fullRaw), 'filled block');
  });
  await ctx.check(`${v.compact}/roundtrip`, () => {
    const again = encodeCmpctBlock(createCompactBlock(full, v.nonce));
    ctx.expectEqual(bytesToHex(again), bytesToHex(raw), 're-created payload');
  });
}

export const bip152Suite: ConformanceSuite = {
  name: 'bip152',
  description:
    'BIP152 compact blocks: cmpctblock parsing, SipHash short-id keys, short ids, reconstruction with and without getblocktxn, byte-exact re-creation',
  files: [CHECKING],
  filesIn: [DIR],
  filesInPattern: /\.raw$/,
  expectedCases: countCases,
  async run(ctx) {
    const vectors = parseChecking(ctx.readText(CHECKING));
    const named = new Set(vectors.flatMap((v) => [`${DIR}/${v.compact}`, `${DIR}/${v.full}`]));
    for (const f of ctx.files) {
      if (f.endsWith('.raw') && !named.has(f)) {
        await ctx.check(`file:${f}`, () => {
          throw new SuiteCaseError(
            'a .raw file CHECKING.md does not describe; add it to the suite',
          );
        });
      }
    }
    for (const v of vectors) await runVector(ctx, v);
  },
};
