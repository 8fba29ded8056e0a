import { BufferWriter, bytesToHex } from '@keel/util';
import type { App } from '../app.ts';
import { epochOfHeight } from '../epochs.ts';
import { ConsensusError, ConsensusErrorCode } from '../errors.ts';
import { createGenesisBlock } from '../genesis.ts';
import {
  createRoundRobinElection,
  createVrfElection,
  type LeaderElection,
  type Vrf,
} from '../leaderElection.ts';
import { type ConsensusParams, simConsensusParams, simEpochConsensusParams } from '../params.ts';
import type { SignatureScheme } from '../signatureScheme.ts';
import { createNodeState, type NodeConfig, type NodeState } from '../state.ts';
import { step } from '../step.ts';
import type {
  ConsensusEvent,
  ConsensusInput,
  ConsensusMessage,
  ConsensusOutput,
  EquivocationEvidence,
  SafetyState,
} from '../types.ts';
import { ValidatorSet } from '../validatorSet.ts';
import {
  allByzantineBehaviours,
  type ByzantineBehaviour,
  byzantineSends,
  type Send,
} from './byzantine.ts';
import {
  defaultLivenessBound,
  LivenessChecker,
  SafetyChecker,
  type SafetyViolation,
} from './checkers.ts';
import {
  type ChurnEvent,
  type ChurnOptions,
  generateChurn,
  StakingSimApp,
  simVerifyPop,
} from './churn.ts';
import { simKey } from './keys.ts';
import { EventQueue } from './queue.ts';
import { SimRng } from './rng.ts';
import { createSimVrf, simVrfKey } from './vrf.ts';

let vrfInstance: Vrf | undefined;
function sharedVrf(): Vrf {
  vrfInstance ??= createSimVrf();
  return vrfInstance;
}

export interface SimPartition {
  /** Validators in different groups cannot reach each other (unlisted ones reach everyone). */
  readonly groups: readonly (readonly number[])[];
  readonly fromMs: number;
  readonly toMs: number;
}

export interface SimCrash {
  readonly node: number;
  readonly atMs: number;
  /** Restart with the persisted `SafetyState` (and nothing else); never, when absent. */
  readonly restartAtMs?: number;
}

export interface SimulationOptions {
  readonly seed: number;
  readonly validators: number;
  /** Per-validator stake (default: 1 each). */
  readonly stakes?: readonly number[];
  /** How many validators are Byzantine (chosen by the seed). */
  readonly byzantine?: number;
  /** Behaviours handed to the Byzantine validators in turn (default: all of them). */
  readonly behaviours?: readonly ByzantineBehaviour[];
  /** Stop once an honest node reaches this view. */
  readonly views: number;
  readonly latencyMs?: { readonly min: number; readonly max: number };
  /** Before GST, messages may additionally be delayed by up to this much. */
  readonly preGstExtraDelayMs?: number;
  readonly gstMs?: number;
  /** Per-message loss and duplication probabilities. */
  readonly loss?: number;
  readonly duplication?: number;
  readonly partitions?: readonly SimPartition[];
  readonly crashes?: readonly SimCrash[];
  /** Crash the (honest) leader of every new view until `untilMs`, each for `downMs`. */
  readonly crashLeaders?: { readonly untilMs: number; readonly downMs: number };
  readonly params?: ConsensusParams;
  /**
   * Leader election: `ecvrf` (RFC 9381 ECVRF-EDWARDS25519-SHA512-ELL2 stake-weighted sortition,
   * the default) or the deterministic stake-weighted `round-robin` fallback.
   */
  readonly election?: 'ecvrf' | 'round-robin';
  /** Give up (a liveness failure) at this simulated time. */
  readonly maxTimeMs?: number;
  /** After stabilization, a commit must happen at least every this many views. */
  readonly livenessBoundViews?: number;
  readonly scheme: SignatureScheme;
  /**
   * Staking epochs with churn: validators join (from `joiners` extra keys), leave, get slashed
   * from gossiped evidence and jailed, and rejoin, per a seeded schedule (params default to
   * `simEpochConsensusParams`). The first Byzantine validator also leaves and rejoins every
   * epoch. Adds the slashing checker.
   */
  readonly churn?: ChurnOptions;
  /** Receives one line per consensus event (debugging a failing seed). */
  readonly trace?: (line: string) => void;
}

export interface SimulationResult {
  readonly seed: number;
  readonly viewsReached: number;
  readonly timeMs: number;
  /** Lowest committed height among honest live nodes. */
  readonly minCommittedHeight: number;
  readonly maxCommittedHeight: number;
  readonly safetyViolations: readonly SafetyViolation[];
  readonly livenessFailure: string | null;
  /** Views between consecutive commits at honest nodes after stabilization. */
  readonly viewsToCommit: readonly number[];
  readonly messages: number;
  readonly messagesPerView: number;
  readonly evidence: number;
  readonly rejected: number;
  readonly byzantine: readonly number[];
  /** Simulated time at which each height was first committed by an honest node. */
  readonly firstCommitAtMs: readonly number[];
  /** Churn runs: highest epoch whose set an honest node fixed, and the schedule used. */
  readonly epochsReached?: number;
  readonly churnEvents?: readonly ChurnEvent[];
  /** Churn runs: offences (validator:epoch) detected by honest nodes, and of those slashed. */
  readonly offencesDetected?: number;
  readonly offencesSlashed?: number;
  /** Churn runs: a detected offence that was not slashed by the end (the slashing checker). */
  readonly slashingFailure?: string | null;
}

type SimEvent =
  | { kind: 'deliver'; to: number; from: number; message: ConsensusMessage }
  | { kind: 'timer'; node: number; view: number; incarnation: number }
  | { kind: 'crash'; node: number }
  | { kind: 'restart'; node: number }
  | { kind: 'stabilize' }
  | { kind: 'evidence'; to: number; evidence: EquivocationEvidence };

interface SimNode {
  readonly index: number;
  readonly behaviour: ByzantineBehaviour | null;
  state: NodeState;
  staking: StakingSimApp | null;
  alive: boolean;
  incarnation: number;
  safety: SafetyState | undefined;
}

class SimApp implements App {
  constructor(private readonly index: number) {}
  proposePayload(ctx: { height: number; view: number }): Uint8Array {
    return new BufferWriter(24)
      .u32le(this.index)
      .u64le(BigInt(ctx.height))
      .u64le(BigInt(ctx.view))
      .finish();
  }
  validatePayload(block: { payload: Uint8Array }): boolean {
    return block.payload.length <= 64;
  }
  onCommit(): void {}
}

/** Runs one seeded simulation to completion. Deterministic: the seed fixes every choice. */
export function runSimulation(o: SimulationOptions): SimulationResult {
  return new Simulation(o).run();
}

class Simulation {
  private readonly rng: SimRng;
  private readonly netRng: SimRng;
  private readonly byzRng: SimRng;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly nodes: SimNode[] = [];
  private readonly configs: NodeConfig[] = [];
  private readonly safety = new SafetyChecker();
  private readonly liveness: LivenessChecker;
  private readonly latency: { min: number; max: number };
  private readonly gst: number;
  private readonly maxTime: number;
  private readonly byzantine: number[];
  private now = 0;
  private messages = 0;
  private evidence = 0;
  private rejected = 0;
  private globalView = 0;
  private crashedLeaders = 0;
  private readonly leaderCrashedViews = new Set<number>();
  private readonly crashedLeaderNodes = new Set<number>();
  private readonly halts: string[] = [];
  private readonly params: ConsensusParams;
  private readonly churnEvents: ChurnEvent[] = [];
  /** Offences detected by honest nodes: validator:epoch → first detection time. */
  private readonly detected = new Map<string, number>();
  private makeApp: (i: number) => { app: App; staking: StakingSimApp | null } = (i) => ({
    app: new SimApp(i),
    staking: null,
  });

  constructor(private readonly o: SimulationOptions) {
    const n = o.validators;
    if (!Number.isInteger(n) || n < 1) {
      throw new ConsensusError(ConsensusErrorCode.SIM_INVALID_SCENARIO, 'validators must be >= 1');
    }
    const f = o.byzantine ?? 0;
    if (f < 0 || f >= n) {
      throw new ConsensusError(ConsensusErrorCode.SIM_INVALID_SCENARIO, `byzantine ${f} of ${n}`);
    }
    this.rng = new SimRng(o.seed);
    this.netRng = this.rng.fork('net');
    this.byzRng = this.rng.fork('byz');
    this.latency = o.latencyMs ?? { min: 5, max: 40 };
    this.gst = o.gstMs ?? 0;
    const churn = o.churn;
    const params = o.params ?? (churn ? simEpochConsensusParams : simConsensusParams);
    this.params = params;
    this.maxTime = o.maxTimeMs ?? this.gst + 60_000 + o.views * 4 * params.baseTimeoutMs;
    const ids = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    this.byzantine = ids.slice(0, f).sort((a, b) => a - b);
    const behaviours = o.behaviours ?? allByzantineBehaviours;
    const infos = ids
      .sort((a, b) => a - b)
      .map((i) => ({
        stake: o.stakes?.[i] ?? 1,
        publicKey: simKey(o.scheme, i).publicKey,
        vrfPublicKey: simVrfKey(i).publicKey,
      }));
    // Keys are generated here, so no rogue-key attack is possible and PoP checks are skipped.
    const validators = new ValidatorSet(infos, o.scheme);
    const chainId = 'keel-sim';
    const genesis = createGenesisBlock({ chainId, validators: infos });
    const electionFor = (vs: ValidatorSet): LeaderElection =>
      (o.election ?? 'ecvrf') === 'ecvrf'
        ? createVrfElection(vs, sharedVrf(), chainId)
        : createRoundRobinElection(vs);
    const election = electionFor(validators);
    const universe = churn ? n + (churn.joiners ?? Math.max(1, Math.floor(n / 3))) : n;
    if (churn) {
      const leaveRejoin = this.byzantine.slice(0, 1);
      this.churnEvents.push(
        ...(churn.events ??
          generateChurn(
            this.rng.fork('churn'),
            n,
            universe,
            this.byzantine,
            churn.epochs ?? 64,
            leaveRejoin,
          )),
      );
      this.makeApp = (i) => {
        const staking = new StakingSimApp(
          i,
          params,
          () => this.nodes[i]!.state.cert.chain,
          o.scheme,
          infos,
          validators,
          this.churnEvents,
        );
        return { app: staking, staking };
      };
    }
    for (let i = 0; i < universe; i++) {
      const config: NodeConfig = {
        chainId,
        genesis,
        validators,
        index: i,
        secretKey: simKey(o.scheme, i).secretKey,
        vrfSecretKey: simVrfKey(i).secretKey,
        scheme: o.scheme,
        election,
        ...(churn ? { electionFor, verifyProofOfPossession: simVerifyPop } : {}),
        app: new SimApp(i),
        params,
      };
      const made = this.makeApp(i);
      const withApp = { ...config, app: made.app };
      this.configs.push(config);
      const bi = this.byzantine.indexOf(i);
      this.nodes.push({
        index: i,
        behaviour: bi >= 0 ? behaviours[bi % behaviours.length]! : null,
        staking: made.staking,
        state: createNodeState(withApp),
        alive: true,
        incarnation: 0,
        safety: undefined,
      });
    }
    const honest = this.nodes.filter((x) => !x.behaviour).map((x) => x.index);
    const honestStake = honest.reduce((a, i) => a + (o.stakes?.[i] ?? 1), 0);
    // Churn: leaders may be out of the set or jailed and epochs change hands, so the bound
    // adds two epochs' worth of views to the fixed-set bound.
    const bound =
      o.livenessBoundViews ??
      defaultLivenessBound(o.election ?? 'ecvrf', n, honestStake / validators.totalStake) +
        (churn ? 2 * params.epochLength + 16 : 0);
    this.liveness = new LivenessChecker(honest, bound);
    let stabilize = this.gst;
    for (const p of o.partitions ?? []) stabilize = Math.max(stabilize, p.toMs);
    for (const c of o.crashes ?? []) {
      this.queue.push(c.atMs, { kind: 'crash', node: c.node });
      stabilize = Math.max(stabilize, c.atMs);
      if (c.restartAtMs !== undefined) {
        this.queue.push(c.restartAtMs, { kind: 'restart', node: c.node });
        stabilize = Math.max(stabilize, c.restartAtMs);
      }
    }
    if (o.crashLeaders)
      stabilize = Math.max(stabilize, o.crashLeaders.untilMs + o.crashLeaders.downMs);
    this.queue.push(stabilize, { kind: 'stabilize' });
  }

  run(): SimulationResult {
    for (const node of this.nodes) this.input(node, { type: 'start', now: 0 });
    let ev = this.queue.pop();
    while (ev && ev.at <= this.maxTime && !this.done()) {
      this.now = ev.at;
      this.handle(ev.item);
      ev = this.queue.pop();
    }
    const honestLive = this.nodes.filter((x) => !x.behaviour && x.alive);
    const heights = honestLive.map((x) => x.state.committedHeight);
    let failure = this.liveness.finish(
      this.globalView,
      honestLive.map((x) => x.index),
    );
    if (this.globalView < this.o.views) {
      failure ??= `reached view ${this.globalView} of ${this.o.views} by ${this.now} ms`;
    }
    if (this.halts.length > 0) failure ??= `honest node halted: ${this.halts[0]}`;
    const churnResult = this.o.churn ? this.churnReport(honestLive) : {};
    return {
      seed: this.o.seed,
      viewsReached: this.globalView,
      timeMs: this.now,
      minCommittedHeight: heights.length ? Math.min(...heights) : 0,
      maxCommittedHeight: heights.length ? Math.max(...heights) : 0,
      safetyViolations: this.safety.violations,
      livenessFailure: failure,
      viewsToCommit: this.liveness.samples,
      messages: this.messages,
      messagesPerView: this.globalView > 0 ? this.messages / this.globalView : 0,
      evidence: this.evidence,
      rejected: this.rejected,
      byzantine: this.byzantine,
      firstCommitAtMs: this.safety.firstCommitAtMs,
      ...churnResult,
    };
  }

  /**
   * The slashing checker: every offence an honest node detected at least `margin` before the
   * end is slashed in the committed state of the most advanced honest node.
   */
  private churnReport(honestLive: SimNode[]): Partial<SimulationResult> {
    const ref = honestLive.reduce<SimNode | null>(
      (a, x) => (!a || x.state.committedHeight > a.state.committedHeight ? x : a),
      null,
    );
    const slashed = ref?.staking?.slashed ?? new Map<string, number>();
    const margin = 6000;
    let failure: string | null = null;
    let slashedCount = 0;
    for (const [key, at] of this.detected) {
      if (slashed.has(key)) slashedCount++;
      else if (at < this.now - margin && !failure) {
        failure = `offence ${key} detected at ${at} ms was never slashed (run ended at ${this.now} ms)`;
      }
    }
    return {
      epochsReached: ref ? ref.state.latestEpoch : 0,
      churnEvents: this.churnEvents,
      offencesDetected: this.detected.size,
      offencesSlashed: slashedCount,
      slashingFailure: failure,
    };
  }

  /** Done after `views` views, and never before 10 views past stabilization. */
  private done(): boolean {
    const stable = this.liveness.stableFromView;
    return stable !== null && this.globalView >= Math.max(this.o.views, stable + 10);
  }

  private handle(e: SimEvent): void {
    switch (e.kind) {
      case 'deliver': {
        const node = this.nodes[e.to]!;
        if (node.alive) {
          this.input(node, { type: 'message', from: e.from, message: e.message, now: this.now });
        }
        return;
      }
      case 'timer': {
        const node = this.nodes[e.node]!;
        if (node.alive && node.incarnation === e.incarnation) {
          this.input(node, { type: 'timer', view: e.view, now: this.now });
        }
        return;
      }
      case 'crash':
        this.nodes[e.node]!.alive = false;
        return;
      case 'restart': {
        this.restart(this.nodes[e.node]!);
        return;
      }
      case 'stabilize':
        this.liveness.stabilize(this.globalView);
        return;
      case 'evidence': {
        const node = this.nodes[e.to]!;
        if (node.alive && node.staking) {
          const now = epochOfHeight(this.params, node.state.committedHeight);
          node.staking.addEvidence(e.evidence, now);
        }
        return;
      }
    }
  }

  private restart(node: SimNode): void {
    if (node.alive) return;
    if (this.crashedLeaderNodes.delete(node.index)) this.crashedLeaders--;
    node.alive = true;
    node.incarnation++;
    // A restart keeps only the persisted SafetyState: the app is rebuilt by re-committing.
    const made = this.makeApp(node.index);
    node.staking = made.staking;
    node.state = createNodeState({ ...this.configs[node.index]!, app: made.app }, node.safety);
    this.input(node, { type: 'start', now: this.now });
  }

  private input(node: SimNode, input: ConsensusInput): void {
    const { outputs } = step(node.state, input);
    this.apply(node, outputs);
  }

  private apply(node: SimNode, outputs: readonly ConsensusOutput[]): void {
    const i = node.index;
    for (const out of outputs) {
      switch (out.type) {
        case 'setTimer':
          this.queue.push(Math.max(out.at, this.now), {
            kind: 'timer',
            node: i,
            view: out.view,
            incarnation: node.incarnation,
          });
          break;
        case 'persistSafety':
          node.safety = out.safety;
          break;
        case 'commit':
          if (!node.behaviour) {
            this.safety.onCommit(i, out.block.height, bytesToHex(out.hash), this.now);
            this.liveness.onCommit(i, this.globalView);
          }
          break;
        case 'evidence':
          this.evidence++;
          if (!node.behaviour && node.staking) {
            const key = `${out.evidence.validator}:${out.evidence.epoch ?? 0}`;
            if (!this.detected.has(key)) this.detected.set(key, this.now);
            // Gossip: every node (this one at once) hands it to its app for inclusion.
            for (let j = 0; j < this.nodes.length; j++) {
              const delay = j === i ? 0 : this.netRng.range(this.latency.min, this.latency.max);
              this.queue.push(this.now + delay, {
                kind: 'evidence',
                to: j,
                evidence: out.evidence,
              });
            }
          }
          if (!this.byzantine.includes(out.evidence.validator)) {
            this.safety.violations.push({
              kind: 'honest-accused',
              detail: `validator ${out.evidence.validator} accused of ${out.evidence.kind} equivocation in view ${out.evidence.view}`,
            });
          }
          break;
        case 'event':
          this.onEvent(node, out.event);
          break;
        default:
          break;
      }
    }
    // A node's messages to itself (its own vote as the next leader) are local: no latency, loss,
    // partition or Byzantine rewriting, and not counted as network messages.
    const remote: ConsensusOutput[] = [];
    for (const x of outputs) {
      if (x.type === 'send' && x.to === i) {
        this.queue.push(this.now, { kind: 'deliver', to: i, from: i, message: x.message });
      } else remote.push(x);
    }
    const sends: Send[] = node.behaviour
      ? byzantineSends(node.behaviour, node.state, remote, this.byzRng)
      : remote.flatMap((x) =>
          x.type === 'send'
            ? [{ to: x.to, message: x.message }]
            : x.type === 'broadcast'
              ? [{ to: -1, message: x.message }]
              : [],
        );
    for (const s of sends) {
      if (s.to >= 0) this.send(i, s.to, s.message);
      else for (let j = 0; j < this.nodes.length; j++) if (j !== i) this.send(i, j, s.message);
    }
  }

  private onEvent(node: SimNode, ev: ConsensusEvent): void {
    this.o.trace?.(`${this.now} n${node.index}${node.behaviour ? '*' : ''} ${JSON.stringify(ev)}`);
    if (ev.kind === 'rejected') this.rejected++;
    else if (ev.kind === 'halted' && !node.behaviour)
      this.halts.push(`${node.index}: ${ev.message}`);
    else if (ev.kind === 'viewChange' && !node.behaviour && ev.view > this.globalView) {
      this.globalView = ev.view;
      this.maybeCrashLeader(ev.view);
    }
  }

  /** The "leader crash each view" scenario: the honest leader of each new view goes down. */
  private maybeCrashLeader(view: number): void {
    const cl = this.o.crashLeaders;
    if (!cl || this.now >= cl.untilMs || this.leaderCrashedViews.has(view)) return;
    this.leaderCrashedViews.add(view);
    const f = Math.floor((this.nodes.length - 1) / 3);
    if (this.crashedLeaders + this.byzantine.length >= f) return;
    const ref = this.nodes.find((x) => !x.behaviour && x.alive && x.state.view === view);
    if (!ref) return;
    const head = ref.state.blocks.get(ref.state.headKey);
    if (!head) return;
    const leader = ref.state.config.election.leader(view, head.block.seed);
    const node = this.nodes[leader]!;
    if (node.behaviour || !node.alive) return;
    node.alive = false;
    this.crashedLeaders++;
    this.crashedLeaderNodes.add(leader);
    this.queue.push(this.now + cl.downMs, { kind: 'restart', node: leader });
  }

  private send(from: number, to: number, message: ConsensusMessage): void {
    this.messages++;
    if (this.partitioned(from, to)) return;
    if (this.netRng.chance(this.o.loss ?? 0)) return;
    const copies = this.netRng.chance(this.o.duplication ?? 0) ? 2 : 1;
    for (let k = 0; k < copies; k++) {
      let delay = this.netRng.range(this.latency.min, this.latency.max);
      if (this.now < this.gst) delay += this.netRng.range(0, this.o.preGstExtraDelayMs ?? 0);
      this.queue.push(this.now + delay, { kind: 'deliver', to, from, message });
    }
  }

  private partitioned(a: number, b: number): boolean {
    for (const p of this.o.partitions ?? []) {
      if (this.now < p.fromMs || this.now >= p.toMs) continue;
      const ga = p.groups.findIndex((g) => g.includes(a));
      const gb = p.groups.findIndex((g) => g.includes(b));
      if (ga >= 0 && gb >= 0 && ga !== gb) return true;
    }
    return false;
  }
}
