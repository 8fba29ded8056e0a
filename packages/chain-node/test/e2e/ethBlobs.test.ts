import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Devnet } from '@keel/chain-node';
import { type KzgBackend, loadKzgBackend } from '@keel/crypto/kzg';
import { createPublicClient, type Hex, hexToBytes, http, type PublicClient, toHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { rpc as rawRpc, TestDevnet } from '../support/devnet.ts';

const BLOB_BYTES = 131_072;
/** Blocks the nodes keep sidecars for (`--blob-retention-blocks`): tiny, to see pruning. */
const RETENTION = 8;
/** The other nodes keep them longer: a node started late still finds them on a peer. */
const LONG_RETENTION = 10_000;
/** Node 3 starts only after the blob transactions are included (sidecar sync). */
const LATE = 3;

const rpc = (url: string, method: string, params: unknown[]) =>
  rawRpc<{ reason?: string }>(url, method, params);

/** A blob of pseudo-random field elements (top byte of each 32-byte element zero: canonical). */
function randomBlob(): Uint8Array {
  const b = new Uint8Array(randomBytes(BLOB_BYTES));
  for (let i = 0; i < BLOB_BYTES; i += 32) b[i] = 0;
  return b;
}

/** EIP-4844 kzg_to_versioned_hash, computed here with node:crypto (not the node's code). */
function versionedHash(commitment: Hex): Hex {
  const h = createHash('sha256').update(hexToBytes(commitment)).digest();
  h[0] = 1;
  return toHex(h);
}

interface SidecarJson {
  transactionHash: Hex;
  index: Hex;
  versionedHash: Hex;
  kzgCommitment: Hex;
  kzgProof: Hex;
  blob: Hex;
}

/**
 * Blob transactions round-trip on a devnet of `keel chain run` processes: viem signs type-3
 * transactions with KZG sidecars (keel's KZG), they are admitted over eth_sendRawTransaction
 * (one of them the 6-blob maximum, ~790 KB in network form), included, their sidecars served
 * by `blobSidecars` with commitments matching the transactions' versioned hashes and proofs
 * that verify; a fourth validator started only afterwards syncs the blocks and gets the
 * sidecars from its peers (sidecar sync); node 0 prunes them once its retention window (8
 * blocks) has passed.
 */
describe(
  'blob transactions on a devnet: submit, include, fetch sidecars, prune',
  {
    timeout: 200_000,
  },
  () => {
    let net: TestDevnet;
    let devnet: Devnet;
    let url: string;
    let kzg: KzgBackend;
    let pub: PublicClient;

    before(async () => {
      kzg = await loadKzgBackend('auto');
      net = await TestDevnet.start({
        name: 'eth-blobs',
        argsOf: (i) => ['--blob-retention-blocks', String(i === 0 ? RETENTION : LONG_RETENTION)],
        start: [0, 1, 2],
        readyTimeoutMs: 60_000,
        heightTimeoutMs: 30_000,
      });
      devnet = net.devnet;
      url = net.url(0);
      pub = createPublicClient({ chain: net.chain(0), transport: http(url), pollingInterval: 200 });
    });

    after(async () => {
      await net?.stop();
    });

    async function signBlobTx(keyIndex: number, blobs: Uint8Array[]): Promise<Hex> {
      const account = privateKeyToAccount(devnet.init.ethAccounts[keyIndex]!.privateKey as Hex);
      return account.signTransaction({
        chainId: devnet.init.genesis.evmChainId!,
        type: 'eip4844',
        nonce: await pub.getTransactionCount({ address: account.address, blockTag: 'pending' }),
        to: account.address,
        gas: 21_000n,
        maxFeePerGas: 10n ** 10n,
        maxPriorityFeePerGas: 1n,
        maxFeePerBlobGas: 10n ** 6n,
        blobs: blobs.map((b) => toHex(b)),
        kzg: {
          blobToKzgCommitment: (b) => kzg.blobToKzgCommitment(b),
          computeBlobKzgProof: (b, c) => kzg.computeBlobKzgProof(b, c),
        },
      });
    }

    /** Fetches the block's sidecars and checks them against the included transaction. */
    async function checkSidecars(hash: Hex, blockNumber: bigint, blobs: Uint8Array[], from = url) {
      const tx = await pub.getTransaction({ hash });
      assert.equal(tx.type, 'eip4844');
      const wanted = tx.blobVersionedHashes!;
      assert.equal(wanted.length, blobs.length);
      const r = await rpc(from, 'blobSidecars', [toHex(blockNumber)]);
      assert.equal(r.error, undefined, r.error?.message);
      const side = (r.result as SidecarJson[]).filter((s) => s.transactionHash === hash);
      assert.equal(side.length, blobs.length);
      side.forEach((s, i) => {
        assert.equal(s.index, toHex(i));
        assert.equal(s.blob, toHex(blobs[i]!), `blob ${i} differs from the one sent`);
        assert.equal(versionedHash(s.kzgCommitment), wanted[i], `commitment ${i} vs tx hash`);
        assert.equal(s.versionedHash, wanted[i]);
        assert.ok(
          kzg.verifyBlobKzgProof(
            hexToBytes(s.blob),
            hexToBytes(s.kzgCommitment),
            hexToBytes(s.kzgProof),
          ),
          `proof ${i} does not verify`,
        );
      });
    }

    const included: { hash: Hex; block: bigint; blobs: Uint8Array[] }[] = [];

    it('a 1-blob transaction: admitted, included, its sidecar served and KZG-consistent', async () => {
      const blobs = [randomBlob()];
      const raw = await signBlobTx(0, blobs);
      const hash = (await rpc(url, 'eth_sendRawTransaction', [raw])).result as Hex;
      assert.match(hash, /^0x[0-9a-f]{64}$/);
      const rc = await pub.waitForTransactionReceipt({ hash, timeout: 30_000 });
      assert.equal(rc.status, 'success');
      assert.equal(rc.blobGasUsed, 131_072n);
      await checkSidecars(hash, rc.blockNumber, blobs);
      included.push({ hash, block: rc.blockNumber, blobs });
    });

    it('a 6-blob transaction (~790 KB network form) over eth_sendRawTransaction', async () => {
      const blobs = Array.from({ length: 6 }, randomBlob);
      const raw = await signBlobTx(1, blobs);
      const bytes = (raw.length - 2) / 2;
      assert.ok(bytes > 786_432 && bytes < 800_000, `network form of ${bytes} bytes`);
      const sent = await rpc(url, 'eth_sendRawTransaction', [raw]);
      assert.equal(sent.error, undefined, sent.error?.message);
      const hash = sent.result as Hex;
      const rc = await pub.waitForTransactionReceipt({ hash, timeout: 30_000 });
      assert.equal(rc.status, 'success');
      assert.equal(rc.blobGasUsed, 6n * 131_072n);
      await checkSidecars(hash, rc.blockNumber, blobs);
      // another node got the 6 blobs by gossip, checked and stored them
      let other: SidecarJson[] = [];
      for (let i = 0; i < 50 && other.length < 6; i++) {
        const r = await rpc(devnet.nodes[2]!.rpcUrl, 'blobSidecars', [rc.blockHash]);
        other = ((r.result ?? []) as SidecarJson[]).filter((s) => s.transactionHash === hash);
        if (other.length < 6) await new Promise((res) => setTimeout(res, 200));
      }
      assert.equal(other.length, 6);
      included.push({ hash, block: rc.blockNumber, blobs });
    });

    it('a node started late syncs the blocks and fetches their sidecars from peers (sidecar sync)', async () => {
      assert.equal(included.length, 2, 'the two blob transactions were not included');
      const late = net.url(LATE);
      await net.startNode(LATE);
      const last = Number(included[1]!.block);
      await devnet.waitForHeight(last + 1, 60_000, undefined, [LATE]);
      // it never saw the gossip: the sidecars come by sidecar sync, verified, then served
      for (const { hash, block, blobs } of included) {
        let r = await rpc(late, 'blobSidecars', [toHex(block)]);
        for (let i = 0; i < 80 && r.error?.data?.reason === 'unavailable'; i++) {
          await new Promise((res) => setTimeout(res, 250));
          r = await rpc(late, 'blobSidecars', [toHex(block)]);
        }
        assert.equal(r.error, undefined, r.error?.message);
        await checkSidecars(hash, block, blobs, late);
      }
      const text = await (await fetch(`${late}/metrics`)).text();
      assert.equal(Number(/^keel_blobsync_fetched (\d+)/m.exec(text)?.[1]), 2);
      assert.equal(Number(/^keel_blobsync_bad_responses (\d+)/m.exec(text)?.[1]), 0);
    });

    it('prunes the sidecars once the retention window has passed (a typed "pruned" answer)', async () => {
      assert.equal(included.length, 2, 'the two blob transactions were not included');
      const last = included[included.length - 1]!.block;
      await devnet.waitForHeight(Number(last) + RETENTION + 2, 30_000, undefined, [0]);
      for (const { block } of included) {
        const r = await rpc(url, 'blobSidecars', [toHex(block)]);
        assert.equal(r.error?.code, -32000);
        assert.match(r.error!.message, /pruned \(retention 8 blocks\)/);
        assert.equal(r.error!.data?.reason, 'pruned');
      }
      // and the store itself dropped them (not only the RPC's window arithmetic)
      let pruned = 0;
      for (let i = 0; i < 20 && pruned < 2; i++) {
        const text = await (await fetch(`${url}/metrics`)).text();
        pruned = Number(/^keel_blobstore_pruned (\d+)/m.exec(text)?.[1] ?? 0);
        if (pruned < 2) await new Promise((res) => setTimeout(res, 250));
      }
      assert.equal(pruned, 2);
      // a block still inside the window answers normally (an empty list: no blobs there)
      const fresh = await rpc(url, 'blobSidecars', ['latest']);
      assert.deepEqual(fresh.result, []);
    });
  },
);
