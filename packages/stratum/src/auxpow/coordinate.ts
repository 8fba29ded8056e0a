/**
 * The pure half of a merge-mining coordinator: for a parent share, which secondary chains'
 * targets it meets, and the AuxPoW to submit to each (`submitauxblock(hash, auxpow)`).
 */
import { joinCoinbase } from '../mining/coinbase.ts';
import type { MiningJob } from '../mining/job.ts';
import { hashToBigInt } from '../mining/target.ts';
import { type AuxMerkleTree, type AuxPow, createAuxPow } from './auxpow.ts';

export interface AuxChainWork {
  readonly chainId: number;
  /** The aux block (createauxblock's hash), internal byte order. */
  readonly blockHash: Uint8Array;
  /** The aux chain's target for that block. */
  readonly target: bigint;
}

export interface AuxSubmission {
  readonly chainId: number;
  readonly blockHash: Uint8Array;
  readonly auxpow: AuxPow;
}

/** The easiest target among the aux chains (the pool target to pass to share validation). */
export function easiestAuxTarget(chains: readonly AuxChainWork[]): bigint | undefined {
  let t: bigint | undefined;
  for (const c of chains) if (t === undefined || c.target > t) t = c.target;
  return t;
}

/**
 * AuxPoWs for every chain whose target the parent header hash meets. `job` must have been built
 * with `scriptSigExtra: tree.commitment`; `fullExtranonce` is extranonce_prefix ‖ extranonce.
 */
export function auxPowsForShare(p: {
  readonly job: MiningJob;
  readonly tree: AuxMerkleTree;
  readonly chains: readonly AuxChainWork[];
  readonly fullExtranonce: Uint8Array;
  /** The share's 80-byte header and its sha256d, from a ShareVerdict. */
  readonly header: Uint8Array;
  readonly hash: Uint8Array;
}): AuxSubmission[] {
  const value = hashToBigInt(p.hash);
  const met = p.chains.filter((c) => value <= c.target && p.tree.slots.has(c.chainId));
  if (met.length === 0) return [];
  const coinbaseTx = joinCoinbase(p.job.coinbaseTxPrefix, p.fullExtranonce, p.job.coinbaseTxSuffix);
  return met.map((c) => ({
    chainId: c.chainId,
    blockHash: c.blockHash,
    auxpow: createAuxPow({
      coinbaseTx,
      merklePath: p.job.merklePath,
      tree: p.tree,
      chainId: c.chainId,
      parentHeader: p.header,
    }),
  }));
}
