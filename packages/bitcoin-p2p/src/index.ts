/** @keel/bitcoin-p2p — public API (explicit named exports only). */
export { P2PError, P2PErrorCode, type PeerVerdict } from './errors.ts';
