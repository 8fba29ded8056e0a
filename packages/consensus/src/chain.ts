import { bytesToHex, equalBytes, hexToBytes } from '@keel/util';
import { verifyQC, verifyTC } from './certificates.ts';
import { blockHash, qcDigest, tcDigest } from './encoding.ts';
import {
  candidateEpochs,
  type EpochContext,
  epochForHeight,
  onCommittedForEpochs,
} from './epochs.ts';
import { ConsensusErrorCode } from './errors.ts';
import { advanceTo } from './pacemaker.ts';
import { handleProposal, tryPropose } from './proposals.ts';
import {
  halt,
  type NodeState,
  rememberVerified,
  type StepContext,
  type StoredBlock,
  setSafety,
} from './state.ts';
import type {
  Block,
  BlockRequestMessage,
  BlockResponseMessage,
  QuorumCertificate,
  TimeoutCertificate,
} from './types.ts';

/**
 * Verifies a QC once per epoch; later sightings of the same bytes hit the cache. With the
 * certified block's height the QC must verify against that block's epoch set (strict); with
 * `null` (a QC whose block we do not hold) against one of the newest known sets, and it is
 * checked strictly again before it can move the head or commit anything.
 */
export function checkQC(s: NodeState, qc: QuorumCertificate, height: number | null): boolean {
  if (qc.view === 0) return verifyQC(s.cert, qc);
  const ctx = height === null ? undefined : epochForHeight(s, height);
  const eps = height === null ? candidateEpochs(s) : ctx ? [ctx] : [];
  const digest = bytesToHex(qcDigest(qc));
  for (const ep of eps) {
    const key = `q${ep.epoch}:${digest}`;
    if (s.verifiedCerts.has(key)) return true;
    if (verifyQC(ep.cert, qc)) {
      rememberVerified(s, key);
      return true;
    }
  }
  return false;
}

/** A TC, against `ep` (strict: the epoch of the block it justifies) or the newest known sets. */
export function checkTC(s: NodeState, tc: TimeoutCertificate, ep: EpochContext | null): boolean {
  const digest = bytesToHex(tcDigest(tc));
  for (const e of ep ? [ep] : candidateEpochs(s)) {
    const key = `t${e.epoch}:${digest}`;
    if (s.verifiedCerts.has(key)) return true;
    if (verifyTC(e.cert, tc)) {
      rememberVerified(s, key);
      return true;
    }
  }
  return false;
}

/** Epochs: a QC for a block we hold must verify against that block's own epoch. */
function strictlyValid(s: NodeState, qc: QuorumCertificate, certified: StoredBlock): boolean {
  return s.params.epochLength <= 0 || qc.view === 0 || checkQC(s, qc, certified.block.height);
}

/**
 * A verified QC: raise the highest QC (the head the node builds on), apply the 2-chain commit
 * rule, and enter the next view.
 */
export function processQC(c: StepContext, qc: QuorumCertificate): void {
  const s = c.s;
  const key = bytesToHex(qc.blockHash);
  const known = s.blocks.get(key);
  if (known && !strictlyValid(s, qc, known)) return;
  if (qc.view > s.safety.highQC.view) {
    setSafety(c, { ...s.safety, highQC: qc });
    moveHead(c, key);
  }
  const certified = s.blocks.get(key);
  if (!certified) requestBlock(c, key, null);
  else checkCommitRule(c, certified);
  advanceTo(c, qc.view + 1, 'qc');
}

/**
 * 2-chain commit (Jolteon): when block B is certified and B's own QC is from the view right
 * before B's (parent P certified in view v, B certified in view v+1), P and its ancestors are
 * final.
 */
export function checkCommitRule(c: StepContext, certified: StoredBlock): void {
  const b = certified.block;
  if (b.height === 0 || b.qc.view + 1 !== b.view) return;
  commitUpTo(c, bytesToHex(b.parentHash));
}

export function processTC(c: StepContext, tc: TimeoutCertificate): void {
  if (!c.s.lastTC || tc.view > c.s.lastTC.view) c.s.lastTC = tc;
  advanceTo(c, tc.view + 1, 'tc');
}

/** Follows only certified chains: the head is the block of the highest QC. */
function moveHead(c: StepContext, newKey: string): void {
  const s = c.s;
  const oldHead = s.blocks.get(s.headKey);
  const newHead = s.blocks.get(newKey);
  s.headKey = newKey;
  if (!oldHead || !newHead) return;
  const depth = reorgDepth(s, oldHead, newHead);
  if (depth !== null && depth > s.params.reorgDepthLimit) {
    halt(
      c,
      ConsensusErrorCode.REORG_TOO_DEEP,
      `certified head moved to a fork ${depth} blocks deep (limit ${s.params.reorgDepthLimit}); ` +
        'refusing to rewrite that much history — operator intervention required',
    );
  }
}

/** Blocks of `from`'s chain that `to` abandons; null when an ancestor is unknown. */
function reorgDepth(s: NodeState, from: StoredBlock, to: StoredBlock): number | null {
  let a: StoredBlock | undefined = from;
  let b: StoredBlock | undefined = to;
  while (a && b && a.key !== b.key) {
    if (a.block.height >= b.block.height) a = s.blocks.get(bytesToHex(a.block.parentHash));
    else b = s.blocks.get(bytesToHex(b.block.parentHash));
  }
  return a && b ? from.block.height - a.block.height : null;
}

/** Commits `key` and every uncommitted ancestor, oldest first; fetches what is missing. */
export function commitUpTo(c: StepContext, key: string): void {
  const s = c.s;
  const target = s.blocks.get(key);
  if (!target) {
    requestBlock(c, key, null);
    setPendingCommit(s, key, null);
    return;
  }
  const chain: StoredBlock[] = [];
  let cur: StoredBlock | undefined = target;
  while (cur && cur.block.height > s.committedHeight) {
    chain.push(cur);
    const parentKey = bytesToHex(cur.block.parentHash);
    const parent = s.blocks.get(parentKey);
    if (!parent) {
      requestBlock(c, parentKey, null);
      setPendingCommit(s, key, target.block.height);
      return;
    }
    cur = parent;
  }
  if (!cur) return;
  const expected = s.committedByHeight.get(cur.block.height);
  if (expected !== undefined && expected !== cur.key) {
    halt(
      c,
      ConsensusErrorCode.FINALITY_VIOLATION,
      `a certified 2-chain conflicts with the committed block at height ${cur.block.height}: ` +
        'more than 1/3 of stake equivocated; refusing to rewrite finalized history',
    );
    return;
  }
  const before = s.latestEpoch;
  for (let i = chain.length - 1; i >= 0; i--) commitOne(c, chain[i]!);
  if (s.pendingCommitKey === key) s.pendingCommitKey = null;
  if (s.latestEpoch !== before) {
    // A new epoch's set is fixed: proposals that waited for it can be checked now.
    for (const [e, waiting] of s.pendingEpoch) {
      if (!s.epochs.has(e)) continue;
      s.pendingEpoch.delete(e);
      for (const w of waiting) handleProposal(c, w.from, w.message);
    }
    tryPropose(c);
  }
}

function setPendingCommit(s: NodeState, key: string, height: number | null): void {
  const cur = s.pendingCommitKey ? s.blocks.get(s.pendingCommitKey) : undefined;
  if (!cur || height === null || height > cur.block.height) s.pendingCommitKey = key;
}

function commitOne(c: StepContext, b: StoredBlock): void {
  const s = c.s;
  s.committedHeight = b.block.height;
  s.committedKey = b.key;
  s.committedByHeight.set(b.block.height, b.key);
  s.config.app.onCommit(b.block, b.hash);
  c.out.push({ type: 'commit', block: b.block, hash: b.hash });
  c.out.push({ type: 'event', event: { kind: 'phase', view: s.view, phase: 'commit' } });
  onCommittedForEpochs(c, b.block, b.hash);
  if (b.block.height % 256 === 0) prune(s);
}

/** Forgets blocks far below the committed head and bookkeeping for long-gone views. */
function prune(s: NodeState): void {
  const floor = s.committedHeight - s.params.retainCommittedBlocks;
  if (floor <= 0) return;
  for (const [k, b] of s.blocks)
    if (b.block.height < floor && k !== s.genesisKey) s.blocks.delete(k);
  for (const h of s.committedByHeight.keys())
    if (h < floor && h !== 0) s.committedByHeight.delete(h);
}

export function storeBlock(c: StepContext, block: Block, hash: Uint8Array): StoredBlock {
  const s = c.s;
  const key = bytesToHex(hash);
  const existing = s.blocks.get(key);
  if (existing) return existing;
  const stored: StoredBlock = { block, hash, key };
  s.blocks.set(key, stored);
  s.wanted.delete(key);
  // A block that arrived late may be the head, complete a commit, or unblock proposals.
  if (key === s.headKey || equalBytes(hash, s.safety.highQC.blockHash)) {
    if (strictlyValid(s, s.safety.highQC, stored)) checkCommitRule(c, stored);
    tryPropose(c);
  }
  if (s.pendingCommitKey) {
    const pending = s.pendingCommitKey;
    if (s.blocks.has(pending)) commitUpTo(c, pending);
  }
  const waiting = s.pendingProposals.get(key);
  if (waiting) {
    s.pendingProposals.delete(key);
    for (const w of waiting) handleProposal(c, w.from, w.message);
  }
  return stored;
}

/** Asks a peer (or, without one, every validator) for a block and its ancestors. */
export function requestBlock(c: StepContext, key: string, from: number | null): void {
  const s = c.s;
  const last = s.wanted.get(key);
  if (last !== undefined && last >= s.view) return;
  s.wanted.set(key, s.view);
  const message: BlockRequestMessage = {
    type: 'blockRequest',
    genesisHash: s.cert.chain.genesisHash,
    hash: hexToBytes(key),
    count: s.params.maxBlocksPerRequest,
  };
  if (from !== null && from !== s.config.index) c.out.push({ type: 'send', to: from, message });
  else c.out.push({ type: 'broadcast', message });
}

export function handleBlockRequest(c: StepContext, from: number, m: BlockRequestMessage): void {
  const s = c.s;
  if (!(m.hash instanceof Uint8Array) || !Number.isInteger(m.count) || m.count < 1) return;
  const blocks: Block[] = [];
  let cur = s.blocks.get(bytesToHex(m.hash));
  const limit = Math.min(m.count, s.params.maxBlocksPerRequest);
  while (cur && cur.block.height > 0 && blocks.length < limit) {
    blocks.push(cur.block);
    cur = s.blocks.get(bytesToHex(cur.block.parentHash));
  }
  if (blocks.length === 0) return;
  const message: BlockResponseMessage = {
    type: 'blockResponse',
    genesisHash: s.cert.chain.genesisHash,
    blocks,
  };
  c.out.push({ type: 'send', to: from, message });
}

/**
 * Accepts fetched blocks only along a hash chain that starts at a block we asked for: each one
 * we asked for is certified by a QC we verified, and a certified block's hash covers its parent
 * hash, so every accepted block is one a quorum saw.
 */
export function handleBlockResponse(c: StepContext, from: number, m: BlockResponseMessage): void {
  const s = c.s;
  if (!Array.isArray(m.blocks) || m.blocks.length > s.params.maxBlocksPerRequest) return;
  let expect: string | null = null;
  let last: Block | null = null;
  const accepted: { block: Block; hash: Uint8Array }[] = [];
  let broken = false;
  for (const block of m.blocks) {
    const hash = isWellFormedBlock(block) ? blockHash(block) : null;
    const key = hash ? bytesToHex(hash) : '';
    broken =
      !hash ||
      (expect === null ? !s.wanted.has(key) && !s.blocks.has(key) : key !== expect) ||
      (last !== null && block.height + 1 !== last.height);
    if (broken || !hash) break;
    accepted.push({ block, hash });
    last = block;
    expect = bytesToHex(block.parentHash);
  }
  // Oldest first: when the head (or a waiting proposal's parent) is stored, its ancestors
  // already are, so the app can execute it and a proposal built on it has its parent state.
  for (let i = accepted.length - 1; i >= 0; i--)
    storeBlock(c, accepted[i]!.block, accepted[i]!.hash);
  if (broken) return;
  if (last && expect && !s.blocks.has(expect) && last.height - 1 > 0) {
    requestBlock(c, expect, from);
  }
}

export function isWellFormedBlock(b: Block): boolean {
  return (
    !!b &&
    b.parentHash instanceof Uint8Array &&
    b.parentHash.length === 32 &&
    Number.isSafeInteger(b.height) &&
    b.height >= 1 &&
    Number.isSafeInteger(b.view) &&
    b.view >= 1 &&
    Number.isInteger(b.proposer) &&
    b.payload instanceof Uint8Array &&
    b.leaderProof instanceof Uint8Array &&
    b.seed instanceof Uint8Array &&
    b.seed.length === 32 &&
    !!b.qc &&
    b.qc.blockHash instanceof Uint8Array &&
    equalBytes(b.qc.blockHash, b.parentHash) &&
    Number.isSafeInteger(b.qc.view) &&
    b.qc.view < b.view
  );
}
