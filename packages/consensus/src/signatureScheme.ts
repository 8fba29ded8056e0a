import { bytesToHex } from '@keel/util';

/**
 * The aggregate-signature scheme votes, timeouts and proposals are signed with. A
 * `BlsBackend` from `@keel/crypto` (blst or noble) satisfies it as is; consensus only needs
 * this slice of it. Verification returns `false` on any malformed input and never throws;
 * aggregation throws a `KeelError` on an invalid point.
 */
export interface SignatureScheme {
  readonly name: string;
  secretKeyToPublicKey(secretKey: Uint8Array): Uint8Array;
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** One aggregate signature over (pk_i, m_i) pairs; messages may repeat. */
  aggregateVerify(
    publicKeys: readonly Uint8Array[],
    messages: readonly Uint8Array[],
    signature: Uint8Array,
  ): boolean;
  aggregateSignatures(signatures: readonly Uint8Array[]): Uint8Array;
  aggregatePublicKeys(publicKeys: readonly Uint8Array[]): Uint8Array;
}

export interface VerifyMemoOptions {
  /** Maximum remembered verification results (oldest evicted first). */
  maxEntries?: number;
}

/**
 * Wraps a scheme so that identical `verify`/`aggregateVerify` calls are answered from a
 * bounded memo. The key is every input byte, so the answer is the same as recomputing it; a
 * simulator shares one memo between its nodes so each certificate's pairing runs once.
 */
export function withVerifyMemo(
  scheme: SignatureScheme,
  opts: VerifyMemoOptions = {},
): SignatureScheme & { readonly memoHits: () => number } {
  const max = opts.maxEntries ?? 200_000;
  const memo = new Map<string, boolean>();
  let hits = 0;
  const remember = (key: string, compute: () => boolean): boolean => {
    const known = memo.get(key);
    if (known !== undefined) {
      hits++;
      return known;
    }
    const v = compute();
    if (memo.size >= max) memo.delete(memo.keys().next().value as string);
    memo.set(key, v);
    return v;
  };
  return {
    name: `${scheme.name}+memo`,
    secretKeyToPublicKey: (sk) => scheme.secretKeyToPublicKey(sk),
    sign: (sk, m) => scheme.sign(sk, m),
    verify: (pk, m, s) =>
      remember(`v:${bytesToHex(pk)}:${bytesToHex(m)}:${bytesToHex(s)}`, () =>
        scheme.verify(pk, m, s),
      ),
    aggregateVerify: (pks, ms, s) =>
      remember(
        `a:${pks.map(bytesToHex).join(',')}:${ms.map(bytesToHex).join(',')}:${bytesToHex(s)}`,
        () => scheme.aggregateVerify(pks, ms, s),
      ),
    aggregateSignatures: (sigs) => scheme.aggregateSignatures(sigs),
    aggregatePublicKeys: (pks) => scheme.aggregatePublicKeys(pks),
    memoHits: () => hits,
  };
}
