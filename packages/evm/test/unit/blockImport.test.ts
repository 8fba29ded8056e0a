import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { vectorsDirOrSkip } from '@keel/test-utils';
import { bytesToHex, hexToBytes } from '@keel/util';
import { type Block, decodeBlock, encodeBlock } from '../../src/block/block.ts';
import { Blockchain } from '../../src/block/blockchain.ts';
import { chainConfigForTestNetwork } from '../../src/block/chainConfig.ts';
import { type BlockHeader, decodeHeader } from '../../src/block/header.ts';
import { EvmError, EvmErrorCode } from '../../src/errors.ts';
import { decodeRLP, encodeRLP, type RLPValue } from '../../src/rlp/index.ts';
import { createMemoryWorldState } from '../../src/state/memoryState.ts';

// Ten Cancun blocks, each with transactions (calls to the EIP-4788 contract) and withdrawals.
const FILE =
  'ethereum-tests/BlockchainTests/GeneralStateTests/Pyspecs/cancun/eip4788_beacon_root/multi_block_beacon_root_timestamp_calls.json';

interface Json {
  network: string;
  genesisRLP: string;
  pre: Record<
    string,
    { nonce: string; balance: string; code: string; storage: Record<string, string> }
  >;
  blocks: { rlp: string }[];
  lastblockhash: string;
}

function load(dir: string): { chain: Blockchain; blocks: Block[]; raw: string[]; t: Json } {
  const tests = JSON.parse(readFileSync(join(dir, FILE), 'utf8')) as Record<string, Json>;
  const t = Object.values(tests)[0]!;
  const genesis = decodeHeader(encodeRLP((decodeRLP(hexToBytes(t.genesisRLP)) as RLPValue[])[0]!));
  const accounts = Object.entries(t.pre).map(
    ([a, x]) =>
      [
        hexToBytes(a),
        {
          nonce: BigInt(x.nonce),
          balance: BigInt(x.balance),
          code: hexToBytes(x.code),
          storage: new Map(Object.entries(x.storage).map(([k, v]) => [BigInt(k), BigInt(v)])),
        },
      ] as const,
  );
  const chain = new Blockchain({
    config: chainConfigForTestNetwork(t.network)!,
    genesis,
    genesisState: createMemoryWorldState(accounts),
  });
  const raw = t.blocks.map((b) => b.rlp.slice(2));
  return { chain, blocks: raw.map((r) => decodeBlock(hexToBytes(r))), raw, t };
}

function rejected(chain: Blockchain, block: Block, pattern: RegExp): void {
  const head = bytesToHex(chain.headHash);
  const root = bytesToHex(chain.state.stateRoot());
  assert.throws(
    () => chain.importBlock(block),
    (e: unknown) =>
      e instanceof EvmError && e.code === EvmErrorCode.BLOCK_INVALID && pattern.test(e.message),
    `expected rejection matching ${pattern}`,
  );
  assert.equal(bytesToHex(chain.headHash), head, 'head moved after a rejected block');
  assert.equal(bytesToHex(chain.state.stateRoot()), root, 'state changed after a rejected block');
}

test('block import: blocks re-encode byte for byte; each tampering is rejected and leaves the chain as it was', (t) => {
  const dir = vectorsDirOrSkip();
  if (!dir) {
    t.skip('vectors folder absent');
    return;
  }
  const { chain, blocks, raw, t: json } = load(dir);
  blocks.forEach((b, i) => {
    assert.equal(bytesToHex(encodeBlock(b)), raw[i], `block ${i}`);
  });
  chain.importBlock(blocks[0]!);
  const b = blocks[1]!;
  assert.ok(b.transactions.length > 0 && (b.withdrawals?.length ?? 0) > 0);
  const h = (patch: Partial<BlockHeader>): Block => ({ ...b, header: { ...b.header, ...patch } });
  rejected(chain, h({ stateRoot: new Uint8Array(32) }), /stateRoot mismatch/);
  rejected(chain, h({ gasUsed: b.header.gasUsed + 1n }), /gasUsed/);
  rejected(chain, h({ receiptsRoot: new Uint8Array(32) }), /receiptsRoot mismatch/);
  rejected(chain, h({ transactionsRoot: new Uint8Array(32) }), /transactionsRoot mismatch/);
  rejected(chain, h({ logsBloom: new Uint8Array(256).fill(1) }), /logsBloom/);
  rejected(chain, h({ blobGasUsed: 131072n }), /blobGasUsed/);
  // A different beacon root is stored by the system call: another state.
  rejected(chain, h({ parentBeaconBlockRoot: new Uint8Array(32).fill(9) }), /stateRoot mismatch/);
  const w = b.withdrawals!;
  rejected(
    chain,
    { ...b, withdrawals: [{ ...w[0]!, amount: w[0]!.amount + 1n }, ...w.slice(1)] },
    /withdrawalsRoot mismatch/,
  );
  rejected(chain, { ...b, withdrawals: undefined }, /withdrawals/);
  rejected(chain, { ...b, ommers: [blocks[0]!.header] }, /ommers/);
  rejected(
    chain,
    {
      ...b,
      transactions: b.transactions.slice(1),
      encodedTransactions: b.encodedTransactions.slice(1),
    },
    /./,
  );
  // Replaying block 0's transactions again: nonces are used.
  rejected(
    chain,
    {
      ...b,
      transactions: blocks[0]!.transactions,
      encodedTransactions: blocks[0]!.encodedTransactions,
    },
    /NONCE/,
  );
  // Out of order: block 2 on block 0.
  rejected(chain, blocks[2]!, /parent/);
  // The genuine blocks still import onto the restored state, to the test's last block hash.
  for (const block of blocks.slice(1)) chain.importBlock(block);
  assert.equal(`0x${bytesToHex(chain.headHash)}`, json.lastblockhash);
});
