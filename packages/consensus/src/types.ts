/**
 * Consensus data types. Views number the protocol's rounds (one leader each); heights number
 * blocks along a chain. Hashes are 32 bytes; validators are referred to by their index in the
 * `ValidatorSet`.
 */

/** A certificate that more than 2/3 of stake voted for `blockHash` in `view`. */
export interface QuorumCertificate {
  readonly view: number;
  readonly blockHash: Uint8Array;
  /** Signer bitmap over the validator set (bit i = validator i, little-endian within bytes). */
  readonly signers: Uint8Array;
  /** Aggregate BLS signature of the signers' votes. Empty only in the genesis QC. */
  readonly signature: Uint8Array;
}

/**
 * A certificate that more than 2/3 of stake timed out in `view`. Each signer signed
 * (view, its highest QC view); `highQCViews[k]` belongs to the k-th set bit of `signers`.
 */
export interface TimeoutCertificate {
  readonly view: number;
  readonly signers: Uint8Array;
  readonly highQCViews: readonly number[];
  readonly signature: Uint8Array;
}

export interface Block {
  readonly parentHash: Uint8Array;
  readonly height: number;
  readonly view: number;
  readonly proposer: number;
  readonly payload: Uint8Array;
  /** Certifies the parent: `qc.blockHash` equals `parentHash`. */
  readonly qc: QuorumCertificate;
  /** Leader-election proof (ECVRF proof; empty for round-robin). */
  readonly leaderProof: Uint8Array;
  /** Leader-election seed this block hands to its children (32 bytes). */
  readonly seed: Uint8Array;
}

export interface ProposalMessage {
  readonly type: 'proposal';
  readonly genesisHash: Uint8Array;
  readonly block: Block;
  /** Present when the parent's QC is not from the previous view: why the view was skipped. */
  readonly tc: TimeoutCertificate | null;
  /** The proposer's signature over (chain, view, block hash). */
  readonly signature: Uint8Array;
}

export interface VoteMessage {
  readonly type: 'vote';
  readonly genesisHash: Uint8Array;
  readonly view: number;
  readonly blockHash: Uint8Array;
  readonly voter: number;
  readonly signature: Uint8Array;
}

export interface TimeoutMessage {
  readonly type: 'timeout';
  readonly genesisHash: Uint8Array;
  readonly view: number;
  readonly sender: number;
  readonly highQC: QuorumCertificate;
  /** The sender's latest TC, so that lagging nodes can catch up over skipped views. */
  readonly lastTC: TimeoutCertificate | null;
  /** Signature over (chain, view, highQC.view). */
  readonly signature: Uint8Array;
}

export interface BlockRequestMessage {
  readonly type: 'blockRequest';
  readonly genesisHash: Uint8Array;
  readonly hash: Uint8Array;
  /** How many ancestors to walk back, including `hash` itself. */
  readonly count: number;
}

export interface BlockResponseMessage {
  readonly type: 'blockResponse';
  readonly genesisHash: Uint8Array;
  /** Newest first: blocks[i+1] is the parent of blocks[i]. */
  readonly blocks: readonly Block[];
}

export type ConsensusMessage =
  | ProposalMessage
  | VoteMessage
  | TimeoutMessage
  | BlockRequestMessage
  | BlockResponseMessage;

/**
 * Two signed, conflicting statements by one validator in one view (kept for slashing): two
 * votes, or two proposals, for different blocks. `epoch` names the validator set whose key
 * `validator` indexes (absent: epoch 0, the genesis set).
 */
export interface EquivocationEvidence {
  readonly kind: 'proposal' | 'vote';
  readonly validator: number;
  readonly view: number;
  readonly epoch?: number;
  readonly first: { readonly blockHash: Uint8Array; readonly signature: Uint8Array };
  readonly second: { readonly blockHash: Uint8Array; readonly signature: Uint8Array };
}

/** What a node must persist before sending anything it signed (survives restarts). */
export interface SafetyState {
  /** Highest view this node voted or timed out in; it never signs a vote at or below it. */
  readonly lastVotedView: number;
  /** Highest QC seen; timeouts always report it, so it must survive a restart. */
  readonly highQC: QuorumCertificate;
  /** Highest view this node signed a timeout for. */
  readonly lastTimeoutView: number;
}

export type ConsensusInput =
  | { readonly type: 'start'; readonly now: number }
  | {
      readonly type: 'message';
      readonly from: number;
      readonly message: ConsensusMessage;
      readonly now: number;
    }
  | { readonly type: 'timer'; readonly view: number; readonly now: number }
  /** A clock reading with nothing else: lets the node notice overdue timers. */
  | { readonly type: 'tick'; readonly now: number };

export type ConsensusEvent =
  | {
      readonly kind: 'viewChange';
      readonly view: number;
      readonly reason: 'qc' | 'tc' | 'timeouts' | 'start';
    }
  | {
      readonly kind: 'phase';
      readonly view: number;
      readonly phase: 'propose' | 'vote' | 'qc' | 'timeout' | 'tc' | 'commit';
    }
  /** A message was refused; `verdict` is for peer scoring. */
  | {
      readonly kind: 'rejected';
      readonly from: number;
      readonly reason: string;
      readonly verdict: 'ignore' | 'misbehaving';
    }
  | { readonly kind: 'halted'; readonly code: string; readonly message: string }
  /** Epochs: the set of `epoch` was fixed by the commit at `fixedAtHeight`. */
  | { readonly kind: 'epoch'; readonly epoch: number; readonly fixedAtHeight: number };

export type ConsensusOutput =
  | { readonly type: 'send'; readonly to: number; readonly message: ConsensusMessage }
  /** To every other validator. */
  | { readonly type: 'broadcast'; readonly message: ConsensusMessage }
  | { readonly type: 'setTimer'; readonly view: number; readonly at: number }
  | {
      readonly type: 'commit';
      readonly block: Block;
      readonly hash: Uint8Array;
    }
  | { readonly type: 'evidence'; readonly evidence: EquivocationEvidence }
  /** Persist this before delivering any later output. */
  | { readonly type: 'persistSafety'; readonly safety: SafetyState }
  | { readonly type: 'event'; readonly event: ConsensusEvent };
