import type { KzgBackend } from '@keel/crypto/kzg';
import { type Deposit, depositFromLog, ROLLUP_CONTRACTS } from '@keel/rollup';
import { hexToBytes } from '@keel/util';
import {
  type Chain,
  createPublicClient,
  createWalletClient,
  decodeEventLog,
  defineChain,
  encodeFunctionData,
  type Hex,
  http,
  type PublicClient,
  toHex,
} from 'viem';
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { RollupNodeError, RollupNodeErrorCode } from './errors.ts';

/** A `Rollup.BatchSubmitted` event. */
export interface SubmittedBatch {
  readonly index: bigint;
  readonly outputRoot: Uint8Array;
  readonly lastL2Block: bigint;
  readonly blobHashes: readonly Hex[];
  readonly l1Block: bigint;
}

const ROLLUP_ABI = ROLLUP_CONTRACTS.Rollup.abi;
const BRIDGE_ABI = ROLLUP_CONTRACTS.Bridge.abi;

function l1Error(what: string, e: unknown): RollupNodeError {
  return new RollupNodeError(RollupNodeErrorCode.L1, `L1 ${what}: ${(e as Error).message}`);
}

/** The L1 (keel chain) as the rollup node sees it: its Ethereum JSON-RPC, through viem. */
export class L1Client {
  readonly url: string;
  readonly pub: PublicClient;
  #chain: Chain | undefined;

  constructor(url: string) {
    this.url = url;
    this.pub = createPublicClient({
      transport: http(url, { timeout: 20_000 }),
      pollingInterval: 250,
    });
  }

  async chain(): Promise<Chain> {
    if (!this.#chain) {
      const id = await this.pub.getChainId();
      this.#chain = defineChain({
        id,
        name: 'keel L1',
        nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
        rpcUrls: { default: { http: [this.url] } },
      });
    }
    return this.#chain;
  }

  async rpc<T>(method: string, params: unknown[]): Promise<T> {
    const req = this.pub.request as (a: { method: string; params: unknown[] }) => Promise<unknown>;
    return (await req({ method, params })) as T;
  }

  async head(): Promise<bigint> {
    return this.pub.getBlockNumber();
  }

  async timestamp(block: bigint): Promise<bigint> {
    return (await this.pub.getBlock({ blockNumber: block })).timestamp;
  }

  /** Deploys Rollup.sol (optimistic, no dispute game) and Bridge.sol from `key`'s account. */
  async deploy(key: Hex, challengePeriod: number) {
    const account = privateKeyToAccount(key);
    const chain = await this.chain();
    const wallet = createWalletClient({ chain, account, transport: http(this.url) });
    const zero = '0x0000000000000000000000000000000000000000';
    const h1 = await wallet.deployContract({
      abi: ROLLUP_ABI,
      bytecode: ROLLUP_CONTRACTS.Rollup.bytecode as Hex,
      args: [account.address, BigInt(challengePeriod), 0, zero, zero],
    });
    const r1 = await this.pub.waitForTransactionReceipt({ hash: h1, timeout: 60_000 });
    if (r1.status !== 'success' || !r1.contractAddress) throw l1Error('deploy Rollup', r1);
    const h2 = await wallet.deployContract({
      abi: BRIDGE_ABI,
      bytecode: ROLLUP_CONTRACTS.Bridge.bytecode as Hex,
      args: [r1.contractAddress],
    });
    const r2 = await this.pub.waitForTransactionReceipt({ hash: h2, timeout: 60_000 });
    if (r2.status !== 'success' || !r2.contractAddress) throw l1Error('deploy Bridge', r2);
    return {
      rollup: r1.contractAddress,
      bridge: r2.contractAddress,
      deployBlock: Number(r1.blockNumber),
      sequencer: account.address,
      l1ChainId: chain.id,
    };
  }

  async deposits(bridge: Hex, from: bigint, to: bigint): Promise<Deposit[]> {
    if (to < from) return [];
    const logs = await this.pub.getLogs({ address: bridge, fromBlock: from, toBlock: to });
    const out: Deposit[] = [];
    for (const l of logs) {
      try {
        const topics = l.topics.map((t) => hexToBytes(t));
        out.push(depositFromLog(topics, hexToBytes(l.data), l.blockNumber));
      } catch {
        // not a Deposit log (WithdrawalFinalized) or malformed: not a deposit
      }
    }
    return out;
  }

  async batches(rollup: Hex, from: bigint, to: bigint): Promise<SubmittedBatch[]> {
    if (to < from) return [];
    const logs = await this.pub.getLogs({ address: rollup, fromBlock: from, toBlock: to });
    const out: SubmittedBatch[] = [];
    for (const l of logs) {
      let ev: ReturnType<typeof decodeEventLog<typeof ROLLUP_ABI>>;
      try {
        ev = decodeEventLog({ abi: ROLLUP_ABI, data: l.data, topics: l.topics });
      } catch {
        continue;
      }
      if (ev.eventName !== 'BatchSubmitted') continue;
      const a = ev.args as {
        index: bigint;
        outputRoot: Hex;
        lastL2Block: bigint;
        blobHashes: readonly Hex[];
      };
      out.push({
        index: a.index,
        outputRoot: hexToBytes(a.outputRoot),
        lastL2Block: a.lastL2Block,
        blobHashes: a.blobHashes,
        l1Block: l.blockNumber,
      });
    }
    return out;
  }

  /** The blobs of `hashes`, in order, from the L1 block's sidecars (`blobSidecars`). */
  async blobs(l1Block: bigint, hashes: readonly Hex[]): Promise<Uint8Array[] | undefined> {
    const side = await this.rpc<{ versionedHash: Hex; blob: Hex }[]>('blobSidecars', [
      toHex(l1Block),
    ]);
    const by = new Map(side.map((s) => [s.versionedHash.toLowerCase(), s.blob]));
    const out: Uint8Array[] = [];
    for (const h of hashes) {
      const b = by.get(h.toLowerCase());
      if (!b) return undefined;
      out.push(hexToBytes(b));
    }
    return out;
  }
}

/** The sequencer's L1 account: posts batches as blob transactions. */
export class BatchPoster {
  readonly #l1: L1Client;
  readonly #account: PrivateKeyAccount;
  readonly #kzg: KzgBackend;

  constructor(l1: L1Client, key: Hex, kzg: KzgBackend) {
    this.#l1 = l1;
    this.#account = privateKeyToAccount(key);
    this.#kzg = kzg;
  }

  get address(): Hex {
    return this.#account.address;
  }

  /** Sends `submitBatch(outputRoot, lastL2Block)` with `blobs`; resolves with the receipt. */
  async submit(rollup: Hex, blobs: readonly Uint8Array[], root: Uint8Array, lastL2Block: bigint) {
    const l1 = this.#l1;
    const chain = await l1.chain();
    const nonce = await l1.pub.getTransactionCount({
      address: this.#account.address,
      blockTag: 'pending',
    });
    const gasPrice = await l1.pub.getGasPrice();
    const blobBase = BigInt(await l1.rpc<Hex>('eth_blobBaseFee', []));
    const data = encodeFunctionData({
      abi: ROLLUP_ABI,
      functionName: 'submitBatch',
      args: [toHex(root), lastL2Block],
    });
    const kzg = this.#kzg;
    const raw = await this.#account.signTransaction({
      chainId: chain.id,
      type: 'eip4844',
      nonce,
      to: rollup,
      data,
      gas: 400_000n,
      maxFeePerGas: gasPrice * 2n,
      maxPriorityFeePerGas: 1_000_000_000n,
      maxFeePerBlobGas: blobBase * 2n + 1n,
      blobs: blobs.map((b) => toHex(b)),
      kzg: {
        blobToKzgCommitment: (b) => kzg.blobToKzgCommitment(b),
        computeBlobKzgProof: (b, c) => kzg.computeBlobKzgProof(b, c),
      },
    });
    let hash: Hex;
    try {
      hash = await l1.rpc<Hex>('eth_sendRawTransaction', [raw]);
    } catch (e) {
      throw l1Error('submitBatch', e);
    }
    const rc = await l1.pub.waitForTransactionReceipt({ hash, timeout: 60_000 });
    if (rc.status !== 'success') throw l1Error('submitBatch reverted', { message: hash });
    return {
      hash,
      l1Block: rc.blockNumber,
      blobBaseFee: blobBase,
      blobGasUsed: rc.blobGasUsed ?? 0n,
    };
  }
}
