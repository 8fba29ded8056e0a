import { bigIntToBytesLE, bytesToBigIntLE, bytesToHex } from '@keel/util';
import { LedgerError, LedgerErrorCode } from '../errors.ts';
import { accountKey } from './keys.ts';

/** An account: native balance, transaction nonce, and code hash if it is a contract. */
export interface Account {
  readonly balance: bigint;
  readonly nonce: bigint;
  readonly codeHash?: Uint8Array;
}

export const EMPTY_ACCOUNT: Account = { balance: 0n, nonce: 0n };

/** `balance u128 LE ‖ nonce u64 LE [‖ codeHash 32]` (24 or 56 bytes). */
export function encodeAccount(a: Account): Uint8Array {
  const out = new Uint8Array(a.codeHash ? 56 : 24);
  out.set(bigIntToBytesLE(a.balance, 16), 0);
  out.set(bigIntToBytesLE(a.nonce, 8), 16);
  if (a.codeHash) out.set(a.codeHash, 24);
  return out;
}

export function decodeAccount(b: Uint8Array, address?: Uint8Array): Account {
  if (b.length !== 24 && b.length !== 56) {
    throw new LedgerError(
      LedgerErrorCode.CORRUPT_STATE,
      `account record of ${b.length} bytes${address ? ` at ${bytesToHex(address)}` : ''}`,
    );
  }
  const balance = bytesToBigIntLE(b.subarray(0, 16));
  const nonce = bytesToBigIntLE(b.subarray(16, 24));
  return b.length === 56 ? { balance, nonce, codeHash: b.slice(24) } : { balance, nonce };
}

interface KeyValueReader {
  get(key: Uint8Array): Uint8Array | undefined;
}
interface KeyValueWriter extends KeyValueReader {
  set(key: Uint8Array, value: Uint8Array | undefined): void;
}

export function readAccount(s: KeyValueReader, address: Uint8Array): Account {
  const b = s.get(accountKey(address));
  return b ? decodeAccount(b, address) : EMPTY_ACCOUNT;
}

/** Writes an account; an empty one (no balance, nonce or code) is deleted. */
export function writeAccount(s: KeyValueWriter, address: Uint8Array, a: Account): void {
  const empty = a.balance === 0n && a.nonce === 0n && !a.codeHash;
  s.set(accountKey(address), empty ? undefined : encodeAccount(a));
}
