import { writeFileSync } from 'node:fs';
import { buildDir, buildExamples, ContractBuildError, compileContract } from '@keel/contracts';
import { createRuntime, RuntimeError } from '@keel/runtime';
import { bytesToHex } from '@keel/util';
import { CliError } from '../../../errors.ts';
import { print, reject } from '../common.ts';
import type { BuildOptions } from './options.ts';

function describe(name: string, path: string, wasm: Uint8Array) {
  const info = createRuntime().validate(wasm);
  return {
    name,
    path,
    bytes: wasm.length,
    codeHash: bytesToHex(info.codeHash),
    methods: info.methods,
  };
}

export async function buildHandler(file: string | undefined, opts: BuildOptions): Promise<number> {
  if (opts.examples) {
    process.stderr.write('building the example contracts (cached by source hash)...\n');
    const built = await buildExamples();
    const rows = Object.entries(built).map(([n, w]) => describe(n, `${buildDir}/${n}.wasm`, w));
    print(
      opts.json,
      rows,
      rows.map((r) => `${r.name.padEnd(8)} ${r.bytes} B  ${r.path}  [${r.methods.join(', ')}]`).join('\n'),
    );
    return 0;
  }
  if (!file) throw new CliError('give a contract source FILE.ts, or --examples');
  const out = opts.out ?? file.replace(/\.ts$/, '') + '.wasm';
  process.stderr.write(`compiling ${file}...\n`);
  let wasm: Uint8Array;
  let wat: string;
  try {
    ({ wasm, wat } = await compileContract(file));
  } catch (e) {
    if (e instanceof ContractBuildError) return reject(opts.json, e.code, e.message);
    throw e;
  }
  let row: ReturnType<typeof describe>;
  try {
    row = describe(file, out, wasm);
  } catch (e) {
    if (e instanceof RuntimeError)
      return reject(opts.json, e.code, `compiled, but the runtime rejects it: ${e.message}`);
    throw e;
  }
  try {
    writeFileSync(out, wasm);
    if (opts.wat) writeFileSync(out.replace(/\.wasm$/, '') + '.wat', wat);
  } catch (e) {
    throw new CliError(`cannot write ${out}: ${(e as Error).message}`);
  }
  print(opts.json, row, `${out}: ${row.bytes} bytes, codeHash ${row.codeHash}, methods [${row.methods.join(', ')}]`);
  return 0;
}
