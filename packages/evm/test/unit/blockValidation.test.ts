import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { vectorsDirOrSkip } from '@keel/test-utils';
import { hexToBytes } from '@keel/util';
import type { ChainConfig } from '../../src/block/chainConfig.ts';
import { type BlockHeader, headerFromRLP } from '../../src/block/header.ts';
import { validateHeader } from '../../src/block/validateHeader.ts';
import { EvmError, EvmErrorCode } from '../../src/errors.ts';
import { decodeRLP, type RLPValue } from '../../src/rlp/index.ts';

const FILE =
  'ethereum-tests/BlockchainTests/GeneralStateTests/Pyspecs/cancun/eip5656_mcopy/valid_mcopy_operations.json';
const CANCUN: ChainConfig = { chainId: 1n, shanghaiTime: 0n, cancunTime: 0n };

function firstPair(dir: string): [BlockHeader, BlockHeader] {
  const tests = JSON.parse(readFileSync(join(dir, FILE), 'utf8')) as Record<
    string,
    { genesisRLP: string; blocks: { rlp: string }[] }
  >;
  const t = Object.values(tests)[0]!;
  const header = (rlp: string) => headerFromRLP((decodeRLP(hexToBytes(rlp)) as RLPValue[])[0]!);
  return [header(t.genesisRLP), header(t.blocks[0]!.rlp)];
}

function rejects(h: BlockHeader, parent: BlockHeader, config: ChainConfig, pattern: RegExp) {
  assert.throws(
    () => validateHeader(h, parent, config),
    (e: unknown) =>
      e instanceof EvmError && e.code === EvmErrorCode.BLOCK_INVALID && pattern.test(e.message),
  );
}

test('header validation: a real Cancun child passes; each rule catches its mutation', (t) => {
  const dir = vectorsDirOrSkip();
  if (!dir) {
    t.skip('vectors folder absent');
    return;
  }
  const [parent, child] = firstPair(dir);
  validateHeader(child, parent, CANCUN);
  const m = (patch: Partial<BlockHeader>) => ({ ...child, ...patch });
  rejects(m({ parentHash: new Uint8Array(32) }), parent, CANCUN, /parentHash/);
  rejects(m({ number: child.number + 1n }), parent, CANCUN, /number/);
  rejects(m({ gasUsed: child.gasLimit + 1n }), parent, CANCUN, /gasUsed/);
  rejects(m({ gasLimit: parent.gasLimit + parent.gasLimit / 1024n }), parent, CANCUN, /gasLimit/);
  rejects(m({ baseFeePerGas: child.baseFeePerGas! + 1n }), parent, CANCUN, /baseFeePerGas/);
  rejects(m({ timestamp: parent.timestamp }), parent, CANCUN, /timestamp/);
  rejects(m({ extraData: new Uint8Array(33) }), parent, CANCUN, /extraData/);
  rejects(m({ difficulty: 1n }), parent, CANCUN, /difficulty/);
  rejects(m({ nonce: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1) }), parent, CANCUN, /nonce/);
  rejects(m({ ommersHash: new Uint8Array(32) }), parent, CANCUN, /ommersHash/);
  rejects(m({ excessBlobGas: 131072n }), parent, CANCUN, /excessBlobGas/);
  rejects(m({ blobGasUsed: 1n }), parent, CANCUN, /multiple/);
  rejects(m({ blobGasUsed: 917504n }), parent, CANCUN, /exceeds/);
  rejects(m({ parentBeaconBlockRoot: undefined }), parent, CANCUN, /Cancun/);
  rejects(m({ withdrawalsRoot: undefined }), parent, CANCUN, /withdrawalsRoot/);
  // The same header under Shanghai rules carries fields Shanghai does not have.
  const shanghai: ChainConfig = { chainId: 1n, shanghaiTime: 0n, cancunTime: undefined };
  rejects(child, parent, shanghai, /before Cancun/);
});
