import {
  type Block,
  type BlockHeader,
  blockHash,
  computeMerkleRoot,
  encodeBlock,
  type Transaction,
  txid,
} from '@keel/bitcoin';
import {
  bip34HeightPrefix,
  blockSubsidy,
  COINBASE_MATURITY,
  checkProofOfWork,
  networks,
  witnessMerkleRoot,
} from '@keel/bitcoin/consensus';
import { sha256d } from '@keel/crypto';
import type { Secp256k1Backend } from '@keel/crypto/secp256k1';
import { concatBytes, InvariantError, SeededRng } from '@keel/util';
import { OUTPUT_KINDS, type OutputKind, RegtestKeys } from './wallet.ts';

const params = networks.regtest;
const FEE = 2_000n;
const DUST = 10_000n;

interface WalletCoin {
  txid: Uint8Array;
  vout: number;
  value: bigint;
  scriptPubKey: Uint8Array;
  kind: OutputKind;
  slot: number;
  height: number;
  coinbase: boolean;
  spent?: boolean;
}

export interface RegtestChainOptions {
  backend: Secp256k1Backend;
  seed?: number;
  /** Key slots (distinct key sets) to pay to. */
  keySlots?: number;
}

/**
 * A deterministic regtest chain builder with a wallet: every block pays its coinbase to one
 * of the wallet's output kinds, and `mine({ txs })` adds transactions that spend mature
 * wallet coins of every kind (P2PKH, P2SH 2-of-3 multisig, P2WPKH, P2WSH 1-of-2 multisig,
 * P2TR key path and P2TR script path), all signed for real. `fork()` copies the state so
 * competing branches can be mined from the same parent.
 */
export class RegtestChain {
  readonly keys: RegtestKeys;
  /** Blocks after genesis, index = height - 1. */
  blocks: Block[] = [];
  private wallet: WalletCoin[] = [];
  /** Wallet entries before this index are all spent. */
  private head = 0;
  private rng: SeededRng;
  private tipHeader: BlockHeader = params.genesis.header;
  private kindCounter = 0;
  /** Inputs spent so far, by kind. */
  spentKinds: Record<OutputKind, number> = Object.fromEntries(
    OUTPUT_KINDS.map((k) => [k, 0]),
  ) as Record<OutputKind, number>;

  constructor(o: RegtestChainOptions) {
    this.rng = new SeededRng(o.seed ?? 1);
    this.keys = new RegtestKeys(o.backend, this.rng.fork('keys'), o.keySlots ?? 4);
  }

  get height(): number {
    return this.blocks.length;
  }

  get tipHash(): Uint8Array {
    return blockHash(this.tipHeader);
  }

  /** An independent copy to mine a competing branch on (`tag` makes its blocks differ). */
  fork(tag: string): RegtestChain {
    const c = Object.create(RegtestChain.prototype) as RegtestChain;
    Object.assign(c, this);
    c.blocks = this.blocks.slice();
    c.wallet = this.wallet.map((w) => ({ ...w }));
    c.rng = this.rng.fork(tag);
    c.spentKinds = { ...this.spentKinds };
    return c;
  }

  private nextKind(): OutputKind {
    return OUTPUT_KINDS[this.kindCounter++ % OUTPUT_KINDS.length]!;
  }

  private payTo(value: bigint) {
    const kind = this.nextKind();
    const slot = this.rng.int(this.keys.count);
    return { value, scriptPubKey: this.keys.scriptPubKey(kind, slot), kind, slot };
  }

  /**
   * Builds one spending transaction from up to `maxInputs` mature coins (oldest first) paying
   * `outputs` outputs, or null when nothing is spendable.
   */
  private spendTx(height: number, maxInputs: number, outputs: number): Transaction | null {
    const mature = (c: WalletCoin) => !c.coinbase || height - c.height >= COINBASE_MATURITY;
    const picked: WalletCoin[] = [];
    for (let i = this.head; i < this.wallet.length && picked.length < maxInputs; i++) {
      const c = this.wallet[i]!;
      if (!c.spent && mature(c) && c.height < height) picked.push(c);
    }
    const total = picked.reduce((s, c) => s + c.value, 0n) - FEE;
    if (picked.length === 0 || total < DUST) return null;
    for (const c of picked) c.spent = true;
    while (this.head < this.wallet.length && this.wallet[this.head]!.spent) this.head++;
    let n = Math.max(1, outputs);
    while (n > 1 && total < BigInt(n) * 2n * DUST) n--;
    const outs = Array.from({ length: n }, (_, k) =>
      this.payTo(k === n - 1 ? total - (total / BigInt(n)) * BigInt(n - 1) : total / BigInt(n)),
    );
    const tx: Transaction = {
      version: 2,
      inputs: picked.map((c) => ({
        prevout: { txid: c.txid, vout: c.vout },
        scriptSig: new Uint8Array(0),
        sequence: 0xffffffff,
        witness: [],
      })),
      outputs: outs.map((o) => ({ value: o.value, scriptPubKey: o.scriptPubKey })),
      locktime: 0,
    };
    this.keys.sign(tx, picked);
    for (const c of picked) this.spentKinds[c.kind]++;
    const id = txid(tx);
    outs.forEach((o, vout) => {
      this.wallet.push({ txid: id, vout, ...o, height, coinbase: false });
    });
    return tx;
  }

  /**
   * Mines the next block with up to `txs` spending transactions of up to `inputs` inputs and
   * `outputs` outputs each; `tamper` may change the signed transactions (for invalid-block tests).
   */
  mine(
    o: {
      txs?: number;
      inputs?: number;
      outputs?: number;
      tamper?: (txs: Transaction[]) => void;
    } = {},
  ): Block {
    const height = this.height + 1;
    const txs: Transaction[] = [];
    let fees = 0n;
    for (let i = 0; i < (o.txs ?? 0); i++) {
      const tx = this.spendTx(height, o.inputs ?? 2, o.outputs ?? 2);
      if (!tx) break;
      txs.push(tx);
      fees += FEE;
    }
    o.tamper?.(txs); // tests: make the block invalid after signing
    const reward = this.payTo(blockSubsidy(height, params) + fees);
    const coinbase: Transaction = {
      version: 2,
      inputs: [
        {
          prevout: { txid: new Uint8Array(32), vout: 0xffffffff },
          scriptSig: concatBytes(bip34HeightPrefix(height), this.rng.bytes(4)),
          sequence: 0xffffffff,
          witness: [new Uint8Array(32)],
        },
      ],
      outputs: [{ value: reward.value, scriptPubKey: reward.scriptPubKey }],
      locktime: 0,
    };
    const block: Block = { header: { ...this.tipHeader }, txs: [coinbase, ...txs] };
    // BIP141 commitment: SHA256d(witness root ‖ nonce), nonce = the coinbase witness (zeros)
    const commitment = sha256d(concatBytes(witnessMerkleRoot(block), new Uint8Array(32)));
    coinbase.outputs.push({
      value: 0n,
      scriptPubKey: concatBytes(Uint8Array.of(0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed), commitment),
    });
    const ids = block.txs.map(txid);
    block.header = {
      version: 0x20000000,
      prevBlock: this.tipHash,
      merkleRoot: computeMerkleRoot(ids).root,
      time: this.tipHeader.time + 1,
      bits: params.genesis.header.bits,
      nonce: 0,
    };
    while (!checkProofOfWork(blockHash(block.header), block.header.bits, params.powLimit)) {
      block.header.nonce++;
      if (block.header.nonce > 0xffffffff)
        throw new InvariantError('regtest nonce space exhausted');
    }
    if (reward.value > 0n) {
      this.wallet.push({ txid: ids[0]!, vout: 0, ...reward, height, coinbase: true });
    }
    this.blocks.push(block);
    this.tipHeader = block.header;
    return block;
  }
}

/** Blocks as one stream file: regtest magic ‖ u32 LE length ‖ block, per block. */
export function encodeBlockStream(blocks: readonly Block[], withGenesis = true): Uint8Array {
  const all = withGenesis ? [params.genesis, ...blocks] : blocks;
  const parts: Uint8Array[] = [];
  for (const b of all) {
    const raw = encodeBlock(b);
    const head = new Uint8Array(8);
    head.set(params.magic, 0);
    new DataView(head.buffer).setUint32(4, raw.length, true);
    parts.push(head, raw);
  }
  return concatBytes(...parts);
}
