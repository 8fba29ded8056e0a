// @keel/chain-node: A node of the keel BFT chain: storage, mempool, libp2p networking, sync, peer manager, JSON-RPC, metrics, devnet.
export {};
