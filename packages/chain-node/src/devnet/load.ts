import { createPrivateKey, type KeyObject, sign as nodeSign } from 'node:crypto';
import { createHttpClient, type RpcClient } from '@keel/api';
import { ed25519 } from '@keel/crypto';
import { encodeTx, signTx } from '@keel/ledger';
import { bytesToHex, hexToBytes } from '@keel/util';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface LoadGeneratorOptions {
  readonly chainId: string;
  readonly rpcUrls: readonly string[];
  readonly accounts: readonly { address: string; secretKey: string }[];
  /** Transactions per second to submit. */
  readonly tps: number;
}

/**
 * The built-in transfer load: funded accounts send 1-unit ledger transfers to each other
 * (gas limit 10 000 at price 1),
 * round-robin over the nodes' RPC endpoints, in batches every 100 ms. Nonces are tracked
 * locally and resynchronised from the chain when a node rejects one.
 */
export class LoadGenerator {
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly clients: RpcClient[];
  private readonly nonces = new Map<string, bigint>();
  private next = 0;
  private inflight = false;
  sent = 0;
  rejected = 0;

  private readonly signers = new Map<string, { seed: Uint8Array; key: KeyObject }>();

  constructor(private readonly o: LoadGeneratorOptions) {
    this.clients = o.rpcUrls.map((url) => createHttpClient({ url, timeoutMs: 5000 }));
    for (const a of o.accounts) {
      const seed = hexToBytes(a.secretKey);
      // A parsed key per account (RFC 8410 PKCS#8 around the seed): signing is then ~20x faster
      // than re-parsing the seed for every transaction.
      const key = createPrivateKey({
        key: Buffer.concat([PKCS8_PREFIX, seed]),
        format: 'der',
        type: 'pkcs8',
      });
      this.signers.set(a.address, { seed, key });
    }
  }

  async start(): Promise<void> {
    for (const a of this.o.accounts) await this.resync(a.address);
    this.timer = setInterval(() => void this.burst(), 100);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async resync(address: string): Promise<void> {
    try {
      const r = await this.clients[0]!.call('state_getAccount', { address });
      this.nonces.set(address, BigInt(r.nonce));
    } catch {
      this.nonces.set(address, this.nonces.get(address) ?? 0n);
    }
  }

  private async burst(): Promise<void> {
    if (this.inflight) return;
    this.inflight = true;
    try {
      const n = Math.max(1, Math.round(this.o.tps / 10));
      const per = new Map<number, { method: 'chain_sendTransaction'; params: { raw: string } }[]>();
      const accts = this.o.accounts;
      for (let i = 0; i < n; i++) {
        const from = accts[this.next % accts.length]!;
        const to = accts[(this.next + 1) % accts.length]!;
        this.next++;
        const nonce = this.nonces.get(from.address) ?? 0n;
        this.nonces.set(from.address, nonce + 1n);
        const signer = this.signers.get(from.address)!;
        const raw = encodeTx(
          signTx(
            {
              chainId: this.o.chainId,
              from: hexToBytes(from.address),
              nonce,
              gasLimit: 10_000,
              gasPrice: 1n,
              kind: 'transfer',
              to: hexToBytes(to.address),
              amount: 1n,
            },
            signer.seed,
            { ed25519: { ...ed25519, sign: (m) => new Uint8Array(nodeSign(null, m, signer.key)) } },
          ),
        );
        const target = this.next % this.clients.length;
        const list = per.get(target) ?? [];
        list.push({ method: 'chain_sendTransaction', params: { raw: bytesToHex(raw) } });
        per.set(target, list);
      }
      await Promise.all(
        [...per].map(async ([target, calls]) => {
          for (let i = 0; i < calls.length; i += 100) {
            const chunk = calls.slice(i, i + 100);
            try {
              const res = await this.clients[target]!.batch(chunk);
              for (const r of res) {
                if (r instanceof Error) this.rejected++;
                else this.sent++;
              }
            } catch {
              this.rejected += chunk.length;
            }
          }
        }),
      );
      if (this.rejected > this.sent / 10 + 50) {
        for (const a of this.o.accounts) await this.resync(a.address);
        this.rejected = 0;
      }
    } finally {
      this.inflight = false;
    }
  }
}
