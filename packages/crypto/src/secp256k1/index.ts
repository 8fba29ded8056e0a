export { isLowS, normalizeS, parseDerLax, signatureToDer } from './der.ts';
export {
  ellswiftCreate,
  ellswiftDecode,
  ellswiftEcdhXonly,
  ellswiftEncode,
  ellswiftXdh,
  xOnlyEcdh,
  xswiftec,
  xswiftecInv,
} from './ellswift.ts';
export { loadSecp256k1Backend, type Secp256k1Preference } from './load.ts';
export { nobleSecp256k1 } from './noble.ts';
export type { Secp256k1Backend, Secp256k1BackendName, XOnlyTweakResult } from './types.ts';
