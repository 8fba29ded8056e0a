// The keel contract SDK for AssemblyScript: typed wrappers over the host API (./env), storage
// helpers and the keel ABI (argument encoding, see the package README).
import * as env from "./env";

export { env };

export const ADDRESS_BYTES: i32 = 32;

/** Call status returned by `callContract` (the runtime's `call` host function). */
export const CALL_OK: i32 = 0;
export const CALL_REVERT: i32 = 1;
export const CALL_OUT_OF_GAS: i32 = 2;
export const CALL_TRAP: i32 = 3;
export const CALL_DEPTH_EXCEEDED: i32 = 4;
export const CALL_INSUFFICIENT_BALANCE: i32 = 5;

// ---- bytes helpers

export function utf8(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

// ---- call context

/** The call input (the ABI-encoded arguments). */
export function input(): Uint8Array {
  const n = env.input_size();
  const buf = new Uint8Array(n);
  if (n > 0) env.input_read(buf.dataStart, 0, n);
  return buf;
}

/** Sets the method's output; the last call wins. */
export function returnData(data: Uint8Array): void {
  env.return_data(data.dataStart, data.length);
}

/** Stops the call, rolls back its effects and returns `data` as the revert data. */
export function revertWith(data: Uint8Array): void {
  env.revert(data.dataStart, data.length);
  unreachable();
}

/** Reverts with a UTF-8 message. */
export function revert(message: string): void {
  revertWith(utf8(message));
}

/** Reverts with `message` unless `cond` holds. */
export function require(cond: bool, message: string): void {
  if (!cond) revert(message);
}

export function caller(): Uint8Array {
  const out = new Uint8Array(ADDRESS_BYTES);
  env.caller(out.dataStart);
  return out;
}

export function selfAddress(): Uint8Array {
  const out = new Uint8Array(ADDRESS_BYTES);
  env.self_address(out.dataStart);
  return out;
}

/** Low 64 bits of the call value (reverts if the value does not fit in u64). */
export function callValue(): u64 {
  const out = new Uint8Array(16);
  env.value(out.dataStart);
  return u128ToU64(out);
}

/** Low 64 bits of an account's balance (reverts if it does not fit in u64). */
export function balanceOf(address: Uint8Array): u64 {
  const out = new Uint8Array(16);
  env.balance(address.dataStart, out.dataStart);
  return u128ToU64(out);
}

/** Sends native coin from this contract; false if the contract holds less. */
export function transferNative(to: Uint8Array, amount: u64): bool {
  const a = u64ToU128(amount);
  return env.transfer(to.dataStart, a.dataStart) == 0;
}

export function blockHeight(): i64 {
  return env.block_height();
}

export function blockTime(): i64 {
  return env.block_time();
}

export function gasLeft(): i64 {
  return env.gas_left();
}

function u128ToU64(b: Uint8Array): u64 {
  const v = load<u64>(b.dataStart);
  if (load<u64>(b.dataStart + 8) != 0) revert("amount exceeds u64");
  return v;
}

function u64ToU128(v: u64): Uint8Array {
  const out = new Uint8Array(16);
  store<u64>(out.dataStart, v);
  return out;
}

// ---- hashes

export function sha256(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  env.sha256(data.dataStart, data.length, out.dataStart);
  return out;
}

export function keccak256(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  env.keccak256(data.dataStart, data.length, out.dataStart);
  return out;
}

export function blake2b(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  env.blake2b(data.dataStart, data.length, out.dataStart);
  return out;
}

// ---- storage

/** Persistent storage: the value, or null when the key is absent. */
export function storageGet(key: Uint8Array): Uint8Array | null {
  let buf = new Uint8Array(64);
  const n = env.storage_read(key.dataStart, key.length, buf.dataStart, buf.length);
  if (n < 0) return null;
  if (n > buf.length) {
    buf = new Uint8Array(n);
    env.storage_read(key.dataStart, key.length, buf.dataStart, n);
  }
  return buf.subarray(0, n);
}

export function storageSet(key: Uint8Array, value: Uint8Array): void {
  env.storage_write(key.dataStart, key.length, value.dataStart, value.length);
}

export function storageRemove(key: Uint8Array): void {
  env.storage_remove(key.dataStart, key.length);
}

/** A u64 stored as 8 bytes little-endian; absent reads as 0. */
export function storageGetU64(key: Uint8Array): u64 {
  const out = new Uint8Array(8);
  const n = env.storage_read(key.dataStart, key.length, out.dataStart, 8);
  return n < 0 ? 0 : load<u64>(out.dataStart);
}

export function storageSetU64(key: Uint8Array, v: u64): void {
  const b = new Uint8Array(8);
  store<u64>(b.dataStart, v);
  storageSet(key, b);
}

/** EIP-1153 transient storage: a u64, cleared at the end of every transaction. */
export function transientGetU64(key: Uint8Array): u64 {
  const out = new Uint8Array(8);
  const n = env.tload(key.dataStart, key.length, out.dataStart, 8);
  return n < 0 ? 0 : load<u64>(out.dataStart);
}

export function transientSetU64(key: Uint8Array, v: u64): void {
  const b = new Uint8Array(8);
  store<u64>(b.dataStart, v);
  env.tstore(key.dataStart, key.length, b.dataStart, 8);
}

// ---- events

/** Emits a log: topic 0 = sha256(signature), then up to three 32-byte topics. */
export function emitEvent(signature: string, topics: Uint8Array[], data: Uint8Array): void {
  const count = topics.length + 1;
  if (count > 4) revert("at most 3 indexed topics");
  const buf = new Uint8Array(count * 32);
  buf.set(sha256(utf8(signature)), 0);
  for (let i = 0; i < topics.length; i++) {
    if (topics[i].length != 32) revert("topics are 32 bytes");
    buf.set(topics[i], (i + 1) * 32);
  }
  env.emit_log(buf.dataStart, count, data.dataStart, data.length);
}

// ---- calls

export class CallResult {
  constructor(public status: i32, public output: Uint8Array) {}
  get ok(): bool {
    return this.status == CALL_OK;
  }
}

/** Calls `method` of the contract at `address`; `gas` 0 forwards all that may be forwarded. */
export function callContract(
  address: Uint8Array,
  method: string,
  args: Uint8Array,
  value: u64 = 0,
  gas: i64 = 0,
): CallResult {
  const m = utf8(method);
  const v = u64ToU128(value);
  const status = env.call(address.dataStart, m.dataStart, m.length, v.dataStart, args.dataStart, args.length, gas);
  const n = env.call_output_size();
  const out = new Uint8Array(n);
  if (n > 0) env.call_output_read(out.dataStart, 0, n);
  return new CallResult(status, out);
}

// ---- the keel ABI: fixed-width little-endian scalars, 32-byte addresses, u32-length-prefixed bytes

export class Args {
  private pos: i32 = 0;
  constructor(private data: Uint8Array) {}

  static fromInput(): Args {
    return new Args(input());
  }

  private need(n: i32): void {
    if (this.pos + n > this.data.length) revert("abi: input too short");
  }

  u8(): u8 {
    this.need(1);
    return this.data[this.pos++];
  }

  u32(): u32 {
    this.need(4);
    const v = load<u32>(this.data.dataStart + this.pos);
    this.pos += 4;
    return v;
  }

  u64(): u64 {
    this.need(8);
    const v = load<u64>(this.data.dataStart + this.pos);
    this.pos += 8;
    return v;
  }

  address(): Uint8Array {
    this.need(32);
    const v = this.data.slice(this.pos, this.pos + 32);
    this.pos += 32;
    return v;
  }

  bytes(): Uint8Array {
    const n = <i32>this.u32();
    this.need(n);
    const v = this.data.slice(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  string(): string {
    const b = this.bytes();
    return String.UTF8.decode(b.buffer);
  }

  /** Reverts unless every input byte was read. */
  end(): void {
    if (this.pos != this.data.length) revert("abi: trailing input");
  }
}

export class Writer {
  private buf: Uint8Array = new Uint8Array(64);
  private len: i32 = 0;

  private grow(n: i32): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len), 0);
    this.buf = next;
  }

  u8(v: u8): Writer {
    this.grow(1);
    this.buf[this.len++] = v;
    return this;
  }

  u32(v: u32): Writer {
    this.grow(4);
    store<u32>(this.buf.dataStart + this.len, v);
    this.len += 4;
    return this;
  }

  u64(v: u64): Writer {
    this.grow(8);
    store<u64>(this.buf.dataStart + this.len, v);
    this.len += 8;
    return this;
  }

  address(a: Uint8Array): Writer {
    if (a.length != 32) revert("abi: address must be 32 bytes");
    return this.raw(a);
  }

  bytes(b: Uint8Array): Writer {
    this.u32(<u32>b.length);
    return this.raw(b);
  }

  string(s: string): Writer {
    return this.bytes(utf8(s));
  }

  raw(b: Uint8Array): Writer {
    this.grow(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Route AssemblyScript's `abort` here (`--use abort=...`): a trap with the message. */
export function keelAbort(message: string | null, file: string | null, line: u32, column: u32): void {
  let text = message !== null ? message : "abort";
  if (file !== null) text += " at " + file + ":" + line.toString() + ":" + column.toString();
  const b = utf8(text);
  env.abort(b.dataStart, b.length);
  unreachable();
}
