import { sha256 } from '@keel/crypto';
import { BufferWriter, utf8ToBytes } from '@keel/util';
import type { Block, QuorumCertificate, TimeoutCertificate } from './types.ts';

/** Domain tags: every signed or hashed object names what it is and its version. */
const TAG = {
  block: 'keel/consensus/block/v1',
  qc: 'keel/consensus/qc/v1',
  tc: 'keel/consensus/tc/v1',
  vote: 'keel/consensus/vote/v1',
  proposal: 'keel/consensus/proposal/v1',
  timeout: 'keel/consensus/timeout/v1',
  genesis: 'keel/consensus/genesis/v1',
} as const;

function tagged(tag: string): BufferWriter {
  return new BufferWriter(256).varBytes(utf8ToBytes(tag));
}

function u64(w: BufferWriter, n: number): BufferWriter {
  return w.u64le(BigInt(n));
}

export function qcDigest(qc: QuorumCertificate): Uint8Array {
  const w = u64(tagged(TAG.qc), qc.view).bytes(qc.blockHash);
  return sha256(w.varBytes(qc.signers).varBytes(qc.signature).finish());
}

export function tcDigest(tc: TimeoutCertificate): Uint8Array {
  const w = u64(tagged(TAG.tc), tc.view).varBytes(tc.signers).compactSize(tc.highQCViews.length);
  for (const v of tc.highQCViews) u64(w, v);
  return sha256(w.varBytes(tc.signature).finish());
}

/** The block id: SHA-256 over every field (the payload and parent QC through their digests). */
export function blockHash(b: Block): Uint8Array {
  const w = tagged(TAG.block).bytes(b.parentHash);
  u64(w, b.height);
  u64(w, b.view);
  w.u32le(b.proposer).bytes(sha256(b.payload)).bytes(qcDigest(b.qc));
  return sha256(w.varBytes(b.leaderProof).varBytes(b.seed).finish());
}

/**
 * What every signature in a chain is bound to: the chain id and the genesis hash, so a
 * signature made for one chain (or one genesis) never verifies on another.
 */
export interface ChainContext {
  readonly chainId: string;
  readonly genesisHash: Uint8Array;
}

function chainPrefix(tag: string, ctx: ChainContext): BufferWriter {
  return tagged(tag).varBytes(utf8ToBytes(ctx.chainId)).bytes(ctx.genesisHash);
}

/** The bytes a vote signs: (chain id, genesis hash, view, block hash). */
export function voteSigningMessage(ctx: ChainContext, view: number, hash: Uint8Array): Uint8Array {
  return u64(chainPrefix(TAG.vote, ctx), view).bytes(hash).finish();
}

/** The bytes a proposer signs; distinct from a vote so one can never pass as the other. */
export function proposalSigningMessage(
  ctx: ChainContext,
  view: number,
  hash: Uint8Array,
): Uint8Array {
  return u64(chainPrefix(TAG.proposal, ctx), view).bytes(hash).finish();
}

/** The bytes a timeout signs: (chain id, genesis hash, view, the sender's highest QC view). */
export function timeoutSigningMessage(
  ctx: ChainContext,
  view: number,
  highQCView: number,
): Uint8Array {
  return u64(u64(chainPrefix(TAG.timeout, ctx), view), highQCView).finish();
}

/** Commitment to the validator set that the genesis block carries as its payload. */
export function encodeGenesisPayload(
  chainId: string,
  validators: readonly { stake: number; publicKey: Uint8Array }[],
  appState: Uint8Array,
): Uint8Array {
  const w = tagged(TAG.genesis).varBytes(utf8ToBytes(chainId)).compactSize(validators.length);
  for (const v of validators) u64(w, v.stake).varBytes(v.publicKey);
  return w.varBytes(appState).finish();
}
