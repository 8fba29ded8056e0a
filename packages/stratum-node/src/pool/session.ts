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
  readonly maxTarget: bigint;
  readonly vardiff: Vardiff;
  target: bigint;
  /** Standard channels in a group receive their jobs through the group channel. */
  readonly groupId: number;
}

const MAX_CHANNELS_PER_CONNECTION = 64;

export class PoolSession {
  private setupDone = false;
  private standardJobs = false;
  readonly channels = new Map<number, Channel>();
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
      default:
        this.downstream.close(`protocol: unexpected ${msg.type} from a mining client`);
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
    if (p.flags & MiningSetupFlags.REQUIRES_WORK_SELECTION) {
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
    const alloc = this.pool.allocateExtranonce(kind);
    if (kind === 'extended' && minExtranonceSize > alloc.minerSize) {
      fail('min-extranonce-size-too-large');
      return;
    }
    const initial = this.pool.initialTarget(p.nominalHashRate);
    if (maxTarget < this.pool.hardestTarget) {
      fail('max-target-out-of-range');
      return;
    }
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
      groupId: kind === 'standard' && !this.standardJobs ? this.groupId : 0,
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
      if (ch.groupId !== 0 && this.groupedCount() > 1) return; // the group already has it
      this.sendJob(ch, job, undefined);
      this.sendPrevHash(ch, job, prev);
    }
  }

  private groupedCount(): number {
    let n = 0;
    for (const c of this.channels.values()) if (c.groupId !== 0) n++;
    return n;
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
    if (ch.target > max) this.setTarget(ch, max);
  }

  closeChannel(id: number): void {
    const ch = this.channels.get(id);
    if (ch === undefined) return;
    this.channels.delete(id);
    this.pool.channelClosed(ch);
  }

  closeAll(): void {
    for (const id of [...this.channels.keys()]) this.closeChannel(id);
  }

  setTarget(ch: Channel, target: bigint): void {
    ch.target = target;
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

  private sendJob(ch: Channel, job: MiningJob, minNtime: number | undefined): void {
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
