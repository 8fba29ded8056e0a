import {
  type ChainContext,
  type ConsensusParams,
  epochOfHeight,
  type SignatureScheme,
  type ValidatorInfo,
  ValidatorSet,
  verifyEquivocationEvidence,
} from '@keel/consensus';
import type {
  EpochParams,
  EpochValidator,
  EvidenceVerifier,
  Ledger,
  LedgerState,
} from '@keel/ledger';
import { bytesToHex, equalBytes } from '@keel/util';

/**
 * Staking epochs in the node: the ledger keeps every epoch's consensus list in its state
 * (`@keel/ledger` `state/epochs.ts`), consensus asks for the next one at each boundary
 * (`App.nextEpochValidators`), and the ledger checks evidence with consensus' verifier. This
 * file is the glue; neither package imports the other.
 */

/** The consensus parameters a genesis with epochs implies (the ledger's copy is the truth). */
export function consensusEpochParams(ep: EpochParams | undefined): Partial<ConsensusParams> {
  if (!ep) return {};
  return {
    epochLength: ep.epochLength,
    unbondingEpochs: ep.unbondingEpochs,
    jailEpochs: ep.jailEpochs,
    slashFractionBps: ep.slashFractionBps,
  };
}

/** A ledger epoch list as consensus' `ValidatorInfo`s (index = position). */
export function epochInfos(list: readonly EpochValidator[]): ValidatorInfo[] {
  return list.map((v) => ({
    stake: v.power,
    publicKey: v.blsPublicKey,
    vrfPublicKey: v.vrfPublicKey,
    proofOfPossession: v.blsPop,
  }));
}

/** Builds `ValidatorSet`s of ledger lists, cached by content (the lists are small and rare). */
export class EpochSetCache {
  private readonly sets = new Map<string, ValidatorSet>();
  constructor(private readonly scheme: SignatureScheme) {}

  of(list: readonly EpochValidator[]): ValidatorSet {
    const key = list.map((v) => `${bytesToHex(v.blsPublicKey)}:${v.power}`).join(',');
    let set = this.sets.get(key);
    if (!set) {
      set = new ValidatorSet(epochInfos(list), this.scheme, { allowInactive: true });
      if (this.sets.size >= 64) this.sets.delete(this.sets.keys().next().value as string);
      this.sets.set(key, set);
    }
    return set;
  }
}

/**
 * The ledger's evidence verifier: `verifyEquivocationEvidence` of `@keel/consensus` over the
 * lists the ledger stored (its `ConsensusError`s — EVIDENCE_BAD_SIGNATURE, _UNKNOWN_EPOCH,
 * _UNKNOWN_VALIDATOR, _EXPIRED, _MALFORMED, _SAME_MESSAGE — become the ledger's `evidence`
 * verdict with that code).
 */
export function createEvidenceVerifier(
  chain: () => ChainContext,
  scheme: SignatureScheme,
): EvidenceVerifier {
  const cache = new EpochSetCache(scheme);
  return (e, ctx) => {
    verifyEquivocationEvidence(
      {
        chain: chain(),
        scheme,
        validatorsOf: (epoch) => {
          const list = ctx.validatorsOf(epoch);
          if (!list?.some((v) => v.power > 0)) return undefined;
          return cache.of(list);
        },
        currentEpoch: ctx.currentEpoch,
        unbondingEpochs: ctx.unbondingEpochs,
      },
      { ...e, ...(e.epoch > 0 ? { epoch: e.epoch } : {}) },
    );
  };
}

/**
 * The sets a node resuming at `height` hands consensus (`NodeConfig.knownEpochs`): every list
 * the committed ledger state holds from the anchor's epoch on.
 */
export function knownEpochs(
  ledger: Ledger,
  state: LedgerState,
  params: ConsensusParams,
  height: number,
  cache: EpochSetCache,
): { epoch: number; validators: ValidatorSet }[] {
  if (params.epochLength <= 0 || height === 0) return [];
  const out: { epoch: number; validators: ValidatorSet }[] = [];
  for (let e = epochOfHeight(params, height); ; e++) {
    const list = ledger.epochValidators(state, e);
    if (!list) break;
    out.push({ epoch: e, validators: cache.of(list) });
  }
  return out;
}

/**
 * This node's validator index: where its BLS key sits in the newest list the state holds, or
 * the genesis index from its key file. A key in no list yet (a validator that has staked but
 * not reached a set) follows with an index no list has; the node restarts consensus with its
 * real index once a set places it (the `epoch` event).
 */
export function ownIndex(
  ledger: Ledger,
  state: LedgerState,
  params: ConsensusParams,
  height: number,
  blsPublicKey: Uint8Array | null,
  fallback: number,
): number {
  if (params.epochLength <= 0 || !blsPublicKey) return fallback;
  let newest: EpochValidator[] | undefined;
  for (let e = epochOfHeight(params, height); ; e++) {
    const list = ledger.epochValidators(state, e);
    if (!list) break;
    newest = list;
  }
  const i = newest?.findIndex((v) => equalBytes(v.blsPublicKey, blsPublicKey)) ?? -1;
  return i >= 0 ? i : FOLLOWER_INDEX;
}

/** The index a staked-but-not-yet-listed validator follows with (beyond any real list). */
export const FOLLOWER_INDEX = 65_534;
