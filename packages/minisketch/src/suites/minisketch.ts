import type { ConformanceSuite, CountContext, SuiteContext } from '@keel/conformance';
import { bytesToHex, hexToBytes } from '@keel/util';
import { fieldModulus } from '../moduli.ts';
import { createMinisketch, createMinisketchFromBytes } from '../sketch.ts';

const FILE = 'minisketch/vectors.json';

interface SketchCase {
  bits: number;
  capacity: number;
  kind: string;
  elements: string[];
  sketch: string;
  decoded: string[] | null;
}

interface MergeCase {
  bits: number;
  capacity: number;
  kind: string;
  a: string[];
  b: string[];
  sketchA: string;
  sketchB: string;
  merged: string;
  symmetricDifference: string[];
  decoded: string[] | null;
}

interface VectorFile {
  fieldModuli: Record<string, { hex: string }>;
  sketches: SketchCase[];
  merges: MergeCase[];
}

function load(ctx: CountContext): VectorFile {
  return ctx.readJson(FILE) as VectorFile;
}

const big = (xs: readonly string[]): bigint[] => xs.map((x) => BigInt(x));
const asText = (xs: readonly bigint[] | undefined): string[] | null =>
  xs === undefined ? null : xs.map(String);
const sorted = (xs: readonly string[] | null): string[] | null =>
  xs === null
    ? null
    : big(xs)
        .sort((p, q) => (p < q ? -1 : p > q ? 1 : 0))
        .map(String);

function runSketch(ctx: SuiteContext, c: SketchCase): void {
  const s = createMinisketch(c.bits, c.capacity, { seed: 7 });
  for (const e of big(c.elements)) s.add(e);
  ctx.expectEqual(bytesToHex(s.serialize()), c.sketch, 'serialization');
  const back = createMinisketchFromBytes(c.bits, c.capacity, hexToBytes(c.sketch), { seed: 11 });
  ctx.expectEqual(bytesToHex(back.serialize()), c.sketch, 'deserialize round trip');
  ctx.expectEqual(asText(back.decode(c.capacity)), sorted(c.decoded), 'decode');
}

function runMerge(ctx: SuiteContext, c: MergeCase): void {
  const a = createMinisketch(c.bits, c.capacity);
  for (const e of big(c.a)) a.add(e);
  const b = createMinisketch(c.bits, c.capacity);
  for (const e of big(c.b)) b.add(e);
  ctx.expectEqual(bytesToHex(a.serialize()), c.sketchA, 'sketch A');
  ctx.expectEqual(bytesToHex(b.serialize()), c.sketchB, 'sketch B');
  const m = createMinisketchFromBytes(c.bits, c.capacity, hexToBytes(c.sketchA), { seed: 3 });
  m.merge(createMinisketchFromBytes(c.bits, c.capacity, hexToBytes(c.sketchB)));
  ctx.expectEqual(bytesToHex(m.serialize()), c.merged, 'merged');
  ctx.expectEqual(asText(m.decode(c.capacity)), sorted(c.decoded), 'decode of the merge');
}

/**
 * minisketch known answers (sipa/minisketch, generated with its Python reference and replayed
 * through the C++ library): one case per field modulus, per sketch (serialization, round trip,
 * decode including over-capacity failures and false positives) and per merge.
 */
export const minisketchSuite: ConformanceSuite = {
  name: 'minisketch',
  description:
    'PinSketch sketches: field moduli, serialization, decode (with over-capacity failures and false positives), merge',
  files: [FILE],
  expectedCases: (ctx) => {
    const v = load(ctx);
    return Object.keys(v.fieldModuli).length + v.sketches.length + v.merges.length;
  },
  async run(ctx) {
    const v = load(ctx);
    for (const [bits, m] of Object.entries(v.fieldModuli)) {
      await ctx.check(`modulus-${bits}`, () => {
        ctx.expectEqual(
          fieldModulus(Number(bits)).toString(16),
          m.hex.replace(/^0x/, ''),
          'modulus',
        );
      });
    }
    for (const [i, c] of v.sketches.entries()) {
      await ctx.check(`sketch-${i}-${c.bits}b-cap${c.capacity}-${c.kind}`, () => runSketch(ctx, c));
    }
    for (const [i, c] of v.merges.entries()) {
      await ctx.check(`merge-${i}-${c.bits}b-cap${c.capacity}-${c.kind}`, () => runMerge(ctx, c));
    }
  },
};
