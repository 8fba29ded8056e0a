import { keccak256 } from '@keel/crypto/hashes';
import { encodeRLP, type RLPInput } from '../rlp/encode.ts';
import { bigintToRLPBytes } from '../rlp/fields.ts';
import { keyToAddress } from '../state/addressKey.ts';

type Undo = () => void;

/**
 * The per-transaction sets a step can read or change besides accounts, all reverted with a
 * frame: EIP-2929 warm addresses and slots, EIP-1153 transient storage, EIP-161 touched,
 * EIP-6780 created and destroyed accounts. Keys are `addressKey` strings. Every change pushes
 * its undo onto `journal`.
 */
export class TxSets {
  warmAddrs = new Set<string>();
  warmSlots = new Map<string, Set<bigint>>();
  transient = new Map<string, Map<bigint, bigint>>();
  touched = new Set<string>();
  created = new Set<string>();
  destroyed = new Set<string>();

  constructor(private readonly journal: { push(u: Undo): void }) {}

  /** Adds `k` (journaled); returns true when it was not in the set. */
  add(set: Set<string>, k: string): boolean {
    if (set.has(k)) return false;
    set.add(k);
    this.journal.push(() => set.delete(k));
    return true;
  }

  warmSlot(k: string, key: bigint): boolean {
    let s = this.warmSlots.get(k);
    if (s === undefined) {
      s = new Set();
      this.warmSlots.set(k, s);
    }
    if (s.has(key)) return true;
    const slots = s;
    slots.add(key);
    this.journal.push(() => slots.delete(key));
    return false;
  }

  getTransient(k: string, key: bigint): bigint {
    return this.transient.get(k)?.get(key) ?? 0n;
  }

  setTransient(k: string, key: bigint, value: bigint): void {
    let m = this.transient.get(k);
    if (m === undefined) {
      m = new Map();
      this.transient.set(k, m);
    }
    const slots = m;
    const prev = slots.get(key);
    if (value === 0n) slots.delete(key);
    else slots.set(key, value);
    this.journal.push(() => {
      if (prev === undefined) slots.delete(key);
      else slots.set(key, prev);
    });
  }

  /** As `WorldState.beginTx`: everything cleared (not journaled). */
  clearAll(): void {
    this.warmAddrs = new Set();
    this.warmSlots = new Map();
    this.clearEnd();
  }

  /** As `WorldState.endTx`: all but the access sets cleared. */
  clearEnd(): void {
    this.transient = new Map();
    this.touched = new Set();
    this.created = new Set();
    this.destroyed = new Set();
  }

  /**
   * The canonical RLP: [warm addresses, [[address, [warm slots]]], [[address, [[slot, value]]]],
   * touched, created, destroyed], every address list sorted bytewise, slots ascending, empty
   * inner sets left out.
   */
  encode(): Uint8Array {
    return encodeRLP(this.toRLP());
  }

  toRLP(): RLPInput[] {
    const warmSlots: RLPInput[] = [];
    for (const k of sortedKeys(this.warmSlots)) {
      const s = this.warmSlots.get(k) as Set<bigint>;
      if (s.size > 0) warmSlots.push([keyToAddress(k), sortWords([...s]).map(bigintToRLPBytes)]);
    }
    const transient: RLPInput[] = [];
    for (const k of sortedKeys(this.transient)) {
      const m = this.transient.get(k) as Map<bigint, bigint>;
      if (m.size === 0) continue;
      const slots = sortWords([...m.keys()]).map((s) => [
        bigintToRLPBytes(s),
        bigintToRLPBytes(m.get(s) as bigint),
      ]);
      transient.push([keyToAddress(k), slots]);
    }
    return [
      addressList(this.warmAddrs),
      warmSlots,
      transient,
      addressList(this.touched),
      addressList(this.created),
      addressList(this.destroyed),
    ];
  }

  hash(): Uint8Array {
    return keccak256(this.encode());
  }
}

/** `addressKey` strings sort as the bytes they stand for (one char per byte). */
function sortedKeys(m: { keys(): Iterable<string> }): string[] {
  return [...m.keys()].sort();
}

function addressList(s: Set<string>): Uint8Array[] {
  return [...s].sort().map(keyToAddress);
}

function sortWords(ws: bigint[]): bigint[] {
  return ws.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
