import type { ConformanceSuite, SuiteContext } from '@keel/conformance';
import type { Secp256k1Backend } from '@keel/crypto';
import { sha256d } from '@keel/crypto';
import { loadSecp256k1Backend } from '@keel/crypto/secp256k1';
import {
  BufferReader,
  bytesToHex,
  concatBytes,
  equalBytes,
  hexToBytes,
  KeelError,
} from '@keel/util';
import { createArrayChainView, type HeaderInfo } from '../consensus/chain.ts';
import { checkBlock } from '../consensus/checkBlock.ts';
import { type Coin, MemoryCoinView } from '../consensus/coins.ts';
import { contextualCheckBlock } from '../consensus/contextual.ts';
import { type NetworkName, networks } from '../consensus/params.ts';
import { checkProofOfWork, nextWorkRequired } from '../consensus/pow.ts';
import { runScriptCheck } from '../consensus/scriptChecks.ts';
import { blockSubsidy } from '../consensus/subsidy.ts';
import { type BlockValidationOptions, validateBlock } from '../consensus/validateBlock.ts';
import { blockWeight } from '../consensus/weight.ts';
import { witnessCommitmentIndex, witnessMerkleRoot } from '../consensus/witness.ts';
import {
  type Block,
  blockHash,
  decodeBlock,
  decodeBlockHeader,
  encodeBlock,
  encodeBlockHeader,
  readBlock,
} from '../primitives/block.ts';
import { computeMerkleRoot } from '../primitives/merkle.ts';
import { hashToHex, txid } from '../primitives/transaction.ts';
import { parseScriptFlags } from '../script/flags.ts';
import { readScriptOp } from '../script/script.ts';
import { precomputeTxData } from '../script/sighash.ts';

/** One spent output, as the vectors' `*.prevouts.json` files list them. */
export interface PrevoutEntry {
  txid: string;
  vin: number;
  prevTxid: string;
  prevVout: number;
  value: number;
  scriptPubKey: string;
  height: number | null;
  coinbase: boolean | null;
  spendHeight?: number;
}

/** A real block with the outputs its inputs spend (blocks/ folder of the vectors). */
interface PrevoutBlock {
  name: string;
  network: NetworkName;
  height: number;
  hash: string;
  /** Flags the vectors README says the block was validated with. */
  flags: string;
  /** bcoin's published sigop cost and weight, where the README gives them. */
  sigops?: number;
  weight?: number;
}

const TESTNET_FLAGS = 'P2SH,DERSIG,CHECKLOCKTIMEVERIFY,CHECKSEQUENCEVERIFY,WITNESS,NULLDUMMY';

const PREVOUT_BLOCKS: readonly PrevoutBlock[] = [
  {
    name: 'mainnet-277647',
    network: 'main',
    height: 277647,
    hash: '0000000000000000054a714e580b16c583701712ab91060e92dbde6eb1e052a8',
    flags: 'P2SH',
  },
  {
    name: 'mainnet-300025',
    network: 'main',
    height: 300025,
    hash: '0000000000000000821c4e0acc40f88bedbce3b73ba2358b5ade58a9022cc78c',
    flags: 'P2SH',
  },
  {
    name: 'testnet3-928816',
    network: 'test',
    height: 928816,
    hash: '00000000000001c4b87edf974ddc601d88dda332265b9849a944a5ff0141a378',
    flags: TESTNET_FLAGS,
    sigops: 9109,
    weight: 3568200,
  },
  {
    name: 'testnet3-928828',
    network: 'test',
    height: 928828,
    hash: '00000000000cee3a01a2821fe68eaa06000e8c744320efca8fcff9c4b9cf76c2',
    flags: TESTNET_FLAGS,
    sigops: 23236,
    weight: 2481560,
  },
  {
    name: 'testnet3-928831',
    network: 'test',
    height: 928831,
    hash: '00000000000001ad19468cbe4010a97942e7d81346f6bd0273f0698dc8022c0a',
    flags: TESTNET_FLAGS,
    sigops: 10035,
    weight: 3992382,
  },
  {
    name: 'testnet3-928848',
    network: 'test',
    height: 928848,
    hash: '00000000000001dc1c2cbd9c2419e9fd396449be12176b3b7c78c2784eb2f5e7',
    flags: TESTNET_FLAGS,
    sigops: 11319,
    weight: 3992537,
  },
  {
    name: 'testnet3-928849',
    network: 'test',
    height: 928849,
    hash: '000000000000008d5be88d271df4ef8559ed54d6fd9e2705a3ba9ba376d8997d',
    flags: TESTNET_FLAGS,
    sigops: 9137,
    weight: 3682105,
  },
  {
    name: 'testnet3-928927',
    network: 'test',
    height: 928927,
    hash: '000000000000003dbbbd9a56f9eab083ea8206cd5ffc63d1c758cbe6b5cbe4eb',
    flags: TESTNET_FLAGS,
    sigops: 10015,
    weight: 3992391,
  },
  {
    name: 'testnet3-1087400',
    network: 'test',
    height: 1087400,
    hash: '0000000003db83e6ab01a6ebb26ad2b1481688009141c9afc204c54284e1ba66',
    flags: TESTNET_FLAGS,
    sigops: 1298,
    weight: 193331,
  },
];

/** Segwit-era blocks without prevouts: structure, merkle root, witness commitment, weight. */
const STRUCTURE_BLOCKS = [
  {
    name: 'mainnet-482683',
    height: 482683,
    hash: '000000000000000000c238240ef6dcb26c37e75e16514e6ffc0aef7eee73e747',
  },
  {
    name: 'mainnet-540107',
    height: 540107,
    hash: '00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab',
  },
  {
    name: 'mainnet-574200',
    height: 574200,
    hash: '0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2',
  },
] as const;

const CHAIN_FILE = 'blocks/mainnet-0-255.blk';
const CHAIN_PREVOUTS = 'blocks/mainnet-0-255.prevouts.json';
const HEADERS_FILE = 'blocks/mainnet-headers-1-11.txt';
const MUTATIONS = [
  'sig-byte-flipped',
  'coinbase-value-plus-1',
  'tx-dropped',
  'tx-dropped-recommitted',
  'tx-duplicated',
] as const;
const CHAIN_BLOCKS = 256;
const CHAIN_SPENDS = 7;
const HEADERS = 11;

/** Reads `prevouts.json` entries into a view holding the coins a block spends from outside itself. */
export function prevoutView(
  block: Block,
  entries: readonly PrevoutEntry[],
  txids = block.txs.map(txid),
): MemoryCoinView {
  const view = new MemoryCoinView();
  const inBlock = new Set(txids.map(bytesToHex));
  let k = 0;
  block.txs.forEach((tx, t) => {
    if (t === 0) return;
    tx.inputs.forEach((input, i) => {
      const e = entries[k++];
      if (!e || e.txid !== hashToHex(txids[t]!) || e.vin !== i) {
        throw new SuiteDataError(`prevouts entry ${k - 1} does not match tx ${t} input ${i}`);
      }
      if (e.prevTxid !== hashToHex(input.prevout.txid) || e.prevVout !== input.prevout.vout) {
        throw new SuiteDataError(`prevouts entry ${k - 1} names another outpoint than the input`);
      }
      if (inBlock.has(bytesToHex(input.prevout.txid))) return; // created by the block itself
      view.add(input.prevout, entryCoin(e), false);
    });
  });
  if (k !== entries.length)
    throw new SuiteDataError(`${entries.length - k} prevouts entries left over`);
  return view;
}

/** Unknown heights (bcoin undo data) become 0 and unknown coinbase flags false. */
function entryCoin(e: PrevoutEntry): Coin {
  return {
    value: BigInt(e.value),
    scriptPubKey: hexToBytes(e.scriptPubKey),
    height: e.height ?? 0,
    coinbase: e.coinbase ?? false,
  };
}

/** The vector files do not say what the suite expects of them. */
class SuiteDataError extends KeelError {
  constructor(message: string) {
    super('ERR_SUITE_DATA', message);
    this.name = 'SuiteDataError';
  }
}

/** Splits a blk*.dat-style file: magic, u32 LE length, block; repeated. */
export function readBlkFile(bytes: Uint8Array, magic: Uint8Array): Uint8Array[] {
  const r = new BufferReader(bytes);
  const out: Uint8Array[] = [];
  while (r.remaining > 0) {
    if (!equalBytes(r.bytes(4, 'magic'), magic))
      throw new SuiteDataError(`bad magic at offset ${r.offset - 4}`);
    const len = r.u32le();
    out.push(r.bytes(len, 'block'));
  }
  return out;
}

function expectRejected(
  ctx: SuiteContext,
  got: { ok: boolean; reason?: string; txIndex?: number; inputIndex?: number },
  want: { reason: string; txIndex?: number; inputIndex?: number },
) {
  ctx.expectEqual(
    { ok: got.ok, reason: got.reason, txIndex: got.txIndex, inputIndex: got.inputIndex },
    { ok: false, reason: want.reason, txIndex: want.txIndex, inputIndex: want.inputIndex },
    'verdict',
  );
}

function cloneBlock(b: Block): Block {
  return decodeBlock(encodeBlock(b));
}

/** Rewrites the witness commitment (when there is one) and the merkle root after a change. */
function recommit(b: Block): Block {
  const cb = b.txs[0]!;
  const idx = witnessCommitmentIndex(cb);
  const nonce = cb.inputs[0]?.witness[0];
  if (idx >= 0 && nonce) {
    const c = sha256d(concatBytes(witnessMerkleRoot(b), nonce));
    cb.outputs[idx]!.scriptPubKey.set(c, 6);
  }
  b.header.merkleRoot = computeMerkleRoot(b.txs.map(txid)).root;
  return b;
}

/**
 * The first input carrying a DER signature, in a transaction no other one in the block
 * spends (a changed scriptSig changes the txid): flips a byte inside the signature's r.
 */
function flipSignatureByte(b: Block): { txIndex: number; inputIndex: number } {
  const spentInBlock = new Set(
    b.txs.flatMap((tx) => tx.inputs.map((i) => bytesToHex(i.prevout.txid))),
  );
  for (let t = 1; t < b.txs.length; t++) {
    const tx = b.txs[t]!;
    if (spentInBlock.has(bytesToHex(txid(tx)))) continue;
    for (let i = 0; i < tx.inputs.length; i++) {
      const input = tx.inputs[i]!;
      const items = [...input.witness];
      for (let pc = 0; pc < input.scriptSig.length; ) {
        const op = readScriptOp(input.scriptSig, pc);
        if (!op) break;
        if (op.data) items.push(op.data);
        pc = op.next;
      }
      const sig = items.find((d) => d.length >= 60 && d.length <= 73 && d[0] === 0x30);
      if (sig) {
        sig[10]! ^= 0x01;
        return { txIndex: t, inputIndex: i };
      }
    }
  }
  throw new SuiteDataError('no input with a DER signature');
}

/** The last transaction that pays a fee and whose outputs no later transaction spends. */
function droppableTx(b: Block, entries: readonly PrevoutEntry[]): number {
  const spentInBlock = new Set<string>();
  for (let t = b.txs.length - 1; t > 0; t--) {
    const tx = b.txs[t]!;
    const id = hashToHex(txid(tx));
    let valueIn = 0n;
    for (const e of entries) if (e.txid === id) valueIn += BigInt(e.value);
    const valueOut = tx.outputs.reduce((sum, o) => sum + o.value, 0n);
    if (valueIn > valueOut && !spentInBlock.has(id)) return t;
    for (const i of tx.inputs) spentInBlock.add(hashToHex(i.prevout.txid));
  }
  throw new SuiteDataError('no fee-paying transaction can be dropped');
}

function runPrevoutBlock(ctx: SuiteContext, spec: PrevoutBlock, backend: Secp256k1Backend): void {
  const raw = ctx.readBytes(`blocks/${spec.name}.raw`);
  const entries = ctx.readJson(`blocks/${spec.name}.prevouts.json`) as PrevoutEntry[];
  const params = networks[spec.network];
  const flags = parseScriptFlags(spec.flags);
  const block = decodeBlock(raw);
  const base: Omit<BlockValidationOptions, 'checkPoW'> = {
    params,
    height: spec.height,
    scriptFlags: flags,
  };
  const txids = block.txs.map(txid);
  // every validation gets a fresh view of the original block's prevouts
  const validate = (b: Block, checkPoW: boolean) =>
    validateBlock(b, prevoutView(block, entries, txids), { ...base, checkPoW, backend });

  ctx.check(`${spec.name}/valid`, () => {
    ctx.expectEqual(hashToHex(blockHash(block.header)), spec.hash, 'block hash');
    const r = validate(block, true);
    if (!r.ok) ctx.expectEqual(r, { ok: true }, 'verdict');
    if (!r.ok) return;
    const inputs = block.txs.reduce((n, tx, t) => n + (t ? tx.inputs.length : 0), 0);
    ctx.expectEqual(r.scriptChecks.length, inputs, 'inputs script-checked');
    const coinbaseOut = block.txs[0]!.outputs.reduce((s, o) => s + o.value, 0n);
    ctx.expectEqual(
      coinbaseOut,
      blockSubsidy(spec.height, params) + r.fees,
      'coinbase = subsidy + fees',
    );
    if (spec.weight !== undefined)
      ctx.expectEqual(blockWeight(block), spec.weight, 'weight (bcoin)');
    if (spec.sigops !== undefined) ctx.expectEqual(r.sigOpCost, spec.sigops, 'sigop cost (bcoin)');
  });

  for (const m of MUTATIONS) {
    ctx.check(`${spec.name}/${m}`, () => {
      const b = cloneBlock(block);
      const last = b.txs.length - 1;
      if (m === 'sig-byte-flipped') {
        const at = flipSignatureByte(b);
        const r = validate(recommit(b), false);
        expectRejected(ctx, r, {
          reason: 'mandatory-script-verify-flag-failed (EVAL_FALSE)',
          ...at,
        });
      } else if (m === 'coinbase-value-plus-1') {
        b.txs[0]!.outputs[0]!.value += 1n;
        expectRejected(ctx, validate(recommit(b), false), { reason: 'bad-cb-amount', txIndex: 0 });
      } else if (m === 'tx-dropped') {
        b.txs.pop();
        expectRejected(ctx, validate(b, true), { reason: 'bad-txnmrklroot' });
      } else if (m === 'tx-dropped-recommitted') {
        const t = droppableTx(b, entries);
        b.txs.splice(t, 1);
        expectRejected(ctx, validate(recommit(b), false), { reason: 'bad-cb-amount', txIndex: 0 });
      } else {
        b.txs.push(b.txs[last]!);
        // CVE-2012-2459: with an odd count, repeating the last tx leaves the root unchanged
        const reason = block.txs.length % 2 === 1 ? 'bad-txns-duplicate' : 'bad-txnmrklroot';
        expectRejected(ctx, validate(b, true), { reason });
      }
    });
  }
}

function runStructureBlock(ctx: SuiteContext, spec: (typeof STRUCTURE_BLOCKS)[number]): void {
  const block = decodeBlock(ctx.readBytes(`blocks/${spec.name}.raw`));
  const params = networks.main;
  ctx.check(`${spec.name}/structure`, () => {
    ctx.expectEqual(hashToHex(blockHash(block.header)), spec.hash, 'block hash');
    ctx.expectEqual(checkBlock(block, params), { ok: true }, 'checkBlock');
    ctx.expectEqual(contextualCheckBlock(block, spec.height, params), { ok: true }, 'contextual');
    ctx.expectTrue(witnessCommitmentIndex(block.txs[0]!) >= 0, 'has a witness commitment');
  });
  ctx.check(`${spec.name}/witness-mutated`, () => {
    const b = cloneBlock(block);
    const t = b.txs.findIndex((tx, i) => i > 0 && tx.inputs.some((x) => x.witness.length > 0));
    const item = b.txs[t]!.inputs.flatMap((x) => x.witness).find((w) => w.length > 0)!;
    item[0]! ^= 0x01;
    // the txid (so the merkle root) is unchanged; only the witness commitment catches it
    ctx.expectEqual(checkBlock(b, params), { ok: true }, 'checkBlock');
    expectRejected(ctx, contextualCheckBlock(b, spec.height, params), {
      reason: 'bad-witness-merkle-match',
      txIndex: 0,
    });
  });
}

function headerInfo(block: Block, height: number): HeaderInfo {
  const h = block.header;
  return { height, time: h.time, bits: h.bits, version: h.version, hash: blockHash(h) };
}

/** Blocks 0-255: PoW, linkage, difficulty and full validation on a UTXO set built from the chain. */
function runChain(
  ctx: SuiteContext,
  backend: Secp256k1Backend,
): Map<string, { coin: Coin; block: Block }> {
  const params = networks.main;
  const raws = readBlkFile(ctx.readBytes(CHAIN_FILE), params.magic);
  if (raws.length !== CHAIN_BLOCKS)
    throw new SuiteDataError(`${raws.length} blocks in ${CHAIN_FILE}`);
  const blocks = raws.map((r) => decodeBlock(r));
  const infos = blocks.map(headerInfo);
  const chain = createArrayChainView(infos);
  const view = new MemoryCoinView();
  const spent = new Map<string, { coin: Coin; block: Block }>();
  blocks.forEach((block, h) => {
    ctx.check(`mainnet-0-255/block-${h}`, () => {
      if (h === 0) {
        ctx.expectEqual(bytesToHex(raws[0]!), bytesToHex(encodeBlock(params.genesis)), 'genesis');
        ctx.expectEqual(checkBlock(block, params), { ok: true }, 'checkBlock');
        return; // the genesis coinbase is not spendable: it never enters the UTXO set
      }
      ctx.expectTrue(equalBytes(block.header.prevBlock, infos[h - 1]!.hash), 'links to its parent');
      const opts = {
        params,
        height: h,
        prev: infos[h - 1]!,
        chain,
        scriptFlags: parseScriptFlags('P2SH'),
        backend,
      };
      const r = validateBlock(block, view, opts);
      ctx.expectEqual(r.ok ? { ok: true } : r, { ok: true }, 'verdict');
      r.undo.txs.forEach((u, t) => {
        u.spent.forEach((coin, i) => {
          spent.set(`${hashToHex(r.txids[t + 1]!)}:${i}`, { coin, block });
        });
      });
    });
  });
  return spent;
}

function runChainSpends(
  ctx: SuiteContext,
  backend: Secp256k1Backend,
  walked: Map<string, { coin: Coin; block: Block }>,
): void {
  const entries = ctx.readJson(CHAIN_PREVOUTS) as PrevoutEntry[];
  if (entries.length !== CHAIN_SPENDS)
    throw new SuiteDataError(`${entries.length} entries in ${CHAIN_PREVOUTS}`);
  for (const e of entries) {
    ctx.check(`mainnet-0-255/spend-${e.spendHeight}-${e.txid.slice(0, 8)}`, () => {
      const w = walked.get(`${e.txid}:${e.vin}`);
      ctx.expectTrue(w !== undefined, 'the chain walk spent this input');
      const coin = entryCoin(e);
      ctx.expectEqual(w!.coin, coin, 'coin from the chain walk = coin from the prevouts file');
      const t = w!.block.txs.findIndex((tx) => hashToHex(txid(tx)) === e.txid);
      const tx = w!.block.txs[t]!;
      const spentOutputs = tx.inputs.map((_, i) => {
        const c = walked.get(`${e.txid}:${i}`)!.coin;
        return { value: c.value, scriptPubKey: c.scriptPubKey };
      });
      const job = {
        txIndex: t,
        inputIndex: e.vin,
        tx,
        spentOutputs,
        flags: parseScriptFlags('P2SH'),
      };
      ctx.expectEqual(
        runScriptCheck(job, precomputeTxData(tx, spentOutputs), backend),
        { ok: true },
        'script',
      );
    });
  }
}

function runHeaders(ctx: SuiteContext): void {
  const params = networks.main;
  const lines = ctx
    .readText(HEADERS_FILE)
    .split(/\r?\n/)
    .filter((l) => l.trim());
  if (lines.length !== HEADERS)
    throw new SuiteDataError(`${lines.length} headers in ${HEADERS_FILE}`);
  const blk = readBlkFile(ctx.readBytes(CHAIN_FILE), params.magic);
  const infos: HeaderInfo[] = [headerInfo(params.genesis, 0)];
  lines.forEach((line, i) => {
    const h = i + 1;
    ctx.check(`mainnet-headers-1-11/${h}`, () => {
      const bytes = hexToBytes(line.trim());
      const header = decodeBlockHeader(bytes);
      const info: HeaderInfo = {
        height: h,
        time: header.time,
        bits: header.bits,
        version: header.version,
        hash: blockHash(header),
      };
      infos[h] = info;
      ctx.expectTrue(checkProofOfWork(info.hash, header.bits, params.powLimit), 'proof of work');
      ctx.expectTrue(equalBytes(header.prevBlock, infos[h - 1]!.hash), 'links to its parent');
      const want = nextWorkRequired(infos[h - 1], header.time, createArrayChainView(infos), params);
      ctx.expectEqual(header.bits, want, 'bits');
      const fromBlk = readBlock(new BufferReader(blk[h]!)).header;
      ctx.expectEqual(
        bytesToHex(encodeBlockHeader(fromBlk)),
        bytesToHex(bytes),
        'same header as the .blk',
      );
    });
  });
}

function allCaseIds(): string[] {
  return [
    ...PREVOUT_BLOCKS.flatMap((b) => [
      `${b.name}/valid`,
      ...MUTATIONS.map((m) => `${b.name}/${m}`),
    ]),
    ...STRUCTURE_BLOCKS.flatMap((b) => [`${b.name}/structure`, `${b.name}/witness-mutated`]),
    ...Array.from({ length: CHAIN_BLOCKS }, (_, h) => `mainnet-0-255/block-${h}`),
    ...Array.from({ length: CHAIN_SPENDS }, (_, i) => `mainnet-0-255/spend-${i}`),
    ...Array.from({ length: HEADERS }, (_, i) => `mainnet-headers-1-11/${i + 1}`),
  ];
}

export const blocksSuite: ConformanceSuite = {
  name: 'bitcoin-blocks',
  description:
    'real mainnet/testnet3 blocks: PoW, CheckBlock, contextual checks, UTXO connect with every input script, mutated copies rejected with Core reasons',
  files: [
    ...PREVOUT_BLOCKS.flatMap((b) => [`blocks/${b.name}.raw`, `blocks/${b.name}.prevouts.json`]),
    ...STRUCTURE_BLOCKS.map((b) => `blocks/${b.name}.raw`),
    CHAIN_FILE,
    CHAIN_PREVOUTS,
    HEADERS_FILE,
  ],
  ownsDirs: ['blocks'],
  expectedCases: allCaseIds().length,
  variants: ['noble', 'libsecp256k1'],
  async run(ctx) {
    let backend: Secp256k1Backend;
    try {
      backend = await loadSecp256k1Backend(
        ctx.variant === 'libsecp256k1' ? 'libsecp256k1' : 'noble',
      );
    } catch (e) {
      for (const id of allCaseIds())
        ctx.skip(id, `secp256k1 backend unavailable: ${(e as Error).message}`);
      return;
    }
    runHeaders(ctx);
    const walked = runChain(ctx, backend);
    runChainSpends(ctx, backend, walked);
    for (const spec of STRUCTURE_BLOCKS) runStructureBlock(ctx, spec);
    for (const spec of PREVOUT_BLOCKS) runPrevoutBlock(ctx, spec, backend);
  },
};
