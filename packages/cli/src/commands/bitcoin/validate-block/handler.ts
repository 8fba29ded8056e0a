import { readFileSync } from 'node:fs';
import {
  type BlockValidationOptions,
  blockScriptFlags,
  blockSubsidy,
  blockWeight,
  checkBlock,
  contextualCheckBlock,
  MemoryCoinView,
  type NetworkName,
  networks,
  type PreparedBlock,
  prepareBlock,
  undoPrepared,
  type Verdict,
  validateBlock,
} from '@keel/bitcoin/consensus';
import { type Block, blockHash, decodeBlock, hashToHex, txid } from '@keel/bitcoin/primitives';
import {
  decodeScriptNum,
  formatScriptFlags,
  parseScriptFlags,
  readScriptOp,
} from '@keel/bitcoin/script';
import { createScriptCheckPool } from '@keel/bitcoin/workers';
import { loadSecp256k1Backend } from '@keel/crypto/secp256k1';
import { equalBytes, hexToBytes, isKeelError } from '@keel/util';
import { z } from 'zod';
import { CliError } from '../../../errors.ts';
import type { ValidateBlockOptions } from './options.ts';

const prevoutSchema = z.array(
  z.object({
    prevTxid: z.string().regex(/^[0-9a-fA-F]{64}$/),
    prevVout: z.number().int().min(0).max(0xffffffff),
    value: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    scriptPubKey: z.string().regex(/^([0-9a-fA-F]{2})*$/),
    height: z.number().int().min(0).nullable().optional(),
    coinbase: z.boolean().nullable().optional(),
  }),
);

function readFile(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new CliError(
      `cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    );
  }
}

/** Raw bytes, a magic+length prefixed record (blk*.dat style), or hex text. */
function loadBlock(path: string, network: NetworkName): Block {
  let bytes = readFile(path, 'block file');
  const text = new TextDecoder().decode(bytes.subarray(0, Math.min(bytes.length, 64)));
  if (bytes.length > 0 && /^[0-9a-fA-F\s]+$/.test(text)) {
    const hex = new TextDecoder().decode(bytes).replace(/\s+/g, '');
    try {
      bytes = hexToBytes(hex);
    } catch (e) {
      throw new CliError(`${path} looks like hex but is not: ${(e as Error).message}`);
    }
  }
  if (bytes.length >= 8 && equalBytes(bytes.subarray(0, 4), networks[network].magic)) {
    bytes = bytes.subarray(8);
  }
  try {
    return decodeBlock(bytes);
  } catch (e) {
    throw new CliError(`${path} is not a valid serialized block: ${(e as Error).message}`);
  }
}

function loadPrevouts(path: string, block: Block): MemoryCoinView {
  let entries: z.infer<typeof prevoutSchema>;
  try {
    const parsed = prevoutSchema.safeParse(
      JSON.parse(new TextDecoder().decode(readFile(path, 'prevouts file'))),
    );
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      const at = i.path.length ? `entry ${i.path.join('.')}` : 'top level';
      throw new CliError(`prevouts file ${path}: ${at}: ${i.message}`);
    }
    entries = parsed.data;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`prevouts file ${path} is not JSON: ${(e as Error).message}`);
  }
  // outputs the block creates itself are added when it connects, not taken from the file
  const inBlock = new Set(block.txs.map((tx) => hashToHex(txid(tx))));
  const view = new MemoryCoinView();
  for (const e of entries) {
    if (inBlock.has(e.prevTxid.toLowerCase())) continue;
    const outpoint = { txid: hexToBytes(e.prevTxid).reverse(), vout: e.prevVout };
    view.add(
      outpoint,
      {
        value: BigInt(e.value),
        scriptPubKey: hexToBytes(e.scriptPubKey),
        height: e.height ?? 0,
        coinbase: e.coinbase ?? false,
      },
      true,
    );
  }
  return view;
}

/** The height BIP34 puts first in the coinbase scriptSig, if it reads as one. */
function bip34Height(block: Block): number | undefined {
  const sig = block.txs[0]?.inputs[0]?.scriptSig;
  const op = sig ? readScriptOp(sig, 0) : null;
  if (!op) return undefined;
  if (op.opcode >= 0x51 && op.opcode <= 0x60) return op.opcode - 0x50;
  if (!op.data || op.data.length === 0 || op.data.length > 4) return undefined;
  try {
    const n = decodeScriptNum(op.data, false, 4);
    return n >= 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

interface Report {
  valid: boolean;
  hash: string;
  network: NetworkName;
  height: number;
  scope: 'full' | 'structure';
  reason?: string;
  txIndex?: number;
  txid?: string;
  inputIndex?: number;
  detail?: string;
  txs: number;
  inputs: number;
  weight: number;
  fees?: string;
  sigOpCost?: number;
  scriptFlags?: string;
}

export async function validateBlockHandler(
  file: string,
  opts: ValidateBlockOptions,
): Promise<number> {
  const params = networks[opts.network];
  const block = loadBlock(file, opts.network);
  const height = opts.height ?? bip34Height(block);
  if (height === undefined) {
    throw new CliError('cannot read a BIP34 height from the coinbase: pass --height N');
  }
  let flags: number;
  try {
    flags =
      opts.flags === undefined
        ? blockScriptFlags(height, blockHash(block.header), params)
        : parseScriptFlags(opts.flags);
  } catch (e) {
    throw new CliError(`--flags: ${isKeelError(e) ? e.message : String(e)}`);
  }
  const report: Report = {
    valid: false,
    hash: hashToHex(blockHash(block.header)),
    network: opts.network,
    height,
    scope: opts.prevouts ? 'full' : 'structure',
    txs: block.txs.length,
    inputs: block.txs.reduce((n, tx, i) => n + (i ? tx.inputs.length : 0), 0),
    weight: blockWeight(block),
  };
  let verdict: Verdict;
  // signet blocks carry a BIP325 solution, checked with a signature backend
  const signetBackend = params.signetChallenge ? await loadBackend(opts.backend) : undefined;
  if (opts.prevouts) {
    const view = loadPrevouts(opts.prevouts, block);
    const o = { params, height, scriptFlags: flags, backend: signetBackend };
    const r = await runFull(block, view, o, opts);
    verdict = r;
    if (r.ok) {
      report.fees = formatBtc(r.fees);
      report.sigOpCost = r.sigOpCost;
    }
    report.scriptFlags = formatScriptFlags(flags) || 'NONE';
  } else {
    verdict = checkBlock(block, params, { backend: signetBackend });
    if (verdict.ok) verdict = contextualCheckBlock(block, height, params);
  }
  report.valid = verdict.ok;
  if (!verdict.ok) {
    report.reason = verdict.reason;
    if (verdict.txIndex !== undefined) {
      report.txIndex = verdict.txIndex;
      const tx = block.txs[verdict.txIndex];
      if (tx) report.txid = hashToHex(txid(tx));
    }
    if (verdict.inputIndex !== undefined) report.inputIndex = verdict.inputIndex;
    if (verdict.detail !== undefined) report.detail = verdict.detail;
  }
  process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : human(report, params));
  return report.valid ? 0 : 1;
}

async function runFull(
  block: Block,
  view: MemoryCoinView,
  o: BlockValidationOptions,
  opts: ValidateBlockOptions,
): Promise<PreparedBlock> {
  if (opts.workers === 1) {
    const backend = await loadBackend(opts.backend);
    return validateBlock(block, view, { ...o, backend });
  }
  const prepared = prepareBlock(block, view, o);
  if (!prepared.ok) return prepared;
  const pool = await createScriptCheckPool({ workers: opts.workers, backend: opts.backend });
  try {
    const scripts = await pool.run(prepared.scriptChecks);
    if (scripts.ok) return prepared;
    undoPrepared(block, view, prepared, o);
    return {
      ...scripts,
      undo: { txs: [] },
      scriptChecks: [],
      hash: prepared.hash,
      txids: prepared.txids,
    };
  } finally {
    await pool.close();
  }
}

async function loadBackend(pref: ValidateBlockOptions['backend']) {
  try {
    return await loadSecp256k1Backend(pref);
  } catch (e) {
    throw new CliError(`secp256k1 backend '${pref}' unavailable: ${(e as Error).message}`);
  }
}

function formatBtc(sats: bigint): string {
  const s = sats.toString().padStart(9, '0');
  return `${s.slice(0, -8)}.${s.slice(-8)}`;
}

function human(r: Report, params: (typeof networks)[NetworkName]): string {
  const head = `block ${r.hash} (${r.network}, height ${r.height})`;
  const lines: string[] = [];
  if (r.valid) {
    lines.push(
      `${head}: VALID${r.scope === 'structure' ? ' (structure only: no --prevouts, inputs not checked)' : ''}`,
    );
  } else {
    const where =
      r.txIndex === undefined
        ? ''
        : ` in tx ${r.txIndex} (${r.txid})${r.inputIndex === undefined ? '' : `, input ${r.inputIndex}`}`;
    lines.push(`${head}: INVALID — ${r.reason}${where}`);
    if (r.detail) lines.push(`  ${r.detail}`);
  }
  lines.push(`  ${r.txs} transactions, ${r.inputs} inputs, weight ${r.weight}`);
  if (r.fees !== undefined) {
    const subsidy = blockSubsidy(r.height, params);
    lines.push(
      `  fees ${r.fees} BTC, subsidy ${formatBtc(subsidy)} BTC, sigop cost ${r.sigOpCost}`,
    );
  }
  if (r.scriptFlags) lines.push(`  script flags ${r.scriptFlags}`);
  return `${lines.join('\n')}\n`;
}
