import { equalBytes } from '@keel/util';
import { type ChainContext, timeoutSigningMessage, voteSigningMessage } from './encoding.ts';
import type { SignatureScheme } from './signatureScheme.ts';
import type { QuorumCertificate, TimeoutCertificate } from './types.ts';
import type { ValidatorSet } from './validatorSet.ts';

/** Everything certificate checks need. */
export interface CertificateContext {
  readonly chain: ChainContext;
  readonly validators: ValidatorSet;
  readonly scheme: SignatureScheme;
}

/** The QC every chain starts from: it certifies the genesis block and carries no signature. */
export function genesisQC(genesisHash: Uint8Array): QuorumCertificate {
  return {
    view: 0,
    blockHash: genesisHash,
    signers: new Uint8Array(0),
    signature: new Uint8Array(0),
  };
}

function isGenesisQC(qc: QuorumCertificate, genesisHash: Uint8Array): boolean {
  return (
    qc.view === 0 &&
    equalBytes(qc.blockHash, genesisHash) &&
    qc.signers.length === 0 &&
    qc.signature.length === 0
  );
}

function isView(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Checks a QC: a well-formed bitmap, strictly more than 2/3 of stake, and one pairing check of
 * the aggregate signature against the signers' aggregate key over the vote message.
 */
export function verifyQC(c: CertificateContext, qc: QuorumCertificate): boolean {
  if (!qc || !isView(qc.view) || !(qc.blockHash instanceof Uint8Array)) return false;
  if (qc.view === 0) return isGenesisQC(qc, c.chain.genesisHash);
  if (qc.blockHash.length !== 32 || !(qc.signature instanceof Uint8Array)) return false;
  const signers = c.validators.decodeBitmap(qc.signers);
  if (!signers || !c.validators.isQuorum(c.validators.stakeOf(signers))) return false;
  const msg = voteSigningMessage(c.chain, qc.view, qc.blockHash);
  return safely(() => c.scheme.verify(c.validators.aggregatePublicKey(signers), msg, qc.signature));
}

/** The highest QC view any TC signer reported; a proposal after the TC must extend at least it. */
export function tcHighQCView(tc: TimeoutCertificate): number {
  let m = 0;
  for (const v of tc.highQCViews) if (v > m) m = v;
  return m;
}

/**
 * Checks a TC: quorum of stake, each reported high-QC view below the TC's view, and one
 * aggregate pairing check with signers grouped by the (view, highQCView) message they signed.
 */
export function verifyTC(c: CertificateContext, tc: TimeoutCertificate): boolean {
  if (!tc || !isView(tc.view) || tc.view === 0 || !Array.isArray(tc.highQCViews)) return false;
  if (!(tc.signature instanceof Uint8Array)) return false;
  const signers = c.validators.decodeBitmap(tc.signers);
  if (!signers || signers.length !== tc.highQCViews.length) return false;
  if (!c.validators.isQuorum(c.validators.stakeOf(signers))) return false;
  const groups = new Map<number, number[]>();
  for (let k = 0; k < signers.length; k++) {
    const hv = tc.highQCViews[k];
    if (!isView(hv) || hv >= tc.view) return false;
    const g = groups.get(hv);
    if (g) g.push(signers[k]!);
    else groups.set(hv, [signers[k]!]);
  }
  const views = [...groups.keys()].sort((a, b) => a - b);
  return safely(() =>
    c.scheme.aggregateVerify(
      views.map((v) => c.validators.aggregatePublicKey(groups.get(v)!)),
      views.map((v) => timeoutSigningMessage(c.chain, tc.view, v)),
      tc.signature,
    ),
  );
}

/** Aggregates signatures; null if any of them is not a valid point. */
export function tryAggregate(
  scheme: SignatureScheme,
  sigs: readonly Uint8Array[],
): Uint8Array | null {
  try {
    return scheme.aggregateSignatures(sigs);
  } catch {
    return null;
  }
}

function safely(f: () => boolean): boolean {
  try {
    return f();
  } catch {
    return false;
  }
}
