// @keel/bitcoin-store: Bitcoin Core block files (blk/rev, xor.dat), block index and a UTXO chainstate with a write-back coin cache and crash-safe flushes.
export {};
