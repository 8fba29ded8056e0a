// Differential run against libminisketch built from /work/shared/peers/minisketch (bench/cppBuild.ts,
// cached under ${KEEL_CACHE:-~/.cache/keel}). Not part of `npm test`: the first build takes minutes.
//   npm run diff:cpp -w @keel/minisketch -- [cases=400] [seed=1]
import { execFileSync } from 'node:child_process';
import { bytesToHex } from '@keel/util';
import { buildCppHarness } from '../../bench/cppBuild.ts';
import { createMinisketch } from '../../src/index.ts';
import { rng } from '../unit/reference.ts';

const cases = Number(process.argv[2] ?? 400);
const next = rng(Number(process.argv[3] ?? 1));
const build = buildCppHarness(console.log);
const bitsChoices = [2, 3, 5, 8, 11, 12, 16, 21, 24, 31, 32, 33, 40, 48, 57, 63, 64];
const impls = build.clmul ? [0, 1, 2] : [0];
const inputs: { impl: number; bits: number; cap: number; seed: bigint; elems: bigint[] }[] = [];
for (let i = 0; i < cases; i++) {
  const bits = bitsChoices[i % bitsChoices.length]!;
  const cap = Number(next(6) % 40n);
  const n = Math.min(Number(next(7) % BigInt(2 * cap + 3)), 2 ** bits - 1);
  const set = new Set<bigint>();
  while (set.size < n) set.add(next(bits));
  inputs.push({ impl: impls[i % impls.length]!, bits, cap, seed: next(62), elems: [...set] });
}
const input = inputs
  .map((c) => `${c.impl} ${c.bits} ${c.cap} ${c.seed} ${c.elems.length} ${c.elems.join(' ')}`)
  .join('\n');
const lines = execFileSync(build.harness, ['eval'], { input, maxBuffer: 1 << 28 })
  .toString()
  .trim()
  .split('\n');
let compared = 0;
let mismatches = 0;
let unsupported = 0;
for (const [i, c] of inputs.entries()) {
  const line = lines[i]!;
  if (line === 'unsupported') {
    unsupported++;
    continue;
  }
  const [hex, count, ...decoded] = line.split(' ');
  const s = createMinisketch(c.bits, c.cap, { seed: c.seed });
  for (const e of c.elems) s.add(e);
  const mine = s.decode();
  const theirs = Number(count) < 0 ? undefined : decoded.map((d) => BigInt(d));
  const same =
    bytesToHex(s.serialize()) === (hex ?? '') &&
    JSON.stringify(mine?.map(String)) === JSON.stringify(theirs?.map(String));
  compared++;
  if (!same) {
    mismatches++;
    console.log(`MISMATCH impl ${c.impl} bits ${c.bits} cap ${c.cap}: C++ ${line} keel ${mine}`);
  }
}
console.log(
  JSON.stringify({ compared, mismatches, unsupportedImplementationCases: unsupported, cases }),
);
process.exitCode = mismatches === 0 && compared > 0 ? 0 : 1;
