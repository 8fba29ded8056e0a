import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type ConformanceSuite, findVectorsDir, runSuite } from '../../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'keel-conf-'));
mkdirSync(join(dir, 'owned'));
writeFileSync(join(dir, 'owned', 'a.json'), JSON.stringify({ cases: [1, 2, 3] }));
after(() => rmSync(dir, { recursive: true, force: true }));

function suite(over: Partial<ConformanceSuite>): ConformanceSuite {
  return {
    name: 't',
    description: 'test suite',
    files: ['owned/a.json'],
    expectedCases: 3,
    run(ctx) {
      const { cases } = ctx.readJson('owned/a.json') as { cases: number[] };
      for (const c of cases) ctx.check(`c${c}`, () => ctx.expectEqual(c > 0, true));
    },
    ...over,
  };
}

test('a full, passing run reports exact counts', async () => {
  const r = await runSuite(suite({}), { vectorsDir: dir });
  assert.deepEqual(r, { suite: 't', passed: 3, failed: 0, skipped: 0, failures: [], skips: [] });
});

test('running fewer cases than expected fails the suite', async () => {
  const r = await runSuite(suite({ expectedCases: 4 }), { vectorsDir: dir });
  assert.equal(r.failed, 1);
  assert.match(r.failures[0]!.reason, /ran 3 cases, expected exactly 4/);
});

test('a failing expectation is reported with the case id and reason', async () => {
  const r = await runSuite(
    suite({
      run(ctx) {
        ctx.check('x', () => ctx.expectEqual(1, 2, 'value'));
        ctx.check('y', () => {});
        ctx.skip('z', 'not applicable to this backend');
      },
    }),
    { vectorsDir: dir },
  );
  assert.equal(r.passed, 1);
  assert.equal(r.skipped, 1);
  assert.equal(r.failed, 1);
  assert.equal(r.failures[0]!.id, 'x');
  assert.match(r.failures[0]!.reason, /value: expected 2, got 1/);
  assert.deepEqual(r.skips, [{ id: 'z', reason: 'not applicable to this backend' }]);
});

test('an unknown file in an owned folder fails; ignored files need a reason entry', async () => {
  writeFileSync(join(dir, 'owned', 'new.json'), '{}');
  try {
    const r = await runSuite(suite({ ownsDirs: ['owned'] }), { vectorsDir: dir });
    assert.ok(r.failures.some((f) => f.id === 'file:owned/new.json'));
    const ok = await runSuite(
      suite({ ownsDirs: ['owned'], ignored: { 'owned/new.json': 'empty' } }),
      { vectorsDir: dir },
    );
    assert.equal(ok.failed, 0);
  } finally {
    rmSync(join(dir, 'owned', 'new.json'));
  }
});

test('reading an undeclared file, a skip without reason and duplicate ids are failures', async () => {
  const undeclared = await runSuite(
    suite({ files: [], run: (ctx) => void ctx.readJson('owned/a.json') }),
    { vectorsDir: dir },
  );
  assert.ok(undeclared.failures.some((f) => /undeclared file/.test(f.reason)));
  const noReason = await runSuite(suite({ run: (ctx) => ctx.skip('a', ' ') }), { vectorsDir: dir });
  assert.ok(noReason.failures.some((f) => /has no reason/.test(f.reason)));
  const dup = await runSuite(
    suite({
      expectedCases: 2,
      run(ctx) {
        ctx.check('a', () => {});
        ctx.check('a', () => {});
      },
    }),
    { vectorsDir: dir },
  );
  assert.ok(dup.failures.some((f) => f.reason === 'duplicate case id'));
});

test('variants run separately with prefixed ids; an unknown variant is rejected', async () => {
  const s = suite({
    variants: ['one', 'two'],
    expectedCases: 1,
    run(ctx) {
      ctx.check('v', () => ctx.expectTrue(ctx.variant !== 'two', 'variant two fails'));
    },
  });
  const r = await runSuite(s, { vectorsDir: dir });
  assert.equal(r.passed, 1);
  assert.deepEqual(r.failures, [{ id: 'two/v', reason: 'variant two fails' }]);
  const only = await runSuite(s, { vectorsDir: dir, variant: 'one' });
  assert.equal(only.failed, 0);
  await assert.rejects(runSuite(s, { vectorsDir: dir, variant: 'three' }), /no variant 'three'/);
});

test('a missing declared file fails', async () => {
  const r = await runSuite(suite({ files: ['owned/a.json', 'owned/missing.json'] }), {
    vectorsDir: dir,
  });
  assert.ok(r.failures.some((f) => f.id === 'file:owned/missing.json'));
});

test('findVectorsDir honours an explicit path and KEEL_VECTORS', () => {
  assert.equal(findVectorsDir(dir), dir);
  assert.equal(findVectorsDir('/nonexistent/x'), undefined);
  assert.equal(findVectorsDir(undefined, { KEEL_VECTORS: dir }), dir);
});

test('filesIn discovers every matching file at any depth and a counted expectation uses them', async () => {
  const root = mkdtempSync(join(tmpdir(), 'keel-conf-in-'));
  mkdirSync(join(root, 'tree', 'sub'), { recursive: true });
  writeFileSync(join(root, 'tree', 'x.json'), JSON.stringify({ cases: [1, 2] }));
  writeFileSync(join(root, 'tree', 'sub', 'y.json'), JSON.stringify({ cases: [3] }));
  writeFileSync(join(root, 'tree', 'notes.txt'), 'not a vector');
  try {
    const walk: ConformanceSuite = {
      name: 'walk',
      description: 'discovered files',
      files: [],
      filesIn: ['tree'],
      expectedCases: (ctx) =>
        ctx.files.reduce((n, f) => n + (ctx.readJson(f) as { cases: number[] }).cases.length, 0),
      run(ctx) {
        for (const f of ctx.files) {
          for (const c of (ctx.readJson(f) as { cases: number[] }).cases) {
            ctx.check(`${f}/${c}`, () => ctx.expectTrue(c > 0, 'positive'));
          }
        }
      },
    };
    const r = await runSuite(walk, { vectorsDir: root });
    assert.equal(r.failed, 0, JSON.stringify(r.failures));
    assert.equal(r.passed, 3);
    // Running fewer than counted fails.
    const short = await runSuite(
      { ...walk, run: (ctx) => void ctx.check('only', () => undefined) },
      { vectorsDir: root },
    );
    assert.ok(short.failures.some((f) => /ran 1 cases, expected exactly 3/.test(f.reason)));
    // A missing folder and an empty count fail.
    const missing = await runSuite({ ...walk, filesIn: ['nope'] }, { vectorsDir: root });
    assert.ok(missing.failures.some((f) => f.id === 'file:nope'));
    const empty = await runSuite({ ...walk, expectedCases: () => 0 }, { vectorsDir: root });
    assert.ok(empty.failures.some((f) => /no cases/.test(f.reason)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
