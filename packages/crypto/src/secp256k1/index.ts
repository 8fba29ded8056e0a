export type { Secp256k1Backend, Secp256k1BackendName, XOnlyTweakResult } from './types.ts';
