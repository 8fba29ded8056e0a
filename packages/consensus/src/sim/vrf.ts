import { sha256 } from '@keel/crypto';
import { ecvrfELL2 } from '@keel/crypto/ecvrf';
import { BufferWriter, bytesToHex, utf8ToBytes } from '@keel/util';
import type { Vrf } from '../leaderElection.ts';

const keys = new Map<number, { secretKey: Uint8Array; publicKey: Uint8Array }>();

/** The ECVRF (edwards25519) key pair of simulated validator `i`, derived once. */
export function simVrfKey(i: number): { secretKey: Uint8Array; publicKey: Uint8Array } {
  let k = keys.get(i);
  if (!k) {
    const secretKey = sha256(
      new BufferWriter(40).bytes(utf8ToBytes('keel/sim/vrf/')).u32le(i).finish(),
    );
    k = { secretKey, publicKey: ecvrfELL2.getPublicKey(secretKey) };
    keys.set(i, k);
  }
  return k;
}

/**
 * RFC 9381 ECVRF-EDWARDS25519-SHA512-ELL2 from `@keel/crypto`, with a bounded verification
 * memo shared by the simulated nodes (each proposal's proof is checked once per process; the
 * key covers every input byte, so answers are unchanged).
 */
export function createSimVrf(maxEntries = 50_000): Vrf {
  const memo = new Map<string, Uint8Array | null>();
  return {
    prove: (sk, alpha) => ecvrfELL2.prove(sk, alpha),
    proofToHash: (pi) => ecvrfELL2.proofToHash(pi),
    verify(pk, pi, alpha) {
      const key = `${bytesToHex(pk)}:${bytesToHex(pi)}:${bytesToHex(alpha)}`;
      const known = memo.get(key);
      if (known !== undefined) return known;
      const beta = ecvrfELL2.verify(pk, pi, alpha);
      if (memo.size >= maxEntries) memo.delete(memo.keys().next().value as string);
      memo.set(key, beta);
      return beta;
    },
  };
}
