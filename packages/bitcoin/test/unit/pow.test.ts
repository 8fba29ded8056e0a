import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createArrayChainView, type HeaderInfo } from '../../src/consensus/chain.ts';
import { networks } from '../../src/consensus/params.ts';
import {
  blockWork,
  calculateNextWorkRequired,
  checkProofOfWork,
  compactToTarget,
  nextWorkRequired,
  targetToCompact,
} from '../../src/consensus/pow.ts';

const main = networks.main;
const hdr = (height: number, time: number, bits: number): HeaderInfo => ({
  height,
  time,
  bits,
  version: 1,
  hash: new Uint8Array(32),
});

test('compact: decoding follows arith_uint256::SetCompact (size, sign, overflow)', () => {
  assert.deepEqual(compactToTarget(0x01003456), { target: 0n, negative: false, overflow: false });
  assert.equal(compactToTarget(0x01123456).target, 0x12n);
  assert.equal(compactToTarget(0x02008000).target, 0x80n);
  assert.equal(compactToTarget(0x05009234).target, 0x92340000n);
  assert.equal(compactToTarget(0x04123456).target, 0x12345600n);
  assert.deepEqual(compactToTarget(0x04923456), {
    target: 0x12345600n,
    negative: true,
    overflow: false,
  });
  // the sign bit with a zero mantissa is not negative
  assert.equal(compactToTarget(0x01fedcba).negative, true);
  assert.equal(compactToTarget(0x00800000).negative, false);
  assert.equal(compactToTarget(0xff123456).overflow, true);
  assert.equal(compactToTarget(0x20123456).overflow, false);
  assert.equal(compactToTarget(0x21123456).overflow, true);
  assert.equal(compactToTarget(0x22000012).overflow, false);
  assert.equal(compactToTarget(0x23000001).overflow, true);
});

test('compact: encoding is GetCompact, moving a set sign bit into the exponent', () => {
  assert.equal(targetToCompact(0n), 0);
  assert.equal(targetToCompact(0x80n), 0x02008000);
  assert.equal(targetToCompact(0x12n), 0x01120000);
  assert.equal(targetToCompact(0x12345600n), 0x04123456);
  assert.equal(targetToCompact(main.powLimit), 0x1d00ffff);
  assert.equal(targetToCompact(networks.regtest.powLimit), 0x207fffff);
  assert.equal(targetToCompact(networks.signet.powLimit), 0x1e0377ae);
  for (const bits of [0x1d00ffff, 0x1b0404cb, 0x1903a30c, 0x172c4e11]) {
    assert.equal(targetToCompact(compactToTarget(bits).target), bits);
  }
});

test('checkProofOfWork: rejects negative, zero, overflowing and above-limit targets', () => {
  const zeroHash = new Uint8Array(32);
  assert.ok(checkProofOfWork(zeroHash, 0x1d00ffff, main.powLimit));
  assert.ok(!checkProofOfWork(zeroHash, 0x1d80ffff, main.powLimit)); // negative
  assert.ok(!checkProofOfWork(zeroHash, 0x01003456, main.powLimit)); // zero
  assert.ok(!checkProofOfWork(zeroHash, 0xff123456, main.powLimit)); // overflow
  assert.ok(!checkProofOfWork(zeroHash, 0x1e00ffff, main.powLimit)); // above powLimit
  const high = new Uint8Array(32).fill(0xff);
  assert.ok(!checkProofOfWork(high, 0x1d00ffff, main.powLimit));
});

test('blockWork: 2^256 / (target + 1)', () => {
  assert.equal(blockWork(0x1d00ffff), 0x100010001n);
  assert.equal(blockWork(0x01003456), 0n);
  assert.equal(blockWork(0x207fffff), 2n);
});

// Retarget cases from mainnet history (heights and timestamps of real blocks).
test('retarget: mainnet block 32256', () => {
  const first = hdr(30240, 1261130161, 0x1d00ffff);
  const last = hdr(32255, 1262152739, 0x1d00ffff);
  assert.equal(calculateNextWorkRequired(last, first, main), 0x1d00d86a);
});

test('retarget: never above powLimit (block 2016)', () => {
  const first = hdr(0, 1231006505, 0x1d00ffff);
  const last = hdr(2015, 1233061996, 0x1d00ffff);
  assert.equal(calculateNextWorkRequired(last, first, main), 0x1d00ffff);
});

test('retarget: timespan clamped to a quarter (block 68544)', () => {
  const first = hdr(66528, 1279008237, 0x1c05a3f4);
  const last = hdr(68543, 1279297671, 0x1c05a3f4);
  assert.equal(calculateNextWorkRequired(last, first, main), 0x1c0168fd);
});

test('retarget: timespan clamped to four times (block 48384)', () => {
  const first = hdr(46368, 1263163443, 0x1c387f6f);
  const last = hdr(48383, 1269211443, 0x1c387f6f);
  assert.equal(calculateNextWorkRequired(last, first, main), 0x1d00e1fd);
});

test('nextWorkRequired: between retargets mainnet keeps the parent bits', () => {
  const chain = [hdr(0, 1000, 0x1c05a3f4), hdr(1, 1600, 0x1c05a3f4)];
  const view = createArrayChainView(chain);
  assert.equal(nextWorkRequired(chain[1], 99_999_999, view, main), 0x1c05a3f4);
  assert.equal(nextWorkRequired(undefined, 0, view, main), 0x1d00ffff);
});

test('nextWorkRequired: testnet 20-minute rule and the walk back over min-difficulty blocks', () => {
  const t = networks.test;
  const real = 0x1c0fffff;
  const limit = 0x1d00ffff;
  // 2016 is a retarget boundary with real bits; 2017-2019 are min-difficulty blocks
  const chain: HeaderInfo[] = [];
  for (let h = 0; h <= 2019; h++) chain.push(hdr(h, 1_000_000 + h * 600, h >= 2017 ? limit : real));
  const view = createArrayChainView(chain);
  const tip = chain[2019]!;
  // more than 2×600 s after the parent: min difficulty allowed
  assert.equal(nextWorkRequired(tip, tip.time + 1201, view, t), limit);
  // exactly 1200 s is not "more than": walk back to the last real-difficulty block (2016)
  assert.equal(nextWorkRequired(tip, tip.time + 1200, view, t), real);
  // mainnet has no such rule
  assert.equal(nextWorkRequired(tip, tip.time + 5000, view, main), limit);
});

test('nextWorkRequired: BIP94 (testnet4) retargets from the first block of the period', () => {
  const t4 = networks.testnet4;
  const chain: HeaderInfo[] = [];
  for (let h = 0; h < 2016; h++) chain.push(hdr(h, 1_000_000 + h * 600, 0x1c0fffff));
  chain[2015] = hdr(2015, 1_000_000 + 2015 * 600, 0x1d00ffff); // a min-difficulty last block
  const view = createArrayChainView(chain);
  const last = chain[2015]!;
  const t4Bits = nextWorkRequired(last, last.time + 600, view, t4);
  const t3Bits = nextWorkRequired(last, last.time + 600, view, networks.test);
  // the period took 2015×600 s of the 2016×600 s target
  const scale = (bits: number) => (compactToTarget(bits).target * 1_209_000n) / 1_209_600n;
  // testnet3 scales the min-difficulty bits of the last block, testnet4 the first block's
  assert.equal(t3Bits, targetToCompact(scale(0x1d00ffff)));
  assert.equal(t4Bits, targetToCompact(scale(0x1c0fffff)));
});

test('nextWorkRequired: regtest never retargets', () => {
  const r = networks.regtest;
  const first = hdr(0, 0, 0x207fffff);
  const last = hdr(2015, 1, 0x207fffff);
  assert.equal(calculateNextWorkRequired(last, first, r), 0x207fffff);
});
