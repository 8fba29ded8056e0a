import { wat } from './helpers.ts';

/** Every host import, so test modules can use any of them ($names as in the host API). */
export const IMPORTS = `
  (import "env" "input_size" (func $input_size (result i32)))
  (import "env" "input_read" (func $input_read (param i32 i32 i32)))
  (import "env" "return_data" (func $return_data (param i32 i32)))
  (import "env" "revert" (func $revert (param i32 i32)))
  (import "env" "abort" (func $abort (param i32 i32)))
  (import "env" "storage_read" (func $storage_read (param i32 i32 i32 i32) (result i32)))
  (import "env" "storage_write" (func $storage_write (param i32 i32 i32 i32)))
  (import "env" "storage_remove" (func $storage_remove (param i32 i32)))
  (import "env" "tload" (func $tload (param i32 i32 i32 i32) (result i32)))
  (import "env" "tstore" (func $tstore (param i32 i32 i32 i32)))
  (import "env" "balance" (func $balance (param i32 i32)))
  (import "env" "transfer" (func $transfer (param i32 i32) (result i32)))
  (import "env" "caller" (func $caller (param i32)))
  (import "env" "self_address" (func $self_address (param i32)))
  (import "env" "value" (func $value (param i32)))
  (import "env" "block_height" (func $block_height (result i64)))
  (import "env" "block_time" (func $block_time (result i64)))
  (import "env" "emit_log" (func $emit_log (param i32 i32 i32 i32)))
  (import "env" "sha256" (func $sha256 (param i32 i32 i32)))
  (import "env" "keccak256" (func $keccak256 (param i32 i32 i32)))
  (import "env" "blake2b" (func $blake2b (param i32 i32 i32)))
  (import "env" "ed25519_verify" (func $ed25519_verify (param i32 i32 i32 i32) (result i32)))
  (import "env" "secp256k1_verify" (func $secp256k1_verify (param i32 i32 i32) (result i32)))
  (import "env" "call" (func $call (param i32 i32 i32 i32 i32 i32 i64) (result i32)))
  (import "env" "call_output_size" (func $call_output_size (result i32)))
  (import "env" "call_output_read" (func $call_output_read (param i32 i32 i32)))
`;

/** A module with all imports, one page of memory at 0.., `body` appended. Input lands at 1024. */
export function contract(body: string): Uint8Array {
  return wat(`(module ${IMPORTS}
    (memory 1)
    (func $load_input (result i32) (local $n i32)
      (local.set $n (call $input_size))
      (call $input_read (i32.const 1024) (i32.const 0) (local.get $n))
      (local.get $n))
    ${body})`);
}

/**
 * Storage: put(input) stores input under "k"; get returns it or "none"; del removes it.
 * Transient: tput/tget the same with tstore/tload.
 */
export const STORE = contract(`
  (data (i32.const 0) "k")
  (data (i32.const 8) "none")
  (func (export "put") (call $storage_write (i32.const 0) (i32.const 1) (i32.const 1024) (call $load_input)))
  (func (export "del") (call $storage_remove (i32.const 0) (i32.const 1)))
  (func (export "get") (local $n i32)
    (local.set $n (call $storage_read (i32.const 0) (i32.const 1) (i32.const 2048) (i32.const 512)))
    (if (i32.lt_s (local.get $n) (i32.const 0))
      (then (call $return_data (i32.const 8) (i32.const 4)))
      (else (call $return_data (i32.const 2048) (local.get $n)))))
  (func (export "tput") (call $tstore (i32.const 0) (i32.const 1) (i32.const 1024) (call $load_input)))
  (func (export "tget") (local $n i32)
    (local.set $n (call $tload (i32.const 0) (i32.const 1) (i32.const 2048) (i32.const 512)))
    (if (i32.lt_s (local.get $n) (i32.const 0))
      (then (call $return_data (i32.const 8) (i32.const 4)))
      (else (call $return_data (i32.const 2048) (local.get $n)))))`);

export function watBytes(b: Uint8Array): string {
  return Array.from(b, (x) => `\\${x.toString(16).padStart(2, '0')}`).join('');
}

/**
 * Caller: `forward` reads [32-byte target][1-byte method length][method][call input], writes
 * "a"="1", calls the target with all gas, and returns [status u32][callee output].
 * `forward_then_revert` does the same, then reverts with that data.
 */
export const CALLER = contract(`
  (data (i32.const 0) "a1")
  (func $forward (local $n i32) (local $ml i32) (local $st i32) (local $out i32)
    (local.set $n (call $load_input))
    (call $storage_write (i32.const 0) (i32.const 1) (i32.const 1) (i32.const 1))
    (local.set $ml (i32.load8_u (i32.const 1056)))
    (local.set $st (call $call
      (i32.const 1024) (i32.const 1057) (local.get $ml) (i32.const 16)
      (i32.add (i32.const 1057) (local.get $ml))
      (i32.sub (local.get $n) (i32.add (i32.const 33) (local.get $ml)))
      (i64.const 0)))
    (i32.store (i32.const 4096) (local.get $st))
    (local.set $out (call $call_output_size))
    (call $call_output_read (i32.const 4100) (i32.const 0) (local.get $out))
    (call $return_data (i32.const 4096) (i32.add (i32.const 4) (local.get $out))))
  (func (export "forward") (call $forward))
  (func (export "forward_then_revert") (call $forward)
    (call $revert (i32.const 4096) (i32.const 4)))`);

/** Callee: writes "b"="2", logs, pays 5 to `payee`, then returns / reverts / traps / spins. */
export function callee(payee: Uint8Array): Uint8Array {
  return contract(`
    (data (i32.const 0) "b2")
    (data (i32.const 8) "done")
    (data (i32.const 16) "nope")
    (data (i32.const 32) "${watBytes(payee)}")
    (data (i32.const 64) "\\05")
    (data (i32.const 96) "topic-0123456789abcdef0123456789")
    (func $work
      (call $storage_write (i32.const 0) (i32.const 1) (i32.const 1) (i32.const 1))
      (call $emit_log (i32.const 96) (i32.const 1) (i32.const 8) (i32.const 4))
      (drop (call $transfer (i32.const 32) (i32.const 64))))
    (func (export "work") (call $work) (call $return_data (i32.const 8) (i32.const 4)))
    (func (export "work_revert") (call $work) (call $revert (i32.const 16) (i32.const 4)))
    (func (export "work_trap") (call $work) unreachable)
    (func (export "work_spin") (call $work) (loop $l (br $l)))`);
}

/** Recursion through `call`: records the deepest counter reached and where depth ran out. */
export const DEEP = contract(`
  (data (i32.const 0) "maxhit")
  (data (i32.const 16) "deep")
  (func (export "deep") (local $c i32) (local $st i32)
    (drop (call $load_input))
    (local.set $c (i32.load (i32.const 1024)))
    (call $storage_write (i32.const 0) (i32.const 3) (i32.const 1024) (i32.const 4))
    (i32.store (i32.const 1024) (i32.add (local.get $c) (i32.const 1)))
    (call $self_address (i32.const 512))
    (local.set $st (call $call (i32.const 512) (i32.const 16) (i32.const 4) (i32.const 600)
      (i32.const 1024) (i32.const 4) (i64.const 0)))
    (if (i32.eq (local.get $st) (i32.const 4))
      (then
        (i32.store (i32.const 1024) (local.get $c))
        (call $storage_write (i32.const 3) (i32.const 3) (i32.const 1024) (i32.const 4))))
    (i32.store (i32.const 1024) (local.get $st))
    (call $return_data (i32.const 1024) (i32.const 4)))`);
