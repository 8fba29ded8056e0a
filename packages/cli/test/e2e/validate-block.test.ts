// `keel bitcoin validate-block` end to end: real blocks from the shared vectors, a real signet
// block (Bitcoin Core's feature_signet.py), mutated copies and bad input.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir, vectorsDirOrSkip } from '@keel/test-utils';

const BIN = fileURLToPath(new URL('../../bin/keel.js', import.meta.url));
const keel = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, 'bitcoin', 'validate-block', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

// Block 1 of the default signet (from Bitcoin Core's test/functional/feature_signet.py).
const SIGNET_BLOCK_1 =
  '00000020f61eee3b63a380a477a063af32b2bbc97c9ff9f01f2c4225e973988108000000f575c83235984e7dc4afc1f30944c170462e84437ab6f2d52e16878a79e4678bd1914d5fae77031eccf4070001010000000001010000000000000000000000000000000000000000000000000000000000000000ffffffff025151feffffff0200f2052a010000001600149243f727dd5343293eb83174324019ec16c2630f0000000000000000776a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf94c4fecc7daa2490047304402205e423a8754336ca99dbe16509b877ef1bf98d008836c725005b3c787c41ebe46022047246e4467ad7cc7f1ad98662afcaf14c115e0095a227c7b05c5182591c23e7e01000120000000000000000000000000000000000000000000000000000000000000000000000000';

test('a real mainnet block with its prevouts is VALID (exit 0, JSON verdict)', (t) => {
  const dir = vectorsDirOrSkip();
  if (!dir) return t.skip('vectors absent');
  const raw = join(dir, 'blocks', 'mainnet-277647.raw');
  const prevouts = join(dir, 'blocks', 'mainnet-277647.prevouts.json');
  const r = keel(raw, '--prevouts', prevouts, '--json');
  assert.equal(r.code, 0, r.stderr);
  const v = JSON.parse(r.stdout);
  assert.equal(v.valid, true);
  // the block hash published for this height (vectors README)
  assert.equal(v.hash, '0000000000000000054a714e580b16c583701712ab91060e92dbde6eb1e052a8');
  assert.equal(v.height, 277647);
  assert.equal(v.inputs, 732);
});

test('a changed transaction byte is INVALID with the broken rule', (t) => {
  const dir = vectorsDirOrSkip();
  if (!dir) return t.skip('vectors absent');
  const tmp = tempDir('validate-block');
  const bytes = readFileSync(join(dir, 'blocks', 'mainnet-277647.raw'));
  const mutated = Buffer.from(bytes);
  // a byte inside the last transaction: its txid, hence the merkle root, changes
  mutated[bytes.length - 40]! ^= 0xff;
  const file = join(tmp.path, 'mutated.raw');
  writeFileSync(file, mutated);
  const r = keel(file, '--json');
  tmp.cleanup();
  assert.equal(r.code, 1);
  const v = JSON.parse(r.stdout);
  assert.equal(v.valid, false);
  assert.equal(v.reason, 'bad-txnmrklroot');
});

test('a real signet block: valid on signet, high-hash on main', () => {
  const tmp = tempDir('validate-block');
  const file = join(tmp.path, 'signet1.hex');
  writeFileSync(file, SIGNET_BLOCK_1);
  const ok = keel(file, '--network', 'signet', '--json');
  const main = keel(file, '--network', 'main', '--json');
  // a broken signature byte inside the solution: bad-signet-blksig
  const broken = SIGNET_BLOCK_1.replace('5e423a8754', '5e423a8755');
  const badFile = join(tmp.path, 'signet1-bad.hex');
  writeFileSync(badFile, broken);
  const bad = keel(badFile, '--network', 'signet', '--json');
  tmp.cleanup();
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(
    JSON.parse(ok.stdout).hash,
    '00000086d6b2636cb2a392d45edc4ec544a10024d30141c9adf4bfd9de533b53',
  );
  assert.equal(main.code, 1);
  assert.equal(JSON.parse(main.stdout).reason, 'high-hash');
  // Core checks the signet solution right after the proof of work, before the merkle root
  // (which the changed coinbase also breaks)
  assert.equal(bad.code, 1);
  assert.equal(JSON.parse(bad.stdout).reason, 'bad-signet-blksig');
});

test('bad input: missing file, garbage bytes, unknown network are clear errors (exit 2)', () => {
  const tmp = tempDir('validate-block');
  const garbage = join(tmp.path, 'garbage.raw');
  writeFileSync(garbage, Buffer.from([1, 2, 3]));
  const missing = keel(join(tmp.path, 'nope.raw'));
  const junk = keel(garbage);
  const net = keel(garbage, '--network', 'moon');
  tmp.cleanup();
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.raw/);
  assert.equal(junk.code, 2);
  assert.match(junk.stderr, /not a valid serialized block/);
  assert.notEqual(net.code, 0);
  assert.match(net.stderr, /moon/);
});
