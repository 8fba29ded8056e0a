import { bytesToHex } from '@keel/util';
import type { App } from './app.ts';
import { type CertificateContext, genesisQC } from './certificates.ts';
import { blockHash } from './encoding.ts';
import type { EpochContext } from './epochs.ts';
import { ConsensusError, ConsensusErrorCode } from './errors.ts';
import type { LeaderElection } from './leaderElection.ts';
import { type ConsensusParams, defaultConsensusParams } from './params.ts';
import type { SignatureScheme } from './signatureScheme.ts';
import type {
  Block,
  ConsensusEvent,
  ConsensusOutput,
  ProposalMessage,
  SafetyState,
  TimeoutCertificate,
  TimeoutMessage,
} from './types.ts';
import type { ValidatorSet } from './validatorSet.ts';

export interface NodeConfig {
  readonly chainId: string;
  readonly genesis: Block;
  /** The genesis set: epochs 0 and 1 (and every epoch, when `params.epochLength` is 0). */
  readonly validators: ValidatorSet;
  /**
   * This node's validator index. With epochs, indices are stable across epochs (new keys are
   * appended), so a node that joins later may start with an index past the genesis set; it
   * votes and leads only in epochs where its stake is positive.
   */
  readonly index: number;
  readonly secretKey: Uint8Array;
  /** ECVRF secret key, when the election is `ecvrf`. */
  readonly vrfSecretKey?: Uint8Array;
  readonly scheme: SignatureScheme;
  readonly election: LeaderElection;
  readonly app: App;
  readonly params?: ConsensusParams;
  /** Epochs: builds the leader election over a new epoch's set (default: reuse `election`). */
  readonly electionFor?: (validators: ValidatorSet, epoch: number) => LeaderElection;
  /** Epochs: checks the proof of possession of every key an epoch adds. */
  readonly verifyProofOfPossession?: (publicKey: Uint8Array, proof: Uint8Array) => boolean;
  /**
   * Epochs, for a node resuming from an anchor past epoch 1: the sets of the epochs at and
   * after the anchor's (from the node's storage or a state-synced snapshot).
   */
  readonly knownEpochs?: readonly { readonly epoch: number; readonly validators: ValidatorSet }[];
}

export interface StoredBlock {
  readonly block: Block;
  readonly hash: Uint8Array;
  readonly key: string;
}

export interface VoteEntry {
  readonly blockKey: string;
  readonly blockHash: Uint8Array;
  readonly signature: Uint8Array;
}

export interface TimeoutEntry {
  readonly message: TimeoutMessage;
  verified: boolean;
}

/**
 * A node's whole consensus state. `step` owns it: it updates the object in place and returns
 * it, so drivers must not share one state between nodes or keep references to old versions.
 * Only `safety` needs to be persisted (the `persistSafety` output says when).
 */
export interface NodeState {
  readonly config: NodeConfig;
  readonly params: ConsensusParams;
  readonly cert: CertificateContext;
  readonly genesisKey: string;
  safety: SafetyState;
  view: number;
  started: boolean;
  halted: { readonly code: string; readonly message: string } | null;
  lastTC: TimeoutCertificate | null;
  /** Views in a row entered through a TC (timeout backoff exponent). */
  consecutiveTimeouts: number;
  ownTimeout: TimeoutMessage | null;
  lastProposedView: number;
  blocks: Map<string, StoredBlock>;
  /** Key of the block the highest QC certifies: the head the node builds on. */
  headKey: string;
  committedHeight: number;
  committedKey: string;
  committedByHeight: Map<number, string>;
  /** The highest block waiting to be committed while its ancestors are fetched. */
  pendingCommitKey: string | null;
  /** Proposals waiting for their parent, by parent key. */
  pendingProposals: Map<string, { from: number; message: ProposalMessage }[]>;
  /** Blocks requested from peers, with the view of the last request. */
  wanted: Map<string, number>;
  votes: Map<number, Map<number, VoteEntry>>;
  /** Voters whose vote in a view failed verification (ignored for the rest of the view). */
  badVoters: Map<number, Set<number>>;
  formedQCViews: Set<number>;
  timeouts: Map<number, Map<number, TimeoutEntry>>;
  /** For each sender, the single future view we keep a timeout for (bounds spam). */
  futureTimeoutView: Map<number, number>;
  /** First signed proposal per (view, proposer), to catch equivocation. */
  seenProposals: Map<number, Map<number, VoteEntry>>;
  verifiedCerts: Set<string>;
  evidenceKeys: Set<string>;
  /** Validator sets by epoch (only epoch 0 when epochs are off). */
  epochs: Map<number, EpochContext>;
  latestEpoch: number;
  /** Proposals for an epoch whose set is not fixed yet, by epoch (bounded). */
  pendingEpoch: Map<number, { from: number; message: ProposalMessage }[]>;
}

export interface StepContext {
  readonly s: NodeState;
  readonly out: ConsensusOutput[];
  readonly now: number;
}

/**
 * A committed block a restarted (or state-synced) node resumes from: the node's own storage
 * holds everything below it, so consensus starts with it as its committed tip instead of
 * re-fetching and re-committing history from genesis.
 */
export interface CommittedAnchor {
  readonly block: Block;
  readonly hash: Uint8Array;
}

/**
 * A fresh node, or a restarted one when `safety` was persisted before. With `anchor`, the node
 * treats that block as already committed (its ancestors are never asked for or committed again).
 */
export function createNodeState(
  config: NodeConfig,
  safety?: SafetyState,
  anchor?: CommittedAnchor,
): NodeState {
  const { validators, index } = config;
  const params = config.params ?? defaultConsensusParams;
  const limit = params.epochLength > 0 ? 65_535 : validators.size;
  if (!Number.isInteger(index) || index < 0 || index >= limit) {
    throw new ConsensusError(ConsensusErrorCode.INVALID_CONFIG, `no validator ${index}`);
  }
  const gHash = blockHash(config.genesis);
  const genesisKey = bytesToHex(gHash);
  const blocks = new Map<string, StoredBlock>();
  blocks.set(genesisKey, { block: config.genesis, hash: gHash, key: genesisKey });
  const committedByHeight = new Map([[0, genesisKey]]);
  let committedKey = genesisKey;
  let committedHeight = 0;
  if (anchor && anchor.block.height > 0) {
    committedKey = bytesToHex(anchor.hash);
    committedHeight = anchor.block.height;
    blocks.set(committedKey, { block: anchor.block, hash: anchor.hash, key: committedKey });
    committedByHeight.set(committedHeight, committedKey);
  }
  const cert: CertificateContext = {
    chain: { chainId: config.chainId, genesisHash: gHash },
    validators,
    scheme: config.scheme,
  };
  const epochs = new Map<number, EpochContext>();
  const genesisEpoch = { validators, election: config.election, cert };
  epochs.set(0, { epoch: 0, ...genesisEpoch });
  if (params.epochLength > 0) epochs.set(1, { epoch: 1, ...genesisEpoch });
  let latestEpoch = params.epochLength > 0 ? 1 : 0;
  for (const k of config.knownEpochs ?? []) {
    const election = config.electionFor
      ? config.electionFor(k.validators, k.epoch)
      : config.election;
    epochs.set(k.epoch, {
      epoch: k.epoch,
      validators: k.validators,
      election,
      cert: { ...cert, validators: k.validators },
    });
    latestEpoch = Math.max(latestEpoch, k.epoch);
  }
  return {
    config,
    params,
    cert,
    genesisKey,
    safety: safety ?? { lastVotedView: 0, lastTimeoutView: 0, highQC: genesisQC(gHash) },
    view: 0,
    started: false,
    halted: null,
    lastTC: null,
    consecutiveTimeouts: 0,
    ownTimeout: null,
    lastProposedView: 0,
    blocks,
    headKey: genesisKey,
    committedHeight,
    committedKey,
    committedByHeight,
    pendingCommitKey: null,
    pendingProposals: new Map(),
    wanted: new Map(),
    votes: new Map(),
    badVoters: new Map(),
    formedQCViews: new Set(),
    timeouts: new Map(),
    futureTimeoutView: new Map(),
    seenProposals: new Map(),
    verifiedCerts: new Set(),
    evidenceKeys: new Set(),
    epochs,
    latestEpoch,
    pendingEpoch: new Map(),
  };
}

export function emit(c: StepContext, event: ConsensusEvent): void {
  c.out.push({ type: 'event', event });
}

export function reject(c: StepContext, from: number, reason: string, bad = true): void {
  emit(c, { kind: 'rejected', from, reason, verdict: bad ? 'misbehaving' : 'ignore' });
}

export function setSafety(c: StepContext, safety: SafetyState): void {
  c.s.safety = safety;
  c.out.push({ type: 'persistSafety', safety });
}

export function halt(c: StepContext, code: ConsensusErrorCode, message: string): void {
  if (c.s.halted) return;
  c.s.halted = { code, message };
  emit(c, { kind: 'halted', code, message });
}

/** Remembers a verified certificate digest (bounded; oldest forgotten first). */
export function rememberVerified(s: NodeState, key: string): void {
  if (s.verifiedCerts.size >= 8192) {
    s.verifiedCerts.delete(s.verifiedCerts.values().next().value as string);
  }
  s.verifiedCerts.add(key);
}
