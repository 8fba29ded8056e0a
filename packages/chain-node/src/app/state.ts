import { sha256 } from '@keel/crypto';
import { BufferWriter, bytesToHex, hexToBytes } from '@keel/util';
import type { DecodedTx } from './tx.ts';

export interface Account {
  readonly balance: bigint;
  readonly nonce: bigint;
}

export interface Receipt {
  readonly hash: string;
  readonly height: number;
  readonly index: number;
  readonly status: 'ok' | 'failed';
  readonly error?: string;
  readonly feeCharged: string;
}

export interface ApplyResult {
  readonly receipts: Receipt[];
  /** Accounts whose value changed (address hex → new value), to persist with the block. */
  readonly changed: Map<string, Account>;
  readonly stateRoot: Uint8Array;
}

/** One sibling step of an inclusion proof: the sibling hash and whether it sits on the left. */
export interface ProofStep {
  readonly left: boolean;
  readonly hash: string;
}

const EMPTY: Account = { balance: 0n, nonce: 0n };
const MAX_U64 = (1n << 64n) - 1n;

function leafHash(addrHex: string, a: Account): Uint8Array {
  return sha256(
    new BufferWriter(40).u8(0).bytes(hexToBytes(addrHex)).u64le(a.balance).u64le(a.nonce).finish(),
  );
}

function nodeHash(l: Uint8Array, r: Uint8Array): Uint8Array {
  return sha256(new BufferWriter(65).u8(1).bytes(l).bytes(r).finish());
}

/**
 * The account state of the transfer-only chain: balances and nonces. The state root is a
 * binary Merkle tree over the accounts sorted by address: leaf = SHA-256(0x00 ‖ address ‖
 * u64 balance ‖ u64 nonce), inner = SHA-256(0x01 ‖ left ‖ right), an odd last node is carried
 * up unchanged; the empty state's root is 32 zero bytes. Fees are burned.
 */
export class TransferState {
  private readonly accounts = new Map<string, Account>();
  private readonly leaves = new Map<string, Uint8Array>();
  private cachedRoot: Uint8Array | null = null;

  constructor(initial: Iterable<[string, Account]> = []) {
    for (const [k, v] of initial) this.set(k, v);
  }

  get size(): number {
    return this.accounts.size;
  }

  account(addrHex: string): Account {
    return this.accounts.get(addrHex) ?? EMPTY;
  }

  entries(): IterableIterator<[string, Account]> {
    return this.accounts.entries();
  }

  private set(addrHex: string, a: Account): void {
    this.accounts.set(addrHex, a);
    this.leaves.set(addrHex, leafHash(addrHex, a));
    this.cachedRoot = null;
  }

  private sortedLeaves(): { keys: string[]; hashes: Uint8Array[] } {
    const keys = [...this.leaves.keys()].sort();
    return { keys, hashes: keys.map((k) => this.leaves.get(k)!) };
  }

  stateRoot(): Uint8Array {
    if (this.cachedRoot) return this.cachedRoot;
    let level = this.sortedLeaves().hashes;
    if (level.length === 0) return (this.cachedRoot = new Uint8Array(32));
    while (level.length > 1) {
      const next: Uint8Array[] = [];
      for (let i = 0; i < level.length; i += 2) {
        next.push(i + 1 < level.length ? nodeHash(level[i]!, level[i + 1]!) : level[i]!);
      }
      level = next;
    }
    return (this.cachedRoot = level[0]!);
  }

  /** An inclusion proof of an existing account, or null when the account is absent. */
  proof(addrHex: string): ProofStep[] | null {
    const { keys, hashes } = this.sortedLeaves();
    let idx = keys.indexOf(addrHex);
    if (idx < 0) return null;
    const steps: ProofStep[] = [];
    let level = hashes;
    while (level.length > 1) {
      const sib = idx ^ 1;
      if (sib < level.length) steps.push({ left: sib < idx, hash: bytesToHex(level[sib]!) });
      const next: Uint8Array[] = [];
      for (let i = 0; i < level.length; i += 2) {
        next.push(i + 1 < level.length ? nodeHash(level[i]!, level[i + 1]!) : level[i]!);
      }
      level = next;
      idx >>= 1;
    }
    return steps;
  }

  /**
   * Applies a block's transactions in order. A transaction whose nonce or balance does not
   * fit fails with a receipt and changes nothing (it still occupies its slot in the block).
   */
  applyBlock(height: number, txs: readonly DecodedTx[]): ApplyResult {
    const receipts: Receipt[] = [];
    const changed = new Map<string, Account>();
    txs.forEach((tx, index) => {
      const base = { hash: tx.hashHex, height, index };
      const from = this.account(tx.fromHex);
      const err = this.failure(tx, from);
      if (err) {
        receipts.push({ ...base, status: 'failed', error: err, feeCharged: '0' });
        return;
      }
      this.set(tx.fromHex, { balance: from.balance - tx.amount - tx.fee, nonce: from.nonce + 1n });
      changed.set(tx.fromHex, this.account(tx.fromHex));
      const toHex = bytesToHex(tx.to);
      const to = this.account(toHex);
      this.set(toHex, { balance: to.balance + tx.amount, nonce: to.nonce });
      changed.set(toHex, this.account(toHex));
      receipts.push({ ...base, status: 'ok', feeCharged: tx.fee.toString() });
    });
    return { receipts, changed, stateRoot: this.stateRoot() };
  }

  private failure(tx: DecodedTx, from: Account): string | null {
    if (tx.nonce !== from.nonce) return `nonce ${tx.nonce}, expected ${from.nonce}`;
    const cost = tx.amount + tx.fee;
    if (cost > from.balance) return `balance ${from.balance} below amount + fee ${cost}`;
    const toHex = bytesToHex(tx.to);
    if (toHex !== tx.fromHex && this.account(toHex).balance + tx.amount > MAX_U64) {
      return 'recipient balance would overflow u64';
    }
    return null;
  }
}

/** Recomputes a root from a leaf and its proof (what a light client does). */
export function verifyAccountProof(
  root: Uint8Array,
  addrHex: string,
  account: Account,
  proof: readonly ProofStep[],
): boolean {
  let h = leafHash(addrHex, account);
  for (const s of proof)
    h = s.left ? nodeHash(hexToBytes(s.hash), h) : nodeHash(h, hexToBytes(s.hash));
  return bytesToHex(h) === bytesToHex(root);
}
