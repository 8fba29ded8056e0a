import { CryptoError, CryptoErrorCode } from '../errors.ts';
import { nobleEngine } from './noble.ts';
import { isNodeEd25519Available, nodeEngine } from './node.ts';
import type { CreateEd25519Options, Ed25519, Ed25519EngineName } from './types.ts';

export type { CreateEd25519Options, Ed25519, Ed25519EngineName } from './types.ts';

let nodeAvailable: boolean | undefined;

/** The engines usable in this process, fastest first. */
export function availableEd25519Engines(): Ed25519EngineName[] {
  nodeAvailable ??= isNodeEd25519Available();
  return nodeAvailable ? ['node', 'noble'] : ['noble'];
}

/**
 * An ed25519 implementation. Both engines enforce keel's strict cofactorless rules (see
 * `Ed25519`) and return identical results; `node` (OpenSSL) is about 10× faster at verify.
 */
export function createEd25519(opts: CreateEd25519Options = {}): Ed25519 {
  const want = opts.engine ?? 'auto';
  const available = availableEd25519Engines();
  const name = want === 'auto' ? available[0]! : want;
  if (!available.includes(name)) {
    throw new CryptoError(
      CryptoErrorCode.BACKEND_UNAVAILABLE,
      `ed25519 engine '${name}' is not available`,
      { engine: name },
    );
  }
  return name === 'node' ? nodeEngine : nobleEngine;
}

let auto: Ed25519 | undefined;
const pick = (): Ed25519 => (auto ??= createEd25519());

/** The default instance: the fastest engine, chosen on first use. */
export const ed25519: Ed25519 = {
  get engine() {
    return pick().engine;
  },
  getPublicKey: (seed) => pick().getPublicKey(seed),
  sign: (message, seed) => pick().sign(message, seed),
  verify: (signature, message, publicKey) => pick().verify(signature, message, publicKey),
};
