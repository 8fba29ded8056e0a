/**
 * The host API: every import a contract may declare, all in module `env`. A contract may
 * import any subset; each import's signature must match exactly. Pointers and lengths are
 * i32 (unsigned offsets into the contract's memory); addresses are 32 bytes; amounts are
 * 16-byte little-endian unsigned integers (u128).
 */
type V = 'i32' | 'i64';
export interface HostSignature {
  readonly params: readonly V[];
  readonly results: readonly V[];
  readonly doc: string;
}

const sig = (params: V[], results: V[], doc: string): HostSignature => ({ params, results, doc });

export const HOST_MODULE = 'env';

export const HOST_API: Readonly<Record<string, HostSignature>> = {
  input_size: sig([], ['i32'], '() -> len: byte length of the call input'),
  input_read: sig(
    ['i32', 'i32', 'i32'],
    [],
    '(dst, offset, len): copy input[offset..offset+len] to dst',
  ),
  return_data: sig(['i32', 'i32'], [], '(ptr, len): set the call output (last call wins)'),
  revert: sig(['i32', 'i32'], [], '(ptr, len): stop, roll back this frame, output = data'),
  abort: sig(['i32', 'i32'], [], '(msg_ptr, msg_len): trap with a UTF-8 message'),
  storage_read: sig(
    ['i32', 'i32', 'i32', 'i32'],
    ['i32'],
    '(key_ptr, key_len, dst, cap) -> value length, or -1 if absent; copies min(len, cap) bytes',
  ),
  storage_write: sig(['i32', 'i32', 'i32', 'i32'], [], '(key_ptr, key_len, val_ptr, val_len)'),
  storage_remove: sig(['i32', 'i32'], [], '(key_ptr, key_len)'),
  tload: sig(
    ['i32', 'i32', 'i32', 'i32'],
    ['i32'],
    'transient storage_read (EIP-1153: cleared after each transaction)',
  ),
  tstore: sig(['i32', 'i32', 'i32', 'i32'], [], 'transient storage_write'),
  balance: sig(
    ['i32', 'i32'],
    [],
    '(addr_ptr, out_ptr): write the u128 balance of a 32-byte address',
  ),
  transfer: sig(['i32', 'i32'], ['i32'], '(to_ptr, amount_ptr) -> 0 ok, 1 insufficient balance'),
  caller: sig(['i32'], [], '(out_ptr): 32-byte address of the immediate caller'),
  self_address: sig(['i32'], [], '(out_ptr): 32-byte address of this contract'),
  value: sig(['i32'], [], '(out_ptr): u128 amount transferred with this call'),
  block_height: sig([], ['i64'], '() -> height'),
  block_time: sig([], ['i64'], '() -> block time (unix milliseconds)'),
  gas_left: sig([], ['i64'], '() -> gas remaining in this frame'),
  emit_log: sig(
    ['i32', 'i32', 'i32', 'i32'],
    [],
    '(topics_ptr, topic_count, data_ptr, data_len): topics are 32 bytes each',
  ),
  sha256: sig(['i32', 'i32', 'i32'], [], '(ptr, len, out_ptr): 32-byte digest'),
  keccak256: sig(['i32', 'i32', 'i32'], [], '(ptr, len, out_ptr): 32-byte digest'),
  blake2b: sig(['i32', 'i32', 'i32'], [], '(ptr, len, out_ptr): 32-byte BLAKE2b-256 digest'),
  ed25519_verify: sig(
    ['i32', 'i32', 'i32', 'i32'],
    ['i32'],
    '(pk_ptr 32, msg_ptr, msg_len, sig_ptr 64) -> 1 valid, 0 invalid',
  ),
  secp256k1_verify: sig(
    ['i32', 'i32', 'i32'],
    ['i32'],
    '(pk_ptr 33 compressed, hash_ptr 32, sig_ptr 64 compact r||s) -> 1 valid, 0 invalid',
  ),
  call: sig(
    ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i64'],
    ['i32'],
    '(addr_ptr, method_ptr, method_len, value_ptr, input_ptr, input_len, gas) -> status: 0 ok, 1 revert, 2 out of gas, 3 trap, 4 call depth exceeded, 5 insufficient balance',
  ),
  call_output_size: sig(
    [],
    ['i32'],
    "() -> byte length of the last call's output (return or revert data)",
  ),
  call_output_read: sig(
    ['i32', 'i32', 'i32'],
    [],
    "(dst, offset, len): copy the last call's output",
  ),
};

/** Status codes returned by the `call` host function. */
export const CallStatus = {
  OK: 0,
  REVERT: 1,
  OUT_OF_GAS: 2,
  TRAP: 3,
  DEPTH_EXCEEDED: 4,
  INSUFFICIENT_BALANCE: 5,
} as const;
