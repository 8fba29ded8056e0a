// @keel/bitcoin-node: Bitcoin chain manager and historical block replay over @keel/bitcoin-store.
export {};
