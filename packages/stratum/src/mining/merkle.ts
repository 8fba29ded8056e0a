// Coinbase merkle paths live with the rest of Bitcoin's merkle code in @keel/bitcoin (template
// providers outside this package build them too); re-exported here for the mining API.
export { coinbaseMerklePath, merkleRootFromPath } from '@keel/bitcoin';
