export {
  deriveV2TransportKeys,
  FSChaCha20,
  FSChaCha20Poly1305,
  REKEY_INTERVAL,
  V2PacketCipher,
  type V2TransportKeys,
} from './bip324.ts';
export { isLowS, normalizeS, parseDerLax, signatureToDer } from './der.ts';
export {
  type EllswiftMultiplier,
  ellswiftCreate,
  ellswiftDecode,
  ellswiftEcdhXonly,
  ellswiftEncode,
  ellswiftMultiplierName,
  ellswiftXdh,
  setEllswiftMultiplier,
  xOnlyEcdh,
  xswiftec,
  xswiftecInv,
} from './ellswift.ts';
export { accelerateEllswift } from './libsecp256k1.ts';
export { loadSecp256k1Backend, type Secp256k1Preference } from './load.ts';
export { nobleSecp256k1 } from './noble.ts';
export {
  accelerateEcdsaRecover,
  type EcdsaRecoverFn,
  ecdsaRecover,
  ecdsaRecoverImplementation,
  loadLibsecp256k1Recover,
  nobleEcdsaRecover,
} from './recover.ts';
export {
  tapBranchHash,
  tapLeafHash,
  taprootScriptPubKey,
  taprootTweakPrivateKey,
  taprootTweakPublicKey,
  tapTweakHash,
} from './taproot.ts';
export type { Secp256k1Backend, Secp256k1BackendName, XOnlyTweakResult } from './types.ts';
