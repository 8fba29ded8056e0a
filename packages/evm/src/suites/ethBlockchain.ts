import type { ConformanceSuite, CountContext, SuiteContext } from '@keel/conformance';
import { type KzgBackend, loadKzgBackend } from '@keel/crypto/kzg';
import { accelerateEcdsaRecover } from '@keel/crypto/secp256k1';
import { bytesToHex, hexToBytes, isKeelError } from '@keel/util';
import { decodeBlock } from '../block/block.ts';
import { Blockchain } from '../block/blockchain.ts';
import { chainConfigForTestNetwork } from '../block/chainConfig.ts';
import { decodeHeader } from '../block/header.ts';
import { decodeRLP, encodeRLP, type RLPValue } from '../rlp/index.ts';
import { createMemoryWorldState } from '../state/memoryState.ts';
import type { AccountInit, WorldState } from '../state/types.ts';

const DIR = 'ethereum-tests/BlockchainTests';

interface JsonAccount {
  nonce: string;
  balance: string;
  code: string;
  storage: Record<string, string>;
}
type JsonState = Record<string, JsonAccount>;

interface JsonBlock {
  rlp: string;
  expectException?: string;
  blockHeader?: { hash: string };
}

interface BlockchainTest {
  network: string;
  sealEngine?: string;
  genesisRLP: string;
  genesisBlockHeader: { hash: string; stateRoot: string };
  pre: JsonState;
  blocks: JsonBlock[];
  lastblockhash: string;
  postState?: JsonState;
  postStateHash?: string;
}

function testsIn(ctx: CountContext, file: string): [string, BlockchainTest][] {
  return Object.entries(ctx.readJson(file) as Record<string, BlockchainTest>);
}

function accountsOf(json: JsonState): [Uint8Array, AccountInit][] {
  return Object.entries(json).map(([address, a]) => [
    hexToBytes(address),
    {
      nonce: BigInt(a.nonce),
      balance: BigInt(a.balance),
      code: hexToBytes(a.code),
      storage: new Map(Object.entries(a.storage).map(([k, v]) => [BigInt(k), BigInt(v)])),
    },
  ]);
}

/** The `postState` account by account, then the whole state by its root (no extra accounts). */
function checkPostState(ctx: SuiteContext, state: WorldState, post: JsonState): void {
  for (const [address, want] of accountsOf(post)) {
    const at = `account 0x${bytesToHex(address)}`;
    ctx.expectTrue(state.exists(address), `${at} exists`);
    ctx.expectEqual(state.getNonce(address), want.nonce, `${at} nonce`);
    ctx.expectEqual(state.getBalance(address), want.balance, `${at} balance`);
    ctx.expectEqual(bytesToHex(state.getCode(address)), bytesToHex(want.code), `${at} code`);
    for (const [key, value] of want.storage ?? []) {
      ctx.expectEqual(state.getStorage(address, key), value, `${at} storage ${key}`);
    }
  }
  const expected = createMemoryWorldState(accountsOf(post)).stateRoot();
  ctx.expectEqual(bytesToHex(state.stateRoot()), bytesToHex(expected), 'post-state root');
}

/** Imports one `blocks[]` entry; an entry with `expectException` must be rejected. */
function importEntry(ctx: SuiteContext, chain: Blockchain, b: JsonBlock, i: number): void {
  const headBefore = bytesToHex(chain.headHash);
  let error: unknown;
  try {
    chain.importBlock(decodeBlock(hexToBytes(b.rlp)));
  } catch (e) {
    if (!isKeelError(e)) throw e;
    error = e;
  }
  if (b.expectException !== undefined) {
    ctx.expectTrue(error !== undefined, `block ${i} accepted, expected ${b.expectException}`);
    ctx.expectEqual(bytesToHex(chain.headHash), headBefore, `head after rejected block ${i}`);
    return;
  }
  ctx.expectTrue(
    error === undefined,
    `block ${i} rejected: ${(error as Error | undefined)?.message}`,
  );
  if (b.blockHeader)
    ctx.expectEqual(`0x${bytesToHex(chain.headHash)}`, b.blockHeader.hash, `block ${i} hash`);
}

function runTest(ctx: SuiteContext, t: BlockchainTest, kzg: KzgBackend): void {
  const config = chainConfigForTestNetwork(t.network)!;
  const genesisItems = decodeRLP(hexToBytes(t.genesisRLP)) as RLPValue[];
  const genesis = decodeHeader(encodeRLP(genesisItems[0]!));
  const chain = new Blockchain({
    config,
    genesis,
    genesisState: createMemoryWorldState(accountsOf(t.pre)),
    kzg,
  });
  ctx.expectEqual(`0x${bytesToHex(chain.headHash)}`, t.genesisBlockHeader.hash, 'genesis hash');
  ctx.expectEqual(
    `0x${bytesToHex(chain.state.stateRoot())}`,
    t.genesisBlockHeader.stateRoot,
    'genesis state root',
  );
  t.blocks.forEach((b, i) => {
    importEntry(ctx, chain, b, i);
  });
  ctx.expectEqual(`0x${bytesToHex(chain.headHash)}`, t.lastblockhash, 'lastblockhash');
  if (t.postState) checkPostState(ctx, chain.state, t.postState);
  else
    ctx.expectEqual(`0x${bytesToHex(chain.state.stateRoot())}`, t.postStateHash, 'postStateHash');
}

/** Case id: the file below BlockchainTests/ and the test's name after the filler path. */
function caseId(file: string, name: string): string {
  return `${file.slice(DIR.length + 1)}/${name.slice(name.lastIndexOf('::') + 2)}`;
}

export const ethBlockchainSuite: ConformanceSuite = {
  name: 'eth-blockchain',
  description:
    'Block import (header checks, EIP-4788, txs, receipts, EIP-4895 withdrawals, roots) over ethereum/tests BlockchainTests',
  files: [],
  filesIn: [DIR],
  expectedCases: (ctx) =>
    ctx.files.reduce((n, f) => n + Object.keys(ctx.readJson(f) as object).length, 0),
  async run(ctx) {
    // The point-evaluation precompile (0x0a) needs a KZG backend (c-kzg, else node-eth-kzg).
    const kzg = await loadKzgBackend('auto');
    // Sender recovery and ECRECOVER through libsecp256k1 where it loads (noble otherwise).
    await accelerateEcdsaRecover();
    for (const file of ctx.files) {
      for (const [name, t] of testsIn(ctx, file)) {
        const id = caseId(file, name);
        if (!Array.isArray(t.blocks) || typeof t.genesisRLP !== 'string') {
          ctx.skip(
            id,
            'not a blockchain_test fixture (no blocks[] or genesisRLP: e.g. the engine-API format)',
          );
          continue;
        }
        if (chainConfigForTestNetwork(t.network) === undefined) {
          ctx.skip(
            id,
            `network ${t.network} not supported (Shanghai, Cancun, ShanghaiToCancunAtTime15k only)`,
          );
          continue;
        }
        if (t.sealEngine !== undefined && t.sealEngine !== 'NoProof') {
          ctx.skip(id, `sealEngine ${t.sealEngine}: proof-of-work seals are not checked`);
          continue;
        }
        ctx.check(id, () => runTest(ctx, t, kzg));
      }
    }
  },
};
