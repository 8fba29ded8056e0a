import { bytesToHex } from '@keel/util';
import type { CertificateContext } from './certificates.ts';
import { ConsensusError, ConsensusErrorCode } from './errors.ts';
import type { LeaderElection } from './leaderElection.ts';
import type { ConsensusParams } from './params.ts';
import { halt, type NodeState, type StepContext } from './state.ts';
import type { Block } from './types.ts';
import { type ValidatorInfo, ValidatorSet } from './validatorSet.ts';

/** One epoch's validator set, its leader election and the certificate context built on it. */
export interface EpochContext {
  readonly epoch: number;
  readonly validators: ValidatorSet;
  readonly election: LeaderElection;
  readonly cert: CertificateContext;
}

/** Epoch of a block height: epoch e holds heights e·L+1 .. (e+1)·L; genesis and L = 0 are epoch 0. */
export function epochOfHeight(params: ConsensusParams, height: number): number {
  if (params.epochLength <= 0 || height <= 0) return 0;
  return Math.floor((height - 1) / params.epochLength);
}

/** The epoch context of the block at `height`, or undefined while its set is not fixed yet. */
export function epochForHeight(s: NodeState, height: number): EpochContext | undefined {
  return s.epochs.get(epochOfHeight(s.params, height));
}

/** The newest epoch whose set this node knows. */
export function latestEpoch(s: NodeState): EpochContext {
  return s.epochs.get(s.latestEpoch)!;
}

/**
 * The epoch timeouts and TCs are counted in: that of the next block on this node's head (the
 * block the next proposal will be). Key material is per index and never changes across epochs,
 * so only stake and activity depend on this choice, and view changes never affect safety.
 */
export function timeoutEpoch(s: NodeState): EpochContext {
  const head = s.blocks.get(s.headKey);
  return (head && epochForHeight(s, head.block.height + 1)) ?? latestEpoch(s);
}

/** Contexts a certificate with no known block may belong to, newest first. */
export function candidateEpochs(s: NodeState): EpochContext[] {
  return [...s.epochs.values()].sort((a, b) => b.epoch - a.epoch).slice(0, 3);
}

/**
 * Checks an epoch's validator list against the previous one (stable indices, same keys,
 * appended keys only) and builds its context.
 */
export function buildEpoch(
  s: Pick<NodeState, 'config' | 'cert'>,
  epoch: number,
  infos: readonly ValidatorInfo[],
  previous: ValidatorSet | null,
): EpochContext {
  if (previous) {
    if (!Array.isArray(infos) || infos.length < previous.size) {
      throw epochError(
        epoch,
        `lists ${infos?.length} validators, fewer than the previous ${previous.size}`,
      );
    }
    for (let i = 0; i < previous.size; i++) {
      const a = previous.validators[i]!;
      const b = infos[i]!;
      if (
        !(b?.publicKey instanceof Uint8Array) ||
        bytesToHex(a.publicKey) !== bytesToHex(b.publicKey)
      ) {
        throw epochError(
          epoch,
          `changes the key at index ${i} (indices are stable; append new keys)`,
        );
      }
    }
  }
  // Keys new in this epoch must prove possession (older ones did when they were added).
  const pop = s.config.verifyProofOfPossession;
  if (pop && previous) {
    for (let i = previous.size; i < infos.length; i++) {
      const v = infos[i]!;
      if (!(v.proofOfPossession instanceof Uint8Array) || !pop(v.publicKey, v.proofOfPossession)) {
        throw epochError(epoch, `adds validator ${i} without a valid proof of possession`);
      }
    }
  }
  let validators: ValidatorSet;
  try {
    validators = new ValidatorSet(infos, s.config.scheme, { allowInactive: true });
  } catch (e) {
    throw epochError(epoch, (e as Error).message);
  }
  const election = s.config.electionFor
    ? s.config.electionFor(validators, epoch)
    : s.config.election;
  return {
    epoch,
    validators,
    election,
    cert: { chain: s.cert.chain, validators, scheme: s.config.scheme },
  };
}

function epochError(epoch: number, message: string): ConsensusError {
  return new ConsensusError(
    ConsensusErrorCode.INVALID_EPOCH_SET,
    `validator list for epoch ${epoch} ${message}`,
  );
}

/**
 * After committing `block`: at height k·L, fix epoch k+1's set from the App (or carry epoch
 * k's forward), then let proposals that waited for it through.
 */
export function onCommittedForEpochs(c: StepContext, block: Block, hash: Uint8Array): void {
  const s = c.s;
  const L = s.params.epochLength;
  if (L <= 0 || block.height === 0 || block.height % L !== 0) return;
  const next = block.height / L + 1;
  if (s.epochs.has(next)) return;
  const prev = s.epochs.get(next - 1)!;
  const infos = s.config.app.nextEpochValidators?.(block, hash, next);
  let ctx: EpochContext;
  try {
    ctx = infos ? buildEpoch(s, next, infos, prev.validators) : { ...prev, epoch: next };
  } catch (e) {
    const err = e as ConsensusError;
    halt(c, ConsensusErrorCode.INVALID_EPOCH_SET, err.message);
    return;
  }
  s.epochs.set(next, ctx);
  s.latestEpoch = next;
  // Old sets stay while their stake is slashable (evidence checks) plus a margin.
  const keepFrom = next - 2 - s.params.unbondingEpochs;
  for (const e of s.epochs.keys()) if (e < keepFrom) s.epochs.delete(e);
  c.out.push({ type: 'event', event: { kind: 'epoch', epoch: next, fixedAtHeight: block.height } });
}
