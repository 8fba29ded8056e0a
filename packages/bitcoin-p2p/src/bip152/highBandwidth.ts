/** BIP152: ask at most this many peers to announce blocks in high-bandwidth mode. */
export const MAX_HIGH_BANDWIDTH_PEERS = 3;

/** What to send after a peer gave us a new valid block first. */
export interface HighBandwidthChange {
  /** Send `sendcmpct(announce=true)` to this peer. */
  promote: string;
  /** Send `sendcmpct(announce=false)` to this peer (it drops to low-bandwidth). */
  demote?: string;
}

/**
 * Core's MaybeSetPeerAsAnnouncingHeaderAndIDs as a pure helper: the peers we asked for
 * high-bandwidth announcements, oldest first. The peer that most recently gave us a new block
 * moves to the back; a new one evicts the oldest when 3 are selected, except that an inbound
 * newcomer never evicts our last outbound high-bandwidth peer (it swaps into the second slot).
 */
export class HighBandwidthPeers {
  private readonly order: { id: string; inbound: boolean }[] = [];

  /** Peer ids, oldest selection first. */
  get peers(): readonly string[] {
    return this.order.map((p) => p.id);
  }

  has(id: string): boolean {
    return this.order.some((p) => p.id === id);
  }

  /**
   * Records that `id` (which announced it supports compact blocks) gave us a new block.
   * Returns the messages to send, or undefined when the peer already was high-bandwidth.
   */
  onNewBlockFrom(id: string, inbound: boolean): HighBandwidthChange | undefined {
    const at = this.order.findIndex((p) => p.id === id);
    if (at >= 0) {
      const [peer] = this.order.splice(at, 1);
      this.order.push(peer!);
      return undefined;
    }
    const outbound = this.order.filter((p) => !p.inbound).length;
    if (inbound && this.order.length >= MAX_HIGH_BANDWIDTH_PEERS && outbound === 1) {
      if (!this.order[0]!.inbound) {
        const first = this.order[0]!;
        this.order[0] = this.order[1]!;
        this.order[1] = first;
      }
    }
    let demote: string | undefined;
    if (this.order.length >= MAX_HIGH_BANDWIDTH_PEERS) demote = this.order.shift()!.id;
    this.order.push({ id, inbound });
    return demote === undefined ? { promote: id } : { promote: id, demote };
  }

  /** Forget a disconnected peer. */
  remove(id: string): void {
    const at = this.order.findIndex((p) => p.id === id);
    if (at >= 0) this.order.splice(at, 1);
  }
}
