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
export type { Secp256k1Backend, Secp256k1BackendName, XOnlyTweakResult } from './types.ts';
