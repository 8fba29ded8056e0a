/**
 * BIP330 reconciliation timer: one reconciliation request every `intervalMs`, to the outbound
 * reconciling peers in turn (a single queue, as Core's TxReconciliationTracker; Core states its
 * interval per peer and divides it by the number of peers, here it is the gap between requests,
 * so each peer is reconciled every n * intervalMs). Time is an input (milliseconds).
 */
export const DEFAULT_RECON_INTERVAL_MS = 2000;

export class ReconciliationScheduler<Id> {
  private readonly intervalMs: number;
  private readonly queue: Id[] = [];
  private next = 0;

  constructor(intervalMs: number = DEFAULT_RECON_INTERVAL_MS) {
    this.intervalMs = intervalMs;
  }

  /** Adds an outbound peer; the first one waits a whole interval so a set can build up. */
  register(id: Id, now: number): void {
    if (this.queue.includes(id)) return;
    if (this.queue.length === 0) this.next = now + this.intervalMs;
    this.queue.push(id);
  }

  unregister(id: Id): void {
    const i = this.queue.indexOf(id);
    if (i >= 0) this.queue.splice(i, 1);
  }

  get peers(): readonly Id[] {
    return this.queue;
  }

  /** When the next request is due (undefined without peers). */
  nextDue(): number | undefined {
    return this.queue.length === 0 ? undefined : this.next;
  }

  /**
   * The peer to send reqrecon to now, if one is due; it moves to the back of the queue. A peer
   * whose previous round is still open (`busy`) is skipped without consuming the slot.
   */
  due(now: number, busy: (id: Id) => boolean = () => false): Id | undefined {
    if (this.queue.length === 0 || now < this.next) return undefined;
    for (let i = 0; i < this.queue.length; i++) {
      const id = this.queue.shift()!;
      this.queue.push(id);
      if (busy(id)) continue;
      this.next = now + this.intervalMs;
      return id;
    }
    return undefined;
  }
}
