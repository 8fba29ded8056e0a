// `keel contract build|deploy|call|inspect` end to end against a temporary state directory,
// with the example contracts of @keel/contracts (compiled on demand, cached).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildDir, exampleWasm, sdkDir } from '@keel/contracts';
import { tempDir } from '@keel/test-utils';

const BIN = fileURLToPath(new URL('../../bin/keel.js', import.meta.url));
const keel = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, 'contract', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const json = (r: { code: number | null; stdout: string; stderr: string }) => {
  assert.ok(r.stdout.trim(), `no output (exit ${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout);
};
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b.toString('hex');
};
const sha256hex = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');

let dir: string;
let cleanup: () => void = () => {};
const wasm = (n: string) => join(buildDir, `${n}.wasm`);

before(async () => {
  for (const n of ['token', 'loop'] as const) await exampleWasm(n);
  ({ path: dir, cleanup } = tempDir('keel-contract-'));
});
after(() => cleanup());

// independent state directories: two CLI processes at a time
describe('keel contract', { concurrency: 2 }, () => {
  test('deploy, call, events, revert, out of gas, trap: the acceptance interface', () => {
    const state = join(dir, 'state');
    const d = keel('deploy', '--state', state, wasm('token'), '--init-args', u64(1000), '--json');
    assert.equal(d.code, 0, d.stderr);
    const { address, codeHash } = json(d);
    assert.match(address, /^[0-9a-f]{64}$/);
    assert.equal(codeHash, sha256hex(readFileSync(wasm('token'))));

    const to = 'ab'.repeat(32);
    const t = json(
      keel(
        'call',
        '--state',
        state,
        address,
        'transfer',
        '--args',
        to + u64(250),
        '--gas',
        '200000',
        '--json',
      ),
    );
    assert.equal(t.status, 'ok');
    assert.equal(t.returnData, '01');
    assert.ok(t.gasUsed > 0 && t.gasUsed < 200_000);
    assert.equal(t.logs.length, 1);
    assert.equal(t.logs[0].address, address);
    assert.equal(t.logs[0].topics[0], sha256hex('Transfer(address,address,u64)'));
    assert.equal(t.logs[0].topics[2], to);
    assert.equal(t.logs[0].data, u64(250));

    // the state persisted: a new process sees the transfer
    const b = json(
      keel(
        'call',
        '--state',
        state,
        address,
        'balanceOf',
        '--args',
        to,
        '--gas',
        '100000',
        '--json',
      ),
    );
    assert.deepEqual(b, { status: 'ok', gasUsed: b.gasUsed, returnData: u64(250), logs: [] });

    const r = json(
      keel(
        'call',
        '--state',
        state,
        address,
        'transfer',
        '--args',
        to + u64(10_000),
        '--gas',
        '200000',
        '--json',
      ),
    );
    assert.equal(r.status, 'revert');
    assert.equal(Buffer.from(r.returnData, 'hex').toString(), 'insufficient balance');
    assert.deepEqual(r.logs, []);

    const loop = json(keel('deploy', '--state', state, wasm('loop'), '--json')).address;
    const oog = json(keel('call', '--state', state, loop, 'spin', '--gas', '50000', '--json'));
    assert.equal(oog.status, 'out_of_gas');
    assert.equal(oog.gasUsed, 50_000);

    const trap = json(keel('call', '--state', state, loop, 'nothere', '--gas', '50000', '--json'));
    assert.equal(trap.status, 'trap');
    assert.equal(trap.gasUsed, 50_000);

    const human = keel('inspect', '--state', state, address);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /methods\s+init, transfer, approve, transferFrom/);
  });

  test('a malicious module is rejected with a clear error; bad arguments too', () => {
    const state = join(dir, 'state2');
    // (module (func (export "f") f32.const 0 drop)): floating point
    const float = Uint8Array.from([
      0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 0x66, 0, 0, 10,
      10, 1, 8, 0, 0x43, 0, 0, 0, 0, 0x1a, 0x0b,
    ]);
    const file = join(dir, 'float.wasm');
    writeFileSync(file, float);
    const r = keel('deploy', '--state', state, file, '--json');
    assert.equal(r.code, 1);
    const e = json(r).error;
    assert.equal(e.code, 'ERR_RUNTIME_FORBIDDEN_INSTRUCTION');
    assert.match(e.message, /floating-point constant is not allowed \(code section, function 0/);
    assert.match(r.stderr, /rejected/);

    const bad = keel('call', '--state', state, 'xyz', 'get', '--gas', '10');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /ADDRESS must be 32 bytes of hex/);
    const empty = keel(
      'call',
      '--state',
      join(dir, 'nothing'),
      'ab'.repeat(32),
      'get',
      '--gas',
      '9',
    );
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /holds no contract state yet/);
    const noGas = keel('call', '--state', state, 'ab'.repeat(32), 'get');
    assert.notEqual(noGas.code, 0);
    assert.match(noGas.stderr, /--gas/);
  });

  test('a stale lock and a leftover temp file from a crashed writer do not block or corrupt', () => {
    const state = join(dir, 'state3');
    const d = json(keel('deploy', '--state', state, wasm('loop'), '--json'));
    writeFileSync(join(state, 'LOCK'), '999999999');
    writeFileSync(join(state, 'state.keel.12345.tmp'), 'torn write');
    const r = json(keel('call', '--state', state, d.address, 'noop', '--gas', '100000', '--json'));
    assert.equal(r.status, 'ok');
    writeFileSync(join(state, 'state.keel'), 'garbage');
    const c = keel('call', '--state', state, d.address, 'noop', '--gas', '100000', '--json');
    assert.equal(c.code, 2);
    assert.match(c.stderr, /not a keel state file|corrupt/);
  });

  test('build a contract that imports the SDK, deploy it, call it', () => {
    const src = join(dir, 'hello.ts');
    const sdk = relative(dir, sdkDir).replaceAll('\\', '/');
    writeFileSync(
      src,
      `import { returnData, utf8 } from "${sdk}";\nexport function hello(): void { returnData(utf8("hi")); }\n`,
    );
    const b = keel('build', src, '--json');
    assert.equal(b.code, 0, b.stderr);
    const built = json(b);
    assert.deepEqual(built.methods, ['hello']);
    assert.equal(built.codeHash, sha256hex(readFileSync(join(dir, 'hello.wasm'))));
    const state = join(dir, 'state4');
    const d = json(keel('deploy', '--state', state, join(dir, 'hello.wasm'), '--json'));
    const r = json(keel('call', '--state', state, d.address, 'hello', '--gas', '10000', '--json'));
    assert.equal(r.status, 'ok');
    assert.equal(r.returnData, Buffer.from('hi').toString('hex'));

    writeFileSync(src, 'export function hello(): void { let x: i32 = "no"; }\n');
    const bad = keel('build', src, '--json');
    assert.equal(bad.code, 1);
    assert.match(json(bad).error.message, /not assignable|TS2322/);
  });
});
