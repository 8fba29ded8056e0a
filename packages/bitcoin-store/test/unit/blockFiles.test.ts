import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { encodeBlock } from '@keel/bitcoin';
import { networks } from '@keel/bitcoin/consensus';
import { tempDir } from '@keel/test-utils';
import { bytesToHex, concatBytes } from '@keel/util';
import { BlockIndex } from '../../src/blockIndex.ts';
import { networkFromMagic, scanRecords, xorInPlace } from '../../src/blockRecords.ts';
import { BlockSource } from '../../src/blockSource.ts';
import { BlockFileError } from '../../src/errors.ts';

const tmp = tempDir('keel-store-');
after(() => tmp.cleanup());

const main = networks.main;
/** A magic ‖ len ‖ block record. */
function record(raw: Uint8Array, magic = main.magic): Uint8Array {
  const h = new Uint8Array(8);
  h.set(magic);
  new DataView(h.buffer).setUint32(4, raw.length, true);
  return concatBytes(h, raw);
}
const genesisRaw = encodeBlock(main.genesis);

function scanAll(bytes: Uint8Array) {
  const out: number[] = [];
  scanRecords(bytes, 'f.dat', main.magic, (r) => out.push(r.offset));
  return out;
}

test('records are found in order; trailing zero padding (Core preallocation) ends the file', () => {
  const bytes = concatBytes(record(genesisRaw), record(genesisRaw), new Uint8Array(1000));
  assert.deepEqual(scanAll(bytes), [8, 8 + genesisRaw.length + 8]);
});

test('bad magic, short header, out-of-range length and truncation name file and offset', () => {
  const one = record(genesisRaw);
  const bad = (bytes: Uint8Array, offset: number, what: RegExp) =>
    assert.throws(
      () => scanAll(bytes),
      (e) =>
        e instanceof BlockFileError &&
        e.offset === offset &&
        e.file === 'f.dat' &&
        what.test(e.message),
    );
  bad(
    concatBytes(one, networks.test.magic, one.subarray(4)),
    one.length,
    /bad record magic 0b110907/,
  );
  bad(concatBytes(one, main.magic, Uint8Array.of(1, 0)), one.length, /truncated record header/);
  const huge = one.slice();
  new DataView(huge.buffer).setUint32(4, 4_000_001, true);
  bad(huge, 0, /record length 4000001 out of range/);
  bad(one.subarray(0, one.length - 1), 0, /truncated record: 285 bytes announced, 284 present/);
  assert.match(new BlockFileError('x', 'f', 7).message, /^f at offset 7: x$/);
});

test('network detection by magic', () => {
  assert.equal(networkFromMagic(main.magic), 'main');
  assert.equal(networkFromMagic(networks.regtest.magic), 'regtest');
  assert.equal(networkFromMagic(networks.testnet4.magic), 'testnet4');
  assert.equal(networkFromMagic(Uint8Array.of(1, 2, 3, 4)), undefined);
});

test('a blocks/ directory: blk files in name order, xor.dat obfuscation undone', () => {
  const dir = join(tmp.path, 'blocks');
  mkdirSync(dir);
  const key = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 0x80);
  const f0 = record(genesisRaw);
  const f1 = concatBytes(record(genesisRaw), new Uint8Array(64));
  xorInPlace(f0, key, 0);
  xorInPlace(f1, key, 0);
  writeFileSync(join(dir, 'blk00001.dat'), f1);
  writeFileSync(join(dir, 'blk00000.dat'), f0);
  writeFileSync(join(dir, 'xor.dat'), key);
  writeFileSync(join(dir, 'rev00000.dat'), new Uint8Array(10));
  const src = BlockSource.open(dir);
  assert.deepEqual(
    src.files.map((f) => f.slice(-12)),
    ['blk00000.dat', 'blk00001.dat'],
  );
  assert.equal(src.detectNetwork(), 'main');
  const scan = src.scan({ network: 'auto' });
  assert.equal(scan.error, undefined);
  assert.equal(scan.network, 'main');
  assert.equal(scan.records.length, 2);
  const block = src.readBlock({ file: 1, offset: 8, length: genesisRaw.length });
  assert.deepEqual(encodeBlock(block), genesisRaw);
  src.close();
  // without the key the first bytes are not a magic
  writeFileSync(join(dir, 'xor.dat'), new Uint8Array(8));
  assert.equal(BlockSource.open(dir).detectNetwork(), undefined);
});

test('a corrupt file keeps the records before it and reports file and offset', () => {
  const p = join(tmp.path, 'cut.blk');
  const one = record(genesisRaw);
  writeFileSync(p, concatBytes(one, one.subarray(0, 100)));
  const scan = BlockSource.open(p).scan({ network: 'main' });
  assert.equal(scan.records.length, 1);
  assert.ok(scan.error instanceof BlockFileError);
  assert.equal(scan.error.offset, one.length);
  assert.equal(scan.error.file, p);
  assert.throws(() => BlockSource.open(join(tmp.path, 'missing')), BlockFileError);
});

test('block index: out-of-order records link from genesis, most work wins, ties keep the first seen', () => {
  const g = { hash: main.genesisHash };
  const hdr = (prev: Uint8Array, nonce: number) => ({
    version: 1,
    prevBlock: prev,
    merkleRoot: new Uint8Array(32),
    time: 1231006506,
    bits: 0x1d00ffff,
    nonce,
  });
  const h = (n: number) => Uint8Array.of(n, ...new Uint8Array(31));
  // a1 <- a2 (branch a), b1 (branch b), orphan o; given child-first
  const recs = [
    { header: hdr(h(1), 0), hash: h(2), offset: 0, length: 100, file: 0 },
    { header: hdr(g.hash, 1), hash: h(3), offset: 0, length: 100, file: 0 },
    { header: hdr(g.hash, 2), hash: h(1), offset: 0, length: 100, file: 0 },
    { header: hdr(h(9), 3), hash: h(4), offset: 0, length: 100, file: 0 },
  ];
  const idx = BlockIndex.build(main, recs);
  assert.equal(idx.unlinked, 1);
  const tip = idx.bestTip();
  assert.equal(bytesToHex(tip.hash), bytesToHex(h(2)));
  assert.equal(tip.height, 2);
  assert.deepEqual(
    idx.chainTo(tip).map((e) => e.height),
    [0, 1, 2],
  );
  // with a2 invalid, b1 (seen before a1) wins the tie at height 1
  idx.markInvalid(idx.getByHash(h(2))!, 'test');
  assert.equal(bytesToHex(idx.bestTip().hash), bytesToHex(h(3)));
  assert.equal(idx.bestTip(0).height, 0);
});
