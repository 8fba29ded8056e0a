import type { ConformanceSuite, SuiteContext } from '@keel/conformance';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@keel/util';
import { ethAggregatePubkeys, ethFastAggregateVerify } from '../bls/eth.ts';
import { hashToG2 } from '../bls/hashToG2.ts';
import { loadBlsBackend } from '../bls/load.ts';
import type { BlsBackend, BlsBackendName } from '../bls/types.ts';
import { CryptoError } from '../errors.ts';

/** ethereum/bls12-381-tests v0.1.2 (+ derived consensus-specs eth_* cases), one file per handler. */
const DIR = 'bls';
const HANDLERS = [
  'sign',
  'verify',
  'aggregate',
  'fast_aggregate_verify',
  'aggregate_verify',
  'batch_verify',
  'hash_to_G2',
  'deserialization_G1',
  'deserialization_G2',
  'eth_specific',
] as const;
type Handler = (typeof HANDLERS)[number];

/** RFC 9380 §J.10.1 test DST: hash_to_G2 vectors are not under the signature DST. */
const QUUX_DST = 'QUUX-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_RO_';

interface Case<I = unknown, O = unknown> {
  name: string;
  input: I;
  output: O;
}
type Hex = string;

const b = (h: Hex): Uint8Array => hexToBytes(h);
const bs = (hs: readonly Hex[]): Uint8Array[] => hs.map(b);
const hex0x = (x: Uint8Array): string => `0x${bytesToHex(x)}`;
const fpHex = (v: bigint): string => `0x${v.toString(16).padStart(96, '0')}`;

/** `output: null` means the call must fail with a CryptoError, not merely return false. */
function expectCryptoError(ctx: SuiteContext, fn: () => unknown, label: string): void {
  const e = ctx.expectThrows(fn, label);
  ctx.expectTrue(e instanceof CryptoError, `${label}: expected a CryptoError, got ${String(e)}`);
}

type Runner = (ctx: SuiteContext, bls: BlsBackend, c: Case) => void;

const RUNNERS: Record<Exclude<Handler, 'eth_specific'>, Runner> = {
  sign(ctx, bls, c) {
    const { privkey, message } = c.input as { privkey: Hex; message: Hex };
    const run = () => bls.sign(b(privkey), b(message));
    if (c.output === null) expectCryptoError(ctx, run, 'sign');
    else ctx.expectEqual(hex0x(run()), c.output, 'signature');
  },
  verify(ctx, bls, c) {
    const i = c.input as { pubkey: Hex; message: Hex; signature: Hex };
    ctx.expectEqual(bls.verify(b(i.pubkey), b(i.message), b(i.signature)), c.output, 'verify');
  },
  aggregate(ctx, bls, c) {
    const run = () => bls.aggregateSignatures(bs(c.input as Hex[]));
    if (c.output === null) expectCryptoError(ctx, run, 'aggregate');
    else ctx.expectEqual(hex0x(run()), c.output, 'aggregate');
  },
  fast_aggregate_verify(ctx, bls, c) {
    const i = c.input as { pubkeys: Hex[]; message: Hex; signature: Hex };
    const ok = bls.fastAggregateVerify(bs(i.pubkeys), b(i.message), b(i.signature));
    ctx.expectEqual(ok, c.output, 'fast_aggregate_verify');
  },
  aggregate_verify(ctx, bls, c) {
    const i = c.input as { pubkeys: Hex[]; messages: Hex[]; signature: Hex };
    const ok = bls.aggregateVerify(bs(i.pubkeys), bs(i.messages), b(i.signature));
    ctx.expectEqual(ok, c.output, 'aggregate_verify');
  },
  batch_verify(ctx, bls, c) {
    const i = c.input as { pubkeys: Hex[]; messages: Hex[]; signatures: Hex[] };
    const sets = i.pubkeys.map((pk, k) => ({
      publicKey: b(pk),
      message: b(i.messages[k]!),
      signature: b(i.signatures[k]!),
    }));
    ctx.expectEqual(bls.verifyBatch(sets), c.output, 'batch_verify');
  },
  // Both variants run this through noble's hash_to_curve: @chainsafe/blst exposes no hash-to-G2.
  hash_to_G2(ctx, _bls, c) {
    const { msg } = c.input as { msg: string };
    const out = c.output as { x: string; y: string };
    const p = hashToG2(utf8ToBytes(msg), QUUX_DST);
    ctx.expectEqual(`${fpHex(p.x.c0)},${fpHex(p.x.c1)}`, out.x, 'x');
    ctx.expectEqual(`${fpHex(p.y.c0)},${fpHex(p.y.c1)}`, out.y, 'y');
  },
  deserialization_G1(ctx, bls, c) {
    const { pubkey } = c.input as { pubkey: Hex };
    ctx.expectEqual(bls.isValidG1Point(b(pubkey)), c.output, 'G1 decodes');
  },
  deserialization_G2(ctx, bls, c) {
    const { signature } = c.input as { signature: Hex };
    ctx.expectEqual(bls.isValidSignature(b(signature)), c.output, 'G2 decodes');
  },
};

const ETH_RUNNERS: Record<'eth_aggregate_pubkeys' | 'eth_fast_aggregate_verify', Runner> = {
  eth_aggregate_pubkeys(ctx, bls, c) {
    const run = () => ethAggregatePubkeys(bls, bs(c.input as Hex[]));
    if (c.output === null) expectCryptoError(ctx, run, 'eth_aggregate_pubkeys');
    else ctx.expectEqual(hex0x(run()), c.output, 'aggregate pubkey');
  },
  eth_fast_aggregate_verify(ctx, bls, c) {
    const i = c.input as { pubkeys: Hex[]; message: Hex; signature: Hex };
    const ok = ethFastAggregateVerify(bls, bs(i.pubkeys), b(i.message), b(i.signature));
    ctx.expectEqual(ok, c.output, 'eth_fast_aggregate_verify');
  },
};

function fileOf(h: Handler): string {
  return `${DIR}/${h}.json`;
}

/** Runs one group of cases, or skips each with the reason when the backend did not load. */
function runCases(
  ctx: SuiteContext,
  prefix: string,
  cases: readonly Case[],
  bls: BlsBackend | string,
  run: Runner,
): void {
  for (const c of cases) {
    const id = `${prefix}/${c.name}`;
    if (typeof bls === 'string') ctx.skip(id, bls);
    else ctx.check(id, () => run(ctx, bls, c));
  }
}

export const blsSuite: ConformanceSuite = {
  name: 'bls',
  description:
    'BLS12-381 min-pk POP ciphersuite (Ethereum): ethereum/bls12-381-tests v0.1.2 handlers plus ' +
    'consensus-specs eth_aggregate_pubkeys / eth_fast_aggregate_verify, per backend. hash_to_G2 ' +
    "runs on noble's hash_to_curve for both backends (blst has no hash-to-G2 entry point).",
  files: HANDLERS.map(fileOf),
  ownsDirs: [DIR],
  // sign 10 + verify 29 + aggregate 6 + fast_aggregate_verify 12 + aggregate_verify 5 +
  // batch_verify 4 + hash_to_G2 4 + deserialization_G1 13 + deserialization_G2 15 +
  // eth_specific (8 + 12)
  expectedCases: 118,
  variants: ['blst', 'noble'] satisfies BlsBackendName[],
  async run(ctx) {
    const variant = (ctx.variant ?? 'noble') as BlsBackendName;
    let bls: BlsBackend | string;
    try {
      bls = await loadBlsBackend(variant);
    } catch (e) {
      bls = `BLS backend '${variant}' unavailable: ${e instanceof Error ? e.message : String(e)}`;
    }
    for (const h of HANDLERS) {
      const data = ctx.readJson(fileOf(h)) as Record<string, Case[]>;
      if (h === 'eth_specific') {
        for (const [section, run] of Object.entries(ETH_RUNNERS)) {
          runCases(ctx, section, data[section] ?? [], bls, run);
        }
      } else {
        runCases(ctx, h, data.cases ?? [], bls, RUNNERS[h]);
      }
    }
  },
};
