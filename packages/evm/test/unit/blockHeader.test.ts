import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { vectorsDirOrSkip } from '@keel/test-utils';
import { bytesToHex, hexToBytes } from '@keel/util';
import { decodeBlock, encodeBlock } from '../../src/block/block.ts';
import {
  type BlockHeader,
  decodeHeader,
  encodeHeader,
  headerFromRLP,
  headerHash,
} from '../../src/block/header.ts';
import { EvmError } from '../../src/errors.ts';
import { decodeRLP, encodeRLP, type RLPValue } from '../../src/rlp/index.ts';

/** The filler's JSON header: hex strings named as in ethereum/tests. */
type JsonHeader = Record<string, string>;

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? jsonFiles(join(dir, e.name))
      : e.name.endsWith('.json')
        ? [join(dir, e.name)]
        : [],
  );
}

const hex = (b: Uint8Array) => `0x${bytesToHex(b)}`;
const num = (n: bigint | undefined) => (n === undefined ? undefined : BigInt(n));

/** The decoded header against the JSON fields the test filler wrote next to the RLP. */
function assertMatchesJson(h: BlockHeader, j: JsonHeader, where: string): void {
  const pairs: [unknown, unknown, string][] = [
    [hex(h.parentHash), j.parentHash, 'parentHash'],
    [hex(h.ommersHash), j.uncleHash, 'uncleHash'],
    [hex(h.coinbase), j.coinbase, 'coinbase'],
    [hex(h.stateRoot), j.stateRoot, 'stateRoot'],
    [hex(h.transactionsRoot), j.transactionsTrie, 'transactionsTrie'],
    [hex(h.receiptsRoot), j.receiptTrie, 'receiptTrie'],
    [hex(h.logsBloom), j.bloom, 'bloom'],
    [h.difficulty, BigInt(j.difficulty!), 'difficulty'],
    [h.number, BigInt(j.number!), 'number'],
    [h.gasLimit, BigInt(j.gasLimit!), 'gasLimit'],
    [h.gasUsed, BigInt(j.gasUsed!), 'gasUsed'],
    [h.timestamp, BigInt(j.timestamp!), 'timestamp'],
    [hex(h.extraData), j.extraData, 'extraData'],
    [hex(h.prevRandao), j.mixHash, 'mixHash'],
    [hex(h.nonce), j.nonce, 'nonce'],
    [num(h.baseFeePerGas), j.baseFeePerGas && BigInt(j.baseFeePerGas), 'baseFeePerGas'],
    [h.withdrawalsRoot && hex(h.withdrawalsRoot), j.withdrawalsRoot, 'withdrawalsRoot'],
    [num(h.blobGasUsed), j.blobGasUsed && BigInt(j.blobGasUsed), 'blobGasUsed'],
    [num(h.excessBlobGas), j.excessBlobGas && BigInt(j.excessBlobGas), 'excessBlobGas'],
    [
      h.parentBeaconBlockRoot && hex(h.parentBeaconBlockRoot),
      j.parentBeaconBlockRoot,
      'parentBeaconBlockRoot',
    ],
    [hex(headerHash(h)), j.hash, 'hash'],
  ];
  for (const [got, want, field] of pairs) assert.equal(got, want, `${where}: ${field}`);
}

test('every header and block in the blockchain tests decodes (headers to their JSON fields) and re-encodes byte for byte', (t) => {
  const dir = vectorsDirOrSkip();
  if (!dir) {
    t.skip('vectors folder absent');
    return;
  }
  let headers = 0;
  for (const file of jsonFiles(join(dir, 'ethereum-tests/BlockchainTests'))) {
    const tests = JSON.parse(readFileSync(file, 'utf8')) as Record<
      string,
      {
        genesisRLP: string;
        genesisBlockHeader: JsonHeader;
        blocks: { rlp: string; blockHeader?: JsonHeader }[];
      }
    >;
    for (const [name, c] of Object.entries(tests)) {
      const items: [RLPValue, JsonHeader | undefined, string][] = [
        [decodeRLP(hexToBytes(c.genesisRLP)), c.genesisBlockHeader, `${name} genesis`],
      ];
      c.blocks.forEach((b, i) => {
        const bytes = hexToBytes(b.rlp);
        items.push([decodeRLP(bytes), b.blockHeader, `${name} block ${i}`]);
        // The whole block (transactions, withdrawals) round-trips too.
        assert.equal(
          bytesToHex(encodeBlock(decodeBlock(bytes))),
          bytesToHex(bytes),
          `${name} block ${i}`,
        );
      });
      for (const [block, json, where] of items) {
        const rawHeader = (block as RLPValue[])[0]!;
        const h = headerFromRLP(rawHeader);
        assert.equal(bytesToHex(encodeHeader(h)), bytesToHex(encodeRLP(rawHeader)), where);
        // Blocks that must be rejected for their transactions carry no JSON header.
        if (json) assertMatchesJson(h, json, where);
        headers++;
      }
    }
  }
  assert.ok(headers >= 700, `only ${headers} headers found`);
});

test('header decoding rejects bad field counts, sizes and non-canonical integers', () => {
  const good = [
    ...Array.from({ length: 6 }, () => new Uint8Array(32)),
    new Uint8Array(256),
    new Uint8Array(0), // difficulty
    Uint8Array.of(1), // number
    Uint8Array.of(0x10, 0), // gasLimit
    new Uint8Array(0),
    Uint8Array.of(5),
    new Uint8Array(0),
    new Uint8Array(32),
    new Uint8Array(8),
    Uint8Array.of(7), // baseFeePerGas
  ];
  good[2] = new Uint8Array(20);
  const h = decodeHeader(encodeRLP(good));
  assert.equal(h.withdrawalsRoot, undefined);
  assert.equal(h.gasLimit, 4096n);
  assert.equal(bytesToHex(encodeHeader(h)), bytesToHex(encodeRLP(good)));
  const bad = (mutate: (f: Uint8Array[]) => void) => {
    const f = [...good];
    mutate(f);
    assert.throws(() => decodeHeader(encodeRLP(f)), EvmError);
  };
  bad((f) => f.pop()); // 15 fields: pre-London
  bad((f) => f.push(...Array.from({ length: 5 }, () => new Uint8Array(32)))); // 21 fields
  bad((f) => (f[2] = new Uint8Array(19))); // coinbase length
  bad((f) => (f[6] = new Uint8Array(255))); // bloom length
  bad((f) => (f[14] = new Uint8Array(7))); // nonce length
  bad((f) => (f[9] = Uint8Array.of(0, 1))); // leading zero
  bad((f) => (f[8] = new Uint8Array(9).fill(1))); // number over 64 bits
  assert.throws(() => headerFromRLP(new Uint8Array(3)), EvmError);
});
