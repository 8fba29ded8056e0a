import { sha256 } from '@keel/crypto';
import { concatBytes } from '@keel/util';
import {
  blockHash,
  proposalSigningMessage,
  timeoutSigningMessage,
  voteSigningMessage,
} from '../encoding.ts';
import type { NodeState } from '../state.ts';
import type {
  ConsensusMessage,
  ConsensusOutput,
  ProposalMessage,
  QuorumCertificate,
  TimeoutMessage,
  VoteMessage,
} from '../types.ts';
import type { SimRng } from './rng.ts';

/** What a Byzantine validator does on top of running the protocol (to stay in sync). */
export const ByzantineBehaviour = {
  /** As leader, sends two different signed blocks to two halves of the network. */
  EQUIVOCATE: 'equivocate',
  /** Signs a second vote for a different block in every view it votes in. */
  DOUBLE_VOTE: 'doubleVote',
  /** Never sends its votes. */
  WITHHOLD_VOTES: 'withholdVotes',
  /** Corrupts the signature of everything it sends. */
  INVALID_SIGNATURES: 'invalidSignatures',
  /** Floods validly signed timeouts for far-future views and stale votes. */
  VIEW_SPAM: 'viewSpam',
  /** Attaches forged QCs (a quorum bitmap over its own signature) to proposals and timeouts. */
  FORGE_QC: 'forgeQC',
  /** Sends nothing at all. */
  SILENT: 'silent',
} as const;
export type ByzantineBehaviour = (typeof ByzantineBehaviour)[keyof typeof ByzantineBehaviour];
export const allByzantineBehaviours: readonly ByzantineBehaviour[] =
  Object.values(ByzantineBehaviour);

/** A destination for one message: a validator index, or every other validator (`-1`). */
export interface Send {
  readonly to: number;
  readonly message: ConsensusMessage;
}

/** Rewrites a Byzantine node's outgoing messages according to its behaviour. */
export function byzantineSends(
  behaviour: ByzantineBehaviour,
  s: NodeState,
  outputs: readonly ConsensusOutput[],
  rng: SimRng,
): Send[] {
  const out: Send[] = [];
  const me = s.config.index;
  const n = s.cert.validators.size;
  for (const o of outputs) {
    if (o.type !== 'send' && o.type !== 'broadcast') continue;
    const to = o.type === 'send' ? o.to : -1;
    const m = o.message;
    switch (behaviour) {
      case 'silent':
        break;
      case 'withholdVotes':
        if (m.type !== 'vote') out.push({ to, message: m });
        break;
      case 'invalidSignatures':
        out.push({ to, message: corruptSignature(m) });
        break;
      case 'equivocate':
        if (m.type === 'proposal' && m.block.proposer === me) {
          const alt = conflictingProposal(s, m);
          // Halves get different blocks; every third node hears both (and can prove it).
          for (let j = 0; j < n; j++) {
            if (j === me) continue;
            out.push({ to: j, message: j % 2 === 0 ? m : alt });
            if (j % 3 === 0) out.push({ to: j, message: j % 2 === 0 ? alt : m });
          }
        } else out.push({ to, message: m });
        break;
      case 'doubleVote':
        out.push({ to, message: m });
        if (m.type === 'vote') out.push({ to, message: otherVote(s, m) });
        break;
      case 'viewSpam':
        out.push({ to, message: m });
        if (m.type === 'timeout' || m.type === 'vote') out.push(...spam(s, rng));
        break;
      case 'forgeQC':
        out.push({ to, message: withForgedQC(s, m) });
        break;
    }
  }
  return out;
}

function corruptSignature(m: ConsensusMessage): ConsensusMessage {
  if (m.type !== 'proposal' && m.type !== 'vote' && m.type !== 'timeout') return m;
  const signature = m.signature.slice();
  signature[signature.length - 1]! ^= 0x01;
  return { ...m, signature };
}

function conflictingProposal(s: NodeState, m: ProposalMessage): ProposalMessage {
  const block = { ...m.block, payload: concatBytes(m.block.payload, Uint8Array.of(0xee)) };
  const hash = blockHash(block);
  const signature = s.config.scheme.sign(
    s.config.secretKey,
    proposalSigningMessage(s.cert.chain, block.view, hash),
  );
  return { ...m, block, signature };
}

function otherVote(s: NodeState, v: VoteMessage): VoteMessage {
  const blockHash = sha256(v.blockHash);
  const signature = s.config.scheme.sign(
    s.config.secretKey,
    voteSigningMessage(s.cert.chain, v.view, blockHash),
  );
  return { ...v, blockHash, signature };
}

function spam(s: NodeState, rng: SimRng): Send[] {
  const view = s.view + rng.range(2, 5000);
  const highQC = s.safety.highQC;
  const future: TimeoutMessage = {
    type: 'timeout',
    genesisHash: s.cert.chain.genesisHash,
    view,
    sender: s.config.index,
    highQC,
    lastTC: null,
    signature: s.config.scheme.sign(
      s.config.secretKey,
      timeoutSigningMessage(s.cert.chain, view, highQC.view),
    ),
  };
  const staleView = Math.max(1, s.view - rng.range(2, 50));
  const stale: VoteMessage = {
    type: 'vote',
    genesisHash: s.cert.chain.genesisHash,
    view: staleView,
    blockHash: highQC.blockHash,
    voter: s.config.index,
    signature: s.config.scheme.sign(
      s.config.secretKey,
      voteSigningMessage(s.cert.chain, staleView, highQC.blockHash),
    ),
  };
  return [
    { to: -1, message: future },
    { to: -1, message: stale },
  ];
}

/** A QC claiming every validator signed a made-up block in `view`; only one signature is real. */
function forgedQC(s: NodeState, view: number, seed: Uint8Array): QuorumCertificate {
  const hash = sha256(concatBytes(seed, Uint8Array.of(view & 0xff, 0xf0)));
  const all = s.cert.validators.validators.map((_, i) => i);
  return {
    view,
    blockHash: hash,
    signers: s.cert.validators.encodeBitmap(all),
    signature: s.config.scheme.sign(
      s.config.secretKey,
      voteSigningMessage(s.cert.chain, view, hash),
    ),
  };
}

function withForgedQC(s: NodeState, m: ConsensusMessage): ConsensusMessage {
  if (m.type === 'timeout') {
    if (m.view < 2) return m;
    const highQC = forgedQC(s, m.view - 1, m.highQC.blockHash);
    const signature = s.config.scheme.sign(
      s.config.secretKey,
      timeoutSigningMessage(s.cert.chain, m.view, highQC.view),
    );
    return { ...m, highQC, signature };
  }
  if (m.type === 'proposal') {
    if (m.block.view < 2) return m;
    const qc = forgedQC(s, m.block.view - 1, m.block.parentHash);
    const block = { ...m.block, qc, parentHash: qc.blockHash };
    const hash = blockHash(block);
    const signature = s.config.scheme.sign(
      s.config.secretKey,
      proposalSigningMessage(s.cert.chain, block.view, hash),
    );
    return { ...m, block, tc: null, signature };
  }
  return m;
}
