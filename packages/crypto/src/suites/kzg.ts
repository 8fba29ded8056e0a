import type { ConformanceSuite, CountContext, SuiteContext } from '@keel/conformance';
import { bytesToHex, hexToBytes } from '@keel/util';
import { CryptoError, CryptoErrorCode } from '../errors.ts';
import { KZG_BACKEND_NAMES, loadKzgBackend } from '../kzg/load.ts';
import type { KzgBackend, KzgBackendName } from '../kzg/types.ts';

/**
 * EIP-4844 KZG reference tests (c-kzg-4844 `tests/*\/kzg-mainnet`, the consensus-spec-tests
 * cases), one file per function; blobs are referenced by sha256 into `kzg/blobs.json`.
 */
const DIR = 'kzg';
const FUNCTIONS = [
  'blob_to_kzg_commitment',
  'compute_kzg_proof',
  'compute_blob_kzg_proof',
  'verify_kzg_proof',
  'verify_blob_kzg_proof',
  'verify_blob_kzg_proof_batch',
] as const;
type Fn = (typeof FUNCTIONS)[number];
const BLOBS_FILE = `${DIR}/blobs.json`;

interface Case {
  name: string;
  input: Record<string, string | string[]>;
  output: unknown;
}

const fileOf = (f: Fn): string => `${DIR}/${f}.json`;
const hex0x = (b: Uint8Array): string => `0x${bytesToHex(b)}`;

/** Resolves `blob:<sha256>` references; other values are 0x-hex. */
function decoder(blobs: Record<string, string>) {
  return (v: string): Uint8Array => {
    if (v.startsWith('blob:')) {
      const hex = blobs[v];
      if (hex === undefined) throw new CryptoError(CryptoErrorCode.INVALID_INPUT, `unknown ${v}`);
      return hexToBytes(hex);
    }
    return hexToBytes(v);
  };
}

type Decode = (v: string) => Uint8Array;
type Runner = (kzg: KzgBackend, i: Case['input'], d: Decode) => unknown;

const one = (i: Case['input'], k: string): string => i[k] as string;
const many = (i: Case['input'], k: string, d: Decode): Uint8Array[] => (i[k] as string[]).map(d);

/** Each function's result in the file's JSON form (hex strings, booleans). */
const RUNNERS: Record<Fn, Runner> = {
  blob_to_kzg_commitment: (kzg, i, d) => hex0x(kzg.blobToKzgCommitment(d(one(i, 'blob')))),
  compute_kzg_proof: (kzg, i, d) => {
    const r = kzg.computeKzgProof(d(one(i, 'blob')), d(one(i, 'z')));
    return [hex0x(r.proof), hex0x(r.y)];
  },
  compute_blob_kzg_proof: (kzg, i, d) =>
    hex0x(kzg.computeBlobKzgProof(d(one(i, 'blob')), d(one(i, 'commitment')))),
  verify_kzg_proof: (kzg, i, d) =>
    kzg.verifyKzgProof(d(one(i, 'commitment')), d(one(i, 'z')), d(one(i, 'y')), d(one(i, 'proof'))),
  verify_blob_kzg_proof: (kzg, i, d) =>
    kzg.verifyBlobKzgProof(d(one(i, 'blob')), d(one(i, 'commitment')), d(one(i, 'proof'))),
  verify_blob_kzg_proof_batch: (kzg, i, d) =>
    kzg.verifyBlobKzgProofBatch(
      many(i, 'blobs', d),
      many(i, 'commitments', d),
      many(i, 'proofs', d),
    ),
};

function casesOf(ctx: CountContext, f: Fn): Case[] {
  const data = ctx.readJson(fileOf(f)) as { cases?: Case[] };
  return data.cases ?? [];
}

function runCase(ctx: SuiteContext, kzg: KzgBackend, f: Fn, c: Case, d: Decode): void {
  const run = () => RUNNERS[f](kzg, c.input, d);
  if (c.output === null) {
    // `output: null`: the spec raises; returning false is a failure.
    const e = ctx.expectThrows(run, f);
    ctx.expectTrue(e instanceof CryptoError, `${f}: expected a CryptoError, got ${String(e)}`);
  } else {
    ctx.expectEqual(run(), c.output, f);
  }
}

export const kzgSuite: ConformanceSuite = {
  name: 'kzg',
  description:
    'EIP-4844 KZG (consensus-specs polynomial-commitments, mainnet trusted setup): the ' +
    'c-kzg-4844 reference tests for all six public functions, per backend; invalid inputs ' +
    'must raise a CryptoError.',
  files: [...FUNCTIONS.map(fileOf), BLOBS_FILE],
  ownsDirs: [DIR],
  // Counted from the files: every case of the six function files.
  expectedCases: (ctx) => FUNCTIONS.reduce((n, f) => n + casesOf(ctx, f).length, 0),
  variants: KZG_BACKEND_NAMES,
  async run(ctx) {
    const variant = (ctx.variant ?? 'c-kzg') as KzgBackendName;
    let kzg: KzgBackend | string;
    try {
      kzg = await loadKzgBackend(variant);
    } catch (e) {
      kzg = `KZG backend '${variant}' unavailable: ${e instanceof Error ? e.message : String(e)}`;
    }
    const d = decoder((ctx.readJson(BLOBS_FILE) as { blobs: Record<string, string> }).blobs);
    for (const f of FUNCTIONS) {
      for (const c of casesOf(ctx, f)) {
        const id = `${f}/${c.name}`;
        if (typeof kzg === 'string') ctx.skip(id, kzg);
        else await ctx.check(id, () => runCase(ctx, kzg, f, c, d));
      }
    }
  },
};
