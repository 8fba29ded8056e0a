// @keel/stratum-node: Stratum V2 pool, miner, template sources, SV1 translation and merge-mining coordinator.
export {};
