import {
  type Block,
  blockHash,
  computeMerkleRoot,
  MAX_BLOCK_SIGOPS_COST,
  MAX_BLOCK_WEIGHT,
  type Transaction,
  txid,
} from '@keel/bitcoin';
import {
  bip34HeightPrefix,
  blockSubsidy,
  checkProofOfWork,
  nextWorkRequired,
} from '@keel/bitcoin/consensus';
import { headerInfo } from '@keel/bitcoin-store';
import { sha256d } from '@keel/crypto';
import { bytesToHex, concatBytes } from '@keel/util';
import type { ChainManager } from '../chain/chainManager.ts';
import type { NodeMempool, PoolEntry } from './txPool.ts';

/** Weight and sigops kept free for the coinbase (Core's BlockAssembler reserves these). */
const COINBASE_RESERVED_WEIGHT = 4000;
const COINBASE_RESERVED_SIGOPS = 400;
/** Core's VERSIONBITS_TOP_BITS: no deployments are signalled. */
export const TEMPLATE_VERSION = 0x20000000;

export interface BlockTemplate {
  height: number;
  prev: Uint8Array;
  version: number;
  bits: number;
  /** max(median time past + 1, now). */
  curtime: number;
  mintime: number;
  entries: PoolEntry[];
  fees: bigint;
  coinbaseValue: bigint;
  /** BIP141 commitment output script (OP_RETURN aa21a9ed ‖ commitment). */
  witnessCommitment: Uint8Array;
}

/** Pool transactions in an order where parents come first. */
function ordered(pool: NodeMempool): PoolEntry[] {
  const all = [...pool.entries()];
  const byId = new Map(all.map((e) => [bytesToHex(e.txid.slice().reverse()), e]));
  const done = new Set<PoolEntry>();
  const out: PoolEntry[] = [];
  const visit = (e: PoolEntry, depth: number) => {
    if (done.has(e) || depth > 1000) return;
    done.add(e);
    for (const d of e.depends) {
      const p = byId.get(d);
      if (p) visit(p, depth + 1);
    }
    out.push(e);
  };
  // highest fee rate first, each after its parents
  all.sort((a, b) => Number(b.fee * BigInt(a.vsize) - a.fee * BigInt(b.vsize)));
  for (const e of all) visit(e, 0);
  return out;
}

/** Core's BlockAssembler, simplified: fee-rate order with parents first, within weight and sigops. */
export function createTemplate(
  chain: ChainManager,
  pool: NodeMempool,
  nowSeconds: number,
): BlockTemplate {
  const tip = chain.tip;
  const height = tip.height + 1;
  const mtp = chain.medianTimePast(tip);
  const curtime = Math.max(mtp + 1, nowSeconds);
  const bits = nextWorkRequired(headerInfo(tip), curtime, chain.ancestorView(tip), chain.params);
  const entries: PoolEntry[] = [];
  const included = new Set<string>();
  let weight = COINBASE_RESERVED_WEIGHT;
  let sigops = COINBASE_RESERVED_SIGOPS;
  let fees = 0n;
  for (const e of ordered(pool)) {
    if (!e.depends.every((d) => included.has(d))) continue;
    if (weight + e.weight > MAX_BLOCK_WEIGHT || sigops + e.sigopCost > MAX_BLOCK_SIGOPS_COST)
      continue;
    entries.push(e);
    included.add(bytesToHex(e.txid.slice().reverse()));
    weight += e.weight;
    sigops += e.sigopCost;
    fees += e.fee;
  }
  // BIP141: the coinbase's wtxid counts as zero
  const root = computeMerkleRoot([new Uint8Array(32), ...entries.map((e) => e.wtxid)]).root;
  const commitment = sha256d(concatBytes(root, new Uint8Array(32)));
  return {
    height,
    prev: tip.hash,
    version: TEMPLATE_VERSION,
    bits,
    curtime,
    mintime: mtp + 1,
    entries,
    fees,
    coinbaseValue: blockSubsidy(height, chain.params) + fees,
    witnessCommitment: concatBytes(Uint8Array.of(0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed), commitment),
  };
}

/** A coinbase paying the template's value to `script`, with BIP34 height and the commitment. */
export function createCoinbase(t: BlockTemplate, script: Uint8Array, extraNonce = 0): Transaction {
  const extra = new Uint8Array(4);
  new DataView(extra.buffer).setUint32(0, extraNonce, true);
  return {
    version: 2,
    inputs: [
      {
        prevout: { txid: new Uint8Array(32), vout: 0xffffffff },
        scriptSig: concatBytes(bip34HeightPrefix(t.height), extra),
        sequence: 0xffffffff,
        witness: [new Uint8Array(32)],
      },
    ],
    outputs: [
      { value: t.coinbaseValue, scriptPubKey: script },
      { value: 0n, scriptPubKey: t.witnessCommitment },
    ],
    locktime: 0,
  };
}

/**
 * Grinds the nonce of a block for `t` (regtest's target makes this a few tries); undefined
 * when `maxTries` ran out (Core's generatetoaddress maxtries).
 */
export function mineBlock(
  chain: ChainManager,
  t: BlockTemplate,
  coinbase: Transaction,
  txs: readonly Transaction[],
  maxTries: number,
): Block | undefined {
  const all = [coinbase, ...txs];
  const header = {
    version: t.version,
    prevBlock: t.prev,
    merkleRoot: computeMerkleRoot(all.map(txid)).root,
    time: t.curtime,
    bits: t.bits,
    nonce: 0,
  };
  for (let i = 0; i < maxTries; i++) {
    if (checkProofOfWork(blockHash(header), header.bits, chain.params.powLimit)) {
      return { header, txs: all };
    }
    header.nonce = (header.nonce + 1) >>> 0;
  }
  return undefined;
}
