/** The secp256k1 backend tests should use: `KEEL_SECP256K1` (noble | libsecp256k1), else auto. */
export function secp256k1Preference(
  env: NodeJS.ProcessEnv = process.env,
): 'auto' | 'noble' | 'libsecp256k1' {
  const v = env.KEEL_SECP256K1;
  return v === 'noble' || v === 'libsecp256k1' ? v : 'auto';
}
