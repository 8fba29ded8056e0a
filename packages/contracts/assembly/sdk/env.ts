// Host functions of the keel runtime (module `env`). Signatures must match @keel/runtime's
// HOST_API exactly; pointers and lengths are offsets into this contract's memory.

@external("env", "input_size") export declare function input_size(): i32;
@external("env", "input_read") export declare function input_read(dst: usize, offset: i32, len: i32): void;
@external("env", "return_data") export declare function return_data(ptr: usize, len: i32): void;
@external("env", "revert") export declare function revert(ptr: usize, len: i32): void;
@external("env", "abort") export declare function abort(ptr: usize, len: i32): void;
@external("env", "storage_read") export declare function storage_read(keyPtr: usize, keyLen: i32, dst: usize, cap: i32): i32;
@external("env", "storage_write") export declare function storage_write(keyPtr: usize, keyLen: i32, valPtr: usize, valLen: i32): void;
@external("env", "storage_remove") export declare function storage_remove(keyPtr: usize, keyLen: i32): void;
@external("env", "tload") export declare function tload(keyPtr: usize, keyLen: i32, dst: usize, cap: i32): i32;
@external("env", "tstore") export declare function tstore(keyPtr: usize, keyLen: i32, valPtr: usize, valLen: i32): void;
@external("env", "balance") export declare function balance(addrPtr: usize, outPtr: usize): void;
@external("env", "transfer") export declare function transfer(toPtr: usize, amountPtr: usize): i32;
@external("env", "caller") export declare function caller(outPtr: usize): void;
@external("env", "self_address") export declare function self_address(outPtr: usize): void;
@external("env", "value") export declare function value(outPtr: usize): void;
@external("env", "block_height") export declare function block_height(): i64;
@external("env", "block_time") export declare function block_time(): i64;
@external("env", "gas_left") export declare function gas_left(): i64;
@external("env", "emit_log") export declare function emit_log(topicsPtr: usize, topicCount: i32, dataPtr: usize, dataLen: i32): void;
@external("env", "sha256") export declare function sha256(ptr: usize, len: i32, outPtr: usize): void;
@external("env", "keccak256") export declare function keccak256(ptr: usize, len: i32, outPtr: usize): void;
@external("env", "blake2b") export declare function blake2b(ptr: usize, len: i32, outPtr: usize): void;
@external("env", "ed25519_verify") export declare function ed25519_verify(pkPtr: usize, msgPtr: usize, msgLen: i32, sigPtr: usize): i32;
@external("env", "secp256k1_verify") export declare function secp256k1_verify(pkPtr: usize, hashPtr: usize, sigPtr: usize): i32;
@external("env", "call") export declare function call(addrPtr: usize, methodPtr: usize, methodLen: i32, valuePtr: usize, inputPtr: usize, inputLen: i32, gas: i64): i32;
@external("env", "call_output_size") export declare function call_output_size(): i32;
@external("env", "call_output_read") export declare function call_output_read(dst: usize, offset: i32, len: i32): void;
