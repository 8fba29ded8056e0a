import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { vectorsDirOrSkip } from '@keel/test-utils';

const BIN = fileURLToPath(new URL('../../bin/keel.js', import.meta.url));

function keel(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('keel --help lists the commands and exits 0', () => {
  const r = keel('--help');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /conformance/);
  assert.match(r.stdout, /bench/);
});

test('keel conformance --json prints the result contract and exits 0', (t) => {
  const dir = vectorsDirOrSkip();
  if (!dir) return t.skip('vectors absent');
  const r = keel('conformance', 'hkdf', '--json', '--vectors', dir);
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(res), ['suite', 'passed', 'failed', 'skipped', 'failures', 'skips']);
  assert.equal(res.suite, 'hkdf');
  assert.equal(res.failed, 0);
  assert.equal(res.passed, 3);
});

test('keel conformance with a missing vectors folder fails with a clear message', () => {
  const r = keel('conformance', 'hkdf', '--vectors', '/nonexistent/keel-vectors');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /vectors folder not found: \/nonexistent\/keel-vectors/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('unknown suite and unknown benchmark are usage errors naming the known ones', () => {
  const a = keel('conformance', 'no-such-suite');
  assert.equal(a.code, 2);
  assert.match(a.stderr, /unknown suite 'no-such-suite'.*hkdf/);
  const b = keel('bench', 'no-such-bench');
  assert.equal(b.code, 2);
  assert.match(b.stderr, /unknown benchmark 'no-such-bench'/);
});

test('invalid flag values name the flag', () => {
  const r = keel('bench', 'crypto', '--ms', 'abc');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--ms/);
});

test('keel conformance --list shows every suite with its case count', () => {
  const r = keel('conformance', '--list');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /hkdf\s+3 cases/);
});
