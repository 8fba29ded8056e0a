// @keel/ledger: The BFT chain's ledger: transactions, accounts, staking, applyBlock through @keel/runtime, state commitment with proofs.
export {};
