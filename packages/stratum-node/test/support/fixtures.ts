/** Shared test fixtures: identity, regtest pool, and an independent chain re-validation. */
import { createHash, randomBytes } from 'node:crypto';
import {
  createArrayChainView,
  type HeaderInfo,
  MemoryCoinView,
  networks,
  validateBlock,
} from '@keel/bitcoin/consensus';
import { blockHash, decodeBlock } from '@keel/bitcoin/primitives';
import { nobleSecp256k1 } from '@keel/crypto/secp256k1';
import { createIdentity, type PoolIdentity } from '../../src/authority.ts';
import { Pool, type PoolOptions } from '../../src/pool/pool.ts';
import { RegtestTemplateSource } from '../../src/template/regtest.ts';

export const sha256 = (b: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update(b).digest());
export const sha256d = (b: Uint8Array): Uint8Array => sha256(sha256(b));

/** P2WSH(OP_TRUE): anyone can spend with the witness [OP_TRUE]. */
export const OP_TRUE_P2WSH = Uint8Array.from([0x00, 0x20, ...sha256(Uint8Array.of(0x51))]);

export function identity(): PoolIdentity {
  let sk: Uint8Array;
  do sk = new Uint8Array(randomBytes(32));
  while (!nobleSecp256k1.isValidPrivateKey(sk));
  return createIdentity(sk);
}

export async function startPool(
  o: Partial<PoolOptions> & { initialTarget: bigint },
): Promise<{ pool: Pool; source: RegtestTemplateSource; id: PoolIdentity }> {
  const source = (o.provider as RegtestTemplateSource | undefined) ?? new RegtestTemplateSource();
  const id = o.identity ?? identity();
  const pool = new Pool({ identity: id, provider: source, payoutScript: OP_TRUE_P2WSH, ...o });
  await pool.start();
  return { pool, source, id };
}

/** Little-endian 256-bit number of a hash. */
export function hashValue(hash: Uint8Array): bigint {
  let v = 0n;
  for (let i = 31; i >= 0; i--) v = (v << 8n) | BigInt(hash[i]!);
  return v;
}

/**
 * Re-validates a chain of serialized blocks from genesis on a fresh UTXO view with
 * @keel/bitcoin's consensus code (CheckBlock with PoW, contextual checks, connect, scripts).
 */
export function revalidateChain(blocks: readonly Uint8Array[]): { ok: boolean; reason?: string } {
  const params = networks.regtest;
  const view = new MemoryCoinView();
  const headers: HeaderInfo[] = [
    {
      height: 0,
      time: params.genesis.header.time,
      bits: params.genesis.header.bits,
      version: params.genesis.header.version,
      hash: params.genesisHash,
    },
  ];
  for (let h = 1; h < blocks.length; h++) {
    const block = decodeBlock(blocks[h]!);
    const r = validateBlock(block, view, {
      params,
      height: h,
      prev: headers[h - 1]!,
      chain: createArrayChainView(headers),
      adjustedTime: Math.floor(Date.now() / 1000),
      backend: nobleSecp256k1,
    });
    if (!r.ok) return { ok: false, reason: `height ${h}: ${r.reason}` };
    headers.push({
      height: h,
      time: block.header.time,
      bits: block.header.bits,
      version: block.header.version,
      hash: blockHash(block.header),
    });
  }
  return { ok: true };
}

/** Resolves when `cond()` holds; rejects after `ms`. */
export async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
