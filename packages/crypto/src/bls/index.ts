export { createBlstBackend, loadBlstBackend } from './blst.ts';
export {
  BLS_CURVE_ORDER,
  BLS_DST_POP,
  BLS_DST_SIGNATURE,
  BLS_PUBLIC_KEY_LENGTH,
  BLS_SECRET_KEY_LENGTH,
  BLS_SIGNATURE_LENGTH,
  infinityEncoding,
  isInfinityEncoding,
} from './constants.ts';
export { ethAggregatePubkeys, ethFastAggregateVerify } from './eth.ts';
export { type Fp2Element, hashToG2 } from './hashToG2.ts';
export { type BlsBackendPreference, loadBlsBackend } from './load.ts';
export { nobleBls } from './noble.ts';
export type { BlsBackend, BlsBackendName, BlsSignatureSet } from './types.ts';
