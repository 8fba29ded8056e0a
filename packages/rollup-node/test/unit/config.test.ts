import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { tempDir } from '@keel/test-utils';
import { parseRollupConfig, readRollupConfig, writeRollupConfig } from '../../src/index.ts';

const good = {
  version: 1,
  l1ChainId: 1337,
  rollup: `0x${'01'.repeat(20)}`,
  bridge: `0x${'02'.repeat(20)}`,
  deployBlock: 3,
  l2ChainId: 901,
  genesisTimestamp: 1_700_000_000,
  sequencer: `0x${'03'.repeat(20)}`,
  challengePeriod: 10,
  alloc: { [`0x${'04'.repeat(20)}`]: '1000' },
};

const rejects = (v: unknown, key: string, why: RegExp) =>
  assert.throws(
    () => parseRollupConfig(v),
    (e: Error & { code?: string; meta?: object }) => {
      assert.equal(e.name, 'RollupNodeError');
      assert.equal(e.code, 'ERR_ROLLUP_NODE_INVALID_CONFIG');
      assert.deepEqual(e.meta, { key });
      assert.match(e.message, new RegExp(`^rollup config ${key.replace(/[.()]/g, '\\$&')}: `));
      assert.match(e.message, why);
      return true;
    },
  );

describe('rollup.json validation', () => {
  const dir = tempDir('keel-rollup-config-');
  after(() => dir.cleanup());

  it('accepts a valid config and round-trips it through the file', () => {
    assert.deepEqual(parseRollupConfig(good), good);
    const path = join(dir.path, 'rollup.json');
    writeRollupConfig(path, parseRollupConfig(good));
    assert.deepEqual(readRollupConfig(path), good);
    const { alloc: _, ...noAlloc } = good;
    assert.deepEqual(parseRollupConfig(noAlloc).alloc, {});
  });

  it('names the bad key', () => {
    rejects(null, '(root)', /not an object/);
    rejects([], '(root)', /not an object/);
    rejects({ ...good, version: 2 }, 'version', /must be 1, got 2/);
    rejects({ ...good, rollup: '0x1234' }, 'rollup', /0x address/);
    rejects({ ...good, bridge: undefined }, 'bridge', /0x address/);
    rejects({ ...good, sequencer: `${'03'.repeat(20)}` }, 'sequencer', /0x address/);
    rejects({ ...good, deployBlock: -1 }, 'deployBlock', /integer >= 0/);
    rejects({ ...good, l2ChainId: 1.5 }, 'l2ChainId', /integer >= 0/);
    rejects({ ...good, challengePeriod: '10' }, 'challengePeriod', /integer >= 0/);
    rejects({ ...good, l1ChainId: 2 ** 60 }, 'l1ChainId', /integer >= 0/);
    rejects({ ...good, alloc: 5 }, 'alloc', /must be an object/);
    rejects({ ...good, alloc: [] }, 'alloc', /must be an object/);
    rejects({ ...good, alloc: { '0x12': '1' } }, 'alloc.0x12', /key must be a 0x address/);
    const a = `0x${'05'.repeat(20)}`;
    rejects({ ...good, alloc: { [a]: 1000 } }, `alloc.${a}`, /decimal string/);
    rejects({ ...good, alloc: { [a]: '0x10' } }, `alloc.${a}`, /decimal string/);
    rejects({ ...good, extra: 1 }, 'extra', /unknown key/);
  });

  it('a missing or non-JSON file is a typed error naming the file', () => {
    const missing = join(dir.path, 'nope.json');
    assert.throws(() => readRollupConfig(missing), {
      code: 'ERR_ROLLUP_NODE_INVALID_CONFIG',
      message: new RegExp(`^rollup config \\(file\\): cannot read ${missing}`),
    });
    const broken = join(dir.path, 'broken.json');
    writeFileSync(broken, '{"version": 1,');
    assert.throws(() => readRollupConfig(broken), {
      code: 'ERR_ROLLUP_NODE_INVALID_CONFIG',
      message: new RegExp(`^rollup config \\(file\\): ${broken} is not JSON`),
    });
  });
});
