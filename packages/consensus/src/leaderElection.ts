import { sha256 } from '@keel/crypto';
import { BufferWriter, bytesToBigInt, equalBytes, utf8ToBytes } from '@keel/util';
import { ConsensusError, ConsensusErrorCode } from './errors.ts';
import type { ValidatorSet } from './validatorSet.ts';

/**
 * A verifiable random function (RFC 9381 ECVRF-EDWARDS25519-SHA512-ELL2 in production, from
 * `@keel/crypto/ecvrf`). `verify` returns the 64-byte output beta, or null for a bad proof.
 */
export interface Vrf {
  prove(secretKey: Uint8Array, alpha: Uint8Array): Uint8Array;
  /** The 64-byte output beta of a proof (no verification). */
  proofToHash(proof: Uint8Array): Uint8Array;
  verify(publicKey: Uint8Array, proof: Uint8Array, alpha: Uint8Array): Uint8Array | null;
}

/**
 * Chooses the leader of each view. The choice may depend on the seed of the parent block the
 * proposal extends, which every node validating the proposal holds, so validity never depends
 * on a node's local view of what is committed.
 */
export interface LeaderElection {
  readonly kind: 'round-robin' | 'ecvrf';
  leader(view: number, parentSeed: Uint8Array): number;
  /** What the leader attaches to its block: the proof and the seed its children use. */
  prove(
    view: number,
    parentSeed: Uint8Array,
    vrfSecretKey: Uint8Array | undefined,
  ): { proof: Uint8Array; seed: Uint8Array };
  /** Checks a block's (proof, seed) for its proposer. */
  verify(
    view: number,
    parentSeed: Uint8Array,
    proposer: number,
    proof: Uint8Array,
    seed: Uint8Array,
  ): boolean;
}

const SEED_TAG = utf8ToBytes('keel/consensus/seed/v1');
const LEADER_TAG = utf8ToBytes('keel/consensus/leader/v1');
const VRF_TAG = utf8ToBytes('keel/consensus/vrf/v1');
const MAX_SCHEDULE = 8192;

function viewBytes(view: number): Uint8Array {
  return new BufferWriter(8).u64le(BigInt(view)).finish();
}

/** The seed a genesis block hands to its children. */
export function genesisSeed(genesisPayload: Uint8Array): Uint8Array {
  return sha256(new BufferWriter(64).varBytes(SEED_TAG).bytes(sha256(genesisPayload)).finish());
}

/**
 * Deterministic stake-weighted round-robin: a smooth weighted round-robin schedule (each
 * validator appears in proportion to its stake, spread evenly) repeated forever. Stakes are
 * scaled down so one period has at most 8192 slots.
 */
export function createRoundRobinElection(validators: ValidatorSet): LeaderElection {
  const schedule = weightedSchedule(validators.validators.map((v) => v.stake));
  const childSeed = (view: number, parentSeed: Uint8Array) =>
    sha256(new BufferWriter(80).bytes(SEED_TAG).bytes(parentSeed).bytes(viewBytes(view)).finish());
  return {
    kind: 'round-robin',
    leader: (view) => schedule[view % schedule.length]!,
    prove: (view, parentSeed) => ({ proof: new Uint8Array(0), seed: childSeed(view, parentSeed) }),
    verify: (view, parentSeed, proposer, proof, seed) =>
      proposer === schedule[view % schedule.length] &&
      proof.length === 0 &&
      equalBytes(seed, childSeed(view, parentSeed)),
  };
}

export function weightedSchedule(stakes: readonly number[]): number[] {
  const total = stakes.reduce((a, b) => a + b, 0);
  const g = stakes.reduce(gcd, 0);
  let weights = stakes.map((s) => s / g);
  if (total / g > MAX_SCHEDULE) {
    weights = stakes.map((s) =>
      s === 0 ? 0 : Math.max(1, Math.round((s * MAX_SCHEDULE) / total)),
    );
  }
  const period = weights.reduce((a, b) => a + b, 0);
  const current = weights.map(() => 0);
  const out: number[] = [];
  for (let slot = 0; slot < period; slot++) {
    // Inactive (stake-0) members never lead: only positive weights compete.
    let best = -1;
    for (let i = 0; i < weights.length; i++) {
      if (weights[i] === 0) continue;
      current[i] = current[i]! + weights[i]!;
      if (best < 0 || current[i]! > current[best]!) best = i;
    }
    current[best]! -= period;
    out.push(best);
  }
  return out;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * ECVRF stake-weighted sortition. The leader of view v over a parent with seed s is the
 * validator whose stake interval contains SHA-256(tag ‖ s ‖ v) mod total stake. The leader
 * then proves VRF_sk(tag ‖ chain ‖ s ‖ v); the SHA-256 of its output is the block's seed.
 * Because an ECVRF output is unique per (key, input), a leader cannot grind its children's
 * leaders; it can only withhold its block, which costs it the view.
 */
export function createVrfElection(
  validators: ValidatorSet,
  vrf: Vrf,
  chainId: string,
): LeaderElection {
  const prefix = new BufferWriter(64).bytes(VRF_TAG).varBytes(utf8ToBytes(chainId)).finish();
  const alpha = (view: number, parentSeed: Uint8Array) =>
    new BufferWriter(128).bytes(prefix).bytes(parentSeed).bytes(viewBytes(view)).finish();
  validators.validators.forEach((v, i) => {
    if (!v.vrfPublicKey && v.stake > 0) {
      throw new ConsensusError(
        ConsensusErrorCode.INVALID_VALIDATOR_SET,
        `validator ${i} has no VRF public key (needed for ECVRF leader election)`,
      );
    }
  });
  const cumulative: number[] = [];
  let acc = 0;
  for (const v of validators.validators) cumulative.push((acc += v.stake));
  const total = BigInt(validators.totalStake);
  const leader = (view: number, parentSeed: Uint8Array): number => {
    const h = sha256(
      new BufferWriter(80).bytes(LEADER_TAG).bytes(parentSeed).bytes(viewBytes(view)).finish(),
    );
    const x = Number(bytesToBigInt(h) % total);
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  return {
    kind: 'ecvrf',
    leader,
    prove(view, parentSeed, sk) {
      if (!sk) {
        throw new ConsensusError(ConsensusErrorCode.INVALID_CONFIG, 'ECVRF election needs a key');
      }
      const proof = vrf.prove(sk, alpha(view, parentSeed));
      return { proof, seed: sha256(vrf.proofToHash(proof)) };
    },
    verify(view, parentSeed, proposer, proof, seed) {
      if (proposer !== leader(view, parentSeed)) return false;
      const pk = validators.validators[proposer]!.vrfPublicKey!;
      const beta = vrf.verify(pk, proof, alpha(view, parentSeed));
      return beta !== null && equalBytes(seed, sha256(beta));
    },
  };
}
