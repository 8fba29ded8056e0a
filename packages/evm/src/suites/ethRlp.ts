import type { ConformanceSuite, CountContext, SuiteContext } from '@keel/conformance';
import { bytesToHex, hexToBytes, isKeelError, utf8ToBytes } from '@keel/util';
import { EvmErrorCode } from '../errors.ts';
import { decodeRLP, type RLPValue } from '../rlp/decode.ts';
import { encodeRLP, type RLPInput } from '../rlp/encode.ts';
import { bigintToRLPBytes } from '../rlp/fields.ts';

const DIR = 'ethereum-tests/RLPTests';

type JsonIn = string | number | JsonIn[];
interface RLPCase {
  in: JsonIn;
  out: string;
}

function cases(ctx: CountContext, file: string): [string, RLPCase][] {
  return Object.entries(ctx.readJson(file) as Record<string, RLPCase>);
}

/** The test's input as RLP items: strings are their UTF-8 bytes, numbers and `#n` are scalars. */
function toInput(x: JsonIn): RLPInput {
  if (Array.isArray(x)) return x.map(toInput);
  if (typeof x === 'number') return bigintToRLPBytes(BigInt(x));
  if (x.startsWith('#')) return bigintToRLPBytes(BigInt(x.slice(1)));
  return utf8ToBytes(x);
}

function show(v: RLPValue): unknown {
  return Array.isArray(v) ? v.map(show) : bytesToHex(v);
}

function runCase(ctx: SuiteContext, c: RLPCase): void {
  const out = hexToBytes(c.out);
  if (c.in === 'INVALID') {
    const e = ctx.expectThrows(() => decodeRLP(out), 'decode of an invalid encoding');
    ctx.expectTrue(isKeelError(e) && e.code === EvmErrorCode.RLP, `not an RLP error: ${e}`);
    return;
  }
  const decoded = decodeRLP(out);
  ctx.expectEqual(bytesToHex(encodeRLP(decoded)), bytesToHex(out), 're-encoding of the decoded');
  if (c.in === 'VALID') return;
  const input = toInput(c.in);
  ctx.expectEqual(bytesToHex(encodeRLP(input)), bytesToHex(out), 'encoding');
  ctx.expectEqual(show(decoded), show(input as RLPValue), 'decoded items');
}

export const ethRlpSuite: ConformanceSuite = {
  name: 'eth-rlp',
  description: 'RLP encode/decode, strict canonical decoding (ethereum/tests RLPTests)',
  files: [],
  filesIn: [DIR],
  expectedCases: (ctx) => ctx.files.reduce((n, f) => n + cases(ctx, f).length, 0),
  run(ctx) {
    for (const file of ctx.files) {
      for (const [name, c] of cases(ctx, file)) {
        ctx.check(`${file.slice(DIR.length + 1)}/${name}`, () => runCase(ctx, c));
      }
    }
  },
};
