/**
 * One downstream connection's Mining Protocol state (sv2-spec 05): SetupConnection, standard
 * channels (grouped per connection unless REQUIRES_STANDARD_JOBS), extended channels, share
 * submission. The transport (Noise TCP, or the SV1 translator) is behind `Downstream`.
 */
import {
  extendedJobMessage,
  type MiningJob,
  MiningSetupFlags,
  type PrevHashState,
  type Sv2Message,
  type Sv2Payload,
  Sv2Protocol,
  standardJobMessage,
  targetToU256,
  u256ToTarget,
  type Vardiff,
} from '@keel/stratum';
import type { Pool } from './pool.ts';

export interface Downstream {
  send(msg: Sv2Message): void;
  close(reason: string): void;
  readonly remote: string;
}

export interface Channel {
  readonly id: number;
  readonly kind: 'standard' | 'extended';
  identity: string;
  readonly extranoncePrefix: Uint8Array;
  readonly extranonceSize: number;
  maxTarget: bigint;
  readonly vardiff: Vardiff;
  /** The target the next job will carry (last SetTarget). */
  target: bigint;
  /**
   * The target each job was activated with on this channel: a job keeps the target it was sent
   * with (05 §5.3.21; SRI keeps a per-job target), so a SetTarget never rejects in-flight shares.
   */
  readonly jobTargets: Map<number, bigint>;
  /** Standard channels in a group receive their jobs through the group channel. */
  readonly groupId: number;
  /** Extended channels opened with REQUIRES_WORK_SELECTION may carry SetCustomMiningJob jobs. */
  readonly workSelection: boolean;
}

const MAX_CHANNELS_PER_CONNECTION = 64;
/** Jobs remembered per channel (targets) and per destination (sent ids). */
const MAX_JOBS_PER_CHANNEL = 64;

function remember<K, V>(m: Map<K, V>, k: K, v: V): void {
  m.set(k, v);
  while (m.size > MAX_JOBS_PER_CHANNEL) m.delete(m.keys().next().value as K);
}

export class PoolSession {
  private setupDone = false;
  private standardJobs = false;
  private workSelection = false;
  readonly channels = new Map<number, Channel>();
  /** Job ids each destination (a channel, or the group channel) received, in order. */
  private readonly sent = new Map<number, Map<number, true>>();
  /** Group channel for this connection's standard channels (sv2-spec 05 §5.2.3). */
  readonly groupId: number;

  constructor(
    private readonly pool: Pool,
    readonly downstream: Downstream,
  ) {
    this.groupId = pool.allocateChannelId();
  }

  handle(msg: Sv2Message): void {
    if (!this.setupDone) {
      if (msg.type !== 'SetupConnection') {
        this.downstream.close(`protocol: ${msg.type} before SetupConnection`);
        return;
      }
      this.setup(msg.payload);
      return;
    }
    switch (msg.type) {
      case 'OpenStandardMiningChannel':
        this.openChannel('standard', msg.payload, 0);
        return;
      case 'OpenExtendedMiningChannel':
        this.openChannel('extended', msg.payload, msg.payload.minExtranonceSize);
        return;
      case 'SubmitSharesStandard':
        this.pool.submitShare(this, msg.payload, undefined);
        return;
      case 'SubmitSharesExtended':
        this.pool.submitShare(this, msg.payload, msg.payload.extranonce);
        return;
      case 'UpdateChannel':
        this.updateChannel(msg.payload);
        return;
      case 'CloseChannel':
        this.closeChannel(msg.payload.channelId);
        return;
      case 'SetCustomMiningJob':
        this.pool.setCustomMiningJob(this, msg.payload);
        return;
      case 'RequestExtensions':
        this.requestExtensions(msg.payload);
        return;
      default:
        // 03 §3.4: messages we do not process are ignored, not a reason to drop the miner.
        this.pool.logger.debug({ type: msg.type, remote: this.downstream.remote }, 'ignored');
    }
  }

  /**
   * Extensions Negotiation (extension 0x0001): the pool implements no optional extension yet,
   * so a non-empty request gets RequestExtensions.Error listing them all as unsupported (and
   * nothing required); an empty one gets Success with an empty list.
   */
  private requestExtensions(p: Sv2Payload<'RequestExtensions'>): void {
    const supported = new Set<number>(this.pool.supportedExtensions);
    const unsupported = p.requestedExtensions.filter((e) => !supported.has(e));
    if (unsupported.length === 0) {
      this.downstream.send({
        type: 'RequestExtensionsSuccess',
        payload: { requestId: p.requestId, supportedExtensions: p.requestedExtensions },
      });
    } else {
      this.downstream.send({
        type: 'RequestExtensionsError',
        payload: {
          requestId: p.requestId,
          unsupportedExtensions: unsupported,
          requiredExtensions: [],
        },
      });
    }
  }

  private setup(p: Sv2Payload<'SetupConnection'>): void {
    const error = (errorCode: string, flags = 0) => {
      this.downstream.send({ type: 'SetupConnectionError', payload: { flags, errorCode } });
      this.downstream.close(`SetupConnection refused: ${errorCode}`);
    };
    if (p.protocol !== Sv2Protocol.MINING) {
      error('unsupported-protocol');
      return;
    }
    if (p.minVersion > 2 || p.maxVersion < 2) {
      error('protocol-version-mismatch');
      return;
    }
    this.workSelection = (p.flags & MiningSetupFlags.REQUIRES_WORK_SELECTION) !== 0;
    if (this.workSelection && !this.pool.acceptsCustomJobs) {
      error('unsupported-feature-flags', MiningSetupFlags.REQUIRES_WORK_SELECTION);
      return;
    }
    this.standardJobs = (p.flags & MiningSetupFlags.REQUIRES_STANDARD_JOBS) !== 0;
    this.setupDone = true;
    this.downstream.send({ type: 'SetupConnectionSuccess', payload: { usedVersion: 2, flags: 0 } });
  }

  private openChannel(
    kind: 'standard' | 'extended',
    p: Sv2Payload<'OpenStandardMiningChannel'>,
    minExtranonceSize: number,
  ): void {
    const fail = (errorCode: string) =>
      this.downstream.send({
        type: 'OpenMiningChannelError',
        payload: { requestId: p.requestId, errorCode },
      });
    if (this.channels.size >= MAX_CHANNELS_PER_CONNECTION) {
      fail('max-channels-reached');
      return;
    }
    const maxTarget = u256ToTarget(p.maxTarget);
    if (kind === 'extended' && minExtranonceSize > this.pool.extranonceSize) {
      fail('min-extranonce-size-too-large');
      return;
    }
    if (maxTarget < this.pool.hardestTarget) {
      fail('max-target-out-of-range');
      return;
    }
    const alloc = this.pool.allocateExtranonce(kind);
    const initial = this.pool.initialTarget(p.nominalHashRate);
    const target = initial < maxTarget ? initial : maxTarget;
    const ch: Channel = {
      id: this.pool.allocateChannelId(),
      kind,
      identity: p.userIdentity || 'anonymous',
      extranoncePrefix: alloc.prefix,
      extranonceSize: alloc.minerSize,
      maxTarget,
      vardiff: this.pool.createVardiff(target, maxTarget),
      target,
      jobTargets: new Map(),
      groupId: kind === 'standard' && !this.standardJobs ? this.groupId : 0,
      workSelection: kind === 'extended' && this.workSelection,
    };
    this.channels.set(ch.id, ch);
    this.pool.channelOpened(ch);
    if (kind === 'standard') {
      this.downstream.send({
        type: 'OpenStandardMiningChannelSuccess',
        payload: {
          requestId: p.requestId,
          channelId: ch.id,
          target: targetToU256(target),
          extranoncePrefix: ch.extranoncePrefix,
          groupChannelId: ch.groupId,
        },
      });
    } else {
      this.downstream.send({
        type: 'OpenExtendedMiningChannelSuccess',
        payload: {
          requestId: p.requestId,
          channelId: ch.id,
          target: targetToU256(target),
          extranonceSize: ch.extranonceSize,
          extranoncePrefix: ch.extranoncePrefix,
          groupChannelId: 0,
        },
      });
    }
    // Current work: the live job as a future job, then the prev hash that activates it.
    const job = this.pool.jobs.active;
    const prev = this.pool.jobs.tracker.prevHash;
    if (job !== undefined && prev !== undefined) {
      if (ch.groupId !== 0 && this.groupedCount() > 1) {
        // The group already has its jobs; this member mines them at its own target.
        for (const id of this.sent.get(ch.groupId)?.keys() ?? []) ch.jobTargets.set(id, target);
        return;
      }
      this.sendJob(ch, job, undefined);
      this.sendPrevHash(ch, job, prev);
    }
  }

  private groupedCount(): number {
    let n = 0;
    for (const c of this.channels.values()) if (c.groupId !== 0) n++;
    return n;
  }

  /** The target a share for `jobId` on `ch` is checked against (the job's own, 05 §5.3.21). */
  shareTarget(ch: Channel, jobId: number): bigint {
    return ch.jobTargets.get(jobId) ?? ch.target;
  }

  private updateChannel(p: Sv2Payload<'UpdateChannel'>): void {
    const ch = this.channels.get(p.channelId);
    if (ch === undefined) {
      this.downstream.send({
        type: 'UpdateChannelError',
        payload: { channelId: p.channelId, errorCode: 'invalid-channel-id' },
      });
      return;
    }
    const max = u256ToTarget(p.maximumTarget);
    if (max < this.pool.hardestTarget) {
      this.downstream.send({
        type: 'UpdateChannelError',
        payload: { channelId: p.channelId, errorCode: 'max-target-out-of-range' },
      });
      return;
    }
    // 05 §5.3.7: the device's maximum_target bounds this and every later retarget.
    ch.maxTarget = max;
    const lowered = ch.vardiff.setMaxTarget(max);
    if (lowered !== undefined) this.setTarget(ch, lowered);
  }

  closeChannel(id: number): void {
    const ch = this.channels.get(id);
    if (ch === undefined) return;
    this.channels.delete(id);
    this.sent.delete(id);
    this.pool.channelClosed(ch);
  }

  /** A custom job (SetCustomMiningJob accepted) is live on `ch` at once, at its current target. */
  customJobActivated(ch: Channel, jobId: number): void {
    remember(ch.jobTargets, jobId, ch.target);
  }

  closeAll(): void {
    for (const id of [...this.channels.keys()]) this.closeChannel(id);
  }

  setTarget(ch: Channel, target: bigint): void {
    ch.target = target;
    this.pool.targetChanged();
    this.downstream.send({
      type: 'SetTarget',
      payload: { channelId: ch.id, maximumTarget: targetToU256(target) },
    });
  }

  /** Sends a job to every channel (once per group). */
  broadcastJob(job: MiningJob, minNtime: number | undefined): void {
    let groupSent = false;
    for (const ch of this.channels.values()) {
      if (ch.groupId !== 0) {
        if (groupSent) continue;
        groupSent = true;
      }
      this.sendJob(ch, job, minNtime);
    }
  }

  broadcastPrevHash(job: MiningJob, prev: PrevHashState): void {
    let groupSent = false;
    for (const ch of this.channels.values()) {
      if (ch.groupId !== 0) {
        if (groupSent) continue;
        groupSent = true;
      }
      this.sendPrevHash(ch, job, prev);
    }
  }

  /** Channels whose jobs go to destination `dest` (the channel itself, or its group). */
  private members(ch: Channel): Channel[] {
    if (ch.groupId === 0) return [ch];
    return [...this.channels.values()].filter((c) => c.groupId === ch.groupId);
  }

  /** A job became active on `ch`'s destination: each member keeps its current target for it. */
  private activate(ch: Channel, jobId: number): void {
    for (const c of this.members(ch)) remember(c.jobTargets, jobId, c.target);
  }

  private sendJob(ch: Channel, job: MiningJob, minNtime: number | undefined): void {
    const dest = ch.groupId !== 0 ? ch.groupId : ch.id;
    let sent = this.sent.get(dest);
    if (sent === undefined) {
      sent = new Map();
      this.sent.set(dest, sent);
    }
    remember(sent, job.jobId, true);
    if (minNtime !== undefined) this.activate(ch, job.jobId);
    if (ch.groupId !== 0) {
      this.downstream.send({
        type: 'NewExtendedMiningJob',
        payload: extendedJobMessage(job, ch.groupId, minNtime),
      });
    } else if (ch.kind === 'standard') {
      this.downstream.send({
        type: 'NewMiningJob',
        payload: standardJobMessage(job, ch.id, ch.extranoncePrefix, minNtime),
      });
    } else {
      this.downstream.send({
        type: 'NewExtendedMiningJob',
        payload: extendedJobMessage(job, ch.id, minNtime),
      });
    }
  }

  private sendPrevHash(ch: Channel, job: MiningJob, prev: PrevHashState): void {
    const dest = ch.groupId !== 0 ? ch.groupId : ch.id;
    // 05 §5.3.17: never a SetNewPrevHash for a job this channel did not get as a future job
    // (it opened between the future job and its prev hash): send the job first.
    if (this.sent.get(dest)?.has(job.jobId) !== true) this.sendJob(ch, job, undefined);
    this.activate(ch, job.jobId);
    this.downstream.send({
      type: 'SetNewPrevHash',
      payload: {
        channelId: ch.groupId !== 0 ? ch.groupId : ch.id,
        jobId: job.jobId,
        prevHash: prev.prevHash,
        minNtime: prev.minNtime,
        nbits: prev.nbits,
      },
    });
  }
}
