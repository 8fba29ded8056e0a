import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  buildDir,
  ContractBuildError,
  compileContract,
  EXAMPLES,
  examplesDir,
  exampleWasm,
} from '../../src/index.ts';

const METHODS: Record<string, string[]> = {
  counter: ['increment', 'add', 'get', 'bumpTransient'],
  token: ['init', 'transfer', 'approve', 'transferFrom', 'balanceOf', 'allowance', 'totalSupply'],
  caller: ['callIncrement', 'incrementThenRevert', 'forward', 'recurse', 'bumpTwice'],
  loop: ['spin', 'deep', 'grow', 'noop'],
};

interface Desc {
  module: string;
  name: string;
  kind: string;
}
/** Node's WebAssembly (the repo's TypeScript lib has no DOM/WebAssembly types). */
const WA = (
  globalThis as unknown as {
    WebAssembly: {
      Module: {
        new (b: Uint8Array): object;
        imports(m: object): Desc[];
        exports(m: object): Desc[];
      };
    };
  }
).WebAssembly;

/** Section ids of a module, read straight from its bytes. */
function sectionIds(b: Uint8Array): number[] {
  const ids: number[] = [];
  let p = 8;
  while (p < b.length) {
    ids.push(b[p++]!);
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const x = b[p++]!;
      size |= (x & 0x7f) << shift;
      if (!(x & 0x80)) break;
    }
    p += size;
  }
  return ids;
}

test('every example compiles to a module the keel runtime can load', async () => {
  for (const name of EXAMPLES) {
    const wasm = await exampleWasm(name);
    const mod = new WA.Module(wasm);
    assert.ok(!sectionIds(wasm).includes(8), `${name}: no start section`);
    const imports = WA.Module.imports(mod);
    assert.ok(
      imports.every((i) => i.module === 'env' && i.kind === 'function'),
      name,
    );
    const exports = WA.Module.exports(mod).map((e) => e.name);
    assert.ok(exports.includes('_initialize'), `${name}: the start function is exported`);
    for (const m of METHODS[name]!) assert.ok(exports.includes(m), `${name} exports ${m}`);
  }
});

test('the cache is keyed by source hash and equals a fresh compile', async () => {
  const path = join(buildDir, 'counter.wasm');
  const cached = await exampleWasm('counter');
  const mtime = statSync(path).mtimeMs;
  assert.deepEqual(await exampleWasm('counter'), cached);
  assert.equal(statSync(path).mtimeMs, mtime, 'a cache hit does not rewrite');
  const fresh = await compileContract(join(examplesDir, 'counter.ts'));
  assert.deepEqual(fresh.wasm, cached, 'the compiler is deterministic');
});

test('compile errors are ContractBuildError with the compiler message', async () => {
  const path = mkdtempSync(join(tmpdir(), 'keel-asc-'));
  try {
    const file = join(path, 'bad.ts');
    writeFileSync(file, 'export function f(): void { let x: i32 = "no"; }\n');
    await assert.rejects(
      compileContract(file),
      (e: unknown) => e instanceof ContractBuildError && /TS2322|not assignable/.test(e.message),
    );
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
});
