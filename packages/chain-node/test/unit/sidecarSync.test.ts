import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  BlobStore,
  type BlockBlobTx,
  blockBlobTxs,
  checkSidecars,
  decodeSidecarResponse,
  encodeSidecarRequest,
  encodeSidecarResponse,
  MAX_SIDECAR_RESPONSE_BYTES,
  type SidecarResponse,
  SidecarSync,
  SidecarSyncError,
} from '@keel/chain-node';
import { type KzgBackend, loadKzgBackend } from '@keel/crypto/kzg';
import { tempDir } from '@keel/test-utils';
import { bytesToHex } from '@keel/util';
import { bytesToHex as hex, keccak256 } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

const BLOB = 131_072;

/** Canonical field elements (top byte zero) from sha256, different per seed. */
function blob(seed: number): Uint8Array {
  const b = new Uint8Array(BLOB);
  for (let i = 0; i < 4096; i++) {
    b.set(createHash('sha256').update(`${seed}:${i}`).digest().subarray(0, 31), i * 32 + 1);
  }
  return b;
}

/** kzg_to_versioned_hash with node:crypto (not the code under test). */
function vhash(commitment: Uint8Array): Uint8Array {
  const h = new Uint8Array(createHash('sha256').update(commitment).digest());
  h[0] = 1;
  return h;
}

interface Fixture {
  readonly wanted: BlockBlobTx[];
  readonly ok: Extract<SidecarResponse, { status: 'ok' }>;
}

function mutate(
  f: Fixture,
  edit: (
    s: { txHash: string; commitments: Uint8Array[]; proofs: Uint8Array[]; blobs: Uint8Array[] }[],
  ) => void,
): Extract<SidecarResponse, { status: 'ok' }> {
  const sidecars = f.ok.sidecars.map((s) => ({
    txHash: s.txHash,
    commitments: [...s.commitments],
    proofs: [...s.proofs],
    blobs: [...s.blobs],
  }));
  edit(sidecars);
  return { ...f.ok, sidecars };
}

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SidecarSyncError, `not a SidecarSyncError: ${e}`);
    return e.reason;
  }
  assert.fail('no error');
}

describe('sidecar sync: wire form, checks against the block, fetching from peers', () => {
  let kzg: KzgBackend;
  let f: Fixture;
  const HEIGHT = 7;

  before(async () => {
    kzg = await loadKzgBackend('auto');
    // block 7 carries two blob txs: one with 1 blob, one with 2
    const txs = [[blob(1)], [blob(2), blob(3)]];
    const wanted: BlockBlobTx[] = [];
    const sidecars = txs.map((blobs, t) => {
      const commitments = blobs.map((b) => kzg.blobToKzgCommitment(b));
      const proofs = blobs.map((b, i) => kzg.computeBlobKzgProof(b, commitments[i]!));
      const txHash = createHash('sha256').update(`tx${t}`).digest('hex');
      wanted.push({ txHash, versionedHashes: commitments.map(vhash) });
      return { txHash, commitments, proofs, blobs };
    });
    f = { wanted, ok: { status: 'ok', height: HEIGHT, sidecars } };
  });

  it('request and response wire forms (bytes written out by hand)', () => {
    assert.equal(bytesToHex(encodeSidecarRequest(0x0102)), '030201000000000000');
    assert.equal(
      bytesToHex(encodeSidecarResponse({ status: 'pruned', height: 5 })),
      '03050000000000000001',
    );
    assert.deepEqual(decodeSidecarResponse(Uint8Array.from([3, 9, 0, 0, 0, 0, 0, 0, 0, 2])), {
      status: 'unavailable',
      height: 9,
    });
    const bytes = encodeSidecarResponse(f.ok);
    // header 3 ‖ u64 7 ‖ status 0 ‖ 2 txs ‖ first tx hash ‖ its 1 blob
    assert.equal(bytesToHex(bytes.subarray(0, 11)), '0307000000000000000002');
    assert.equal(bytesToHex(bytes.subarray(11, 43)), f.wanted[0]!.txHash);
    assert.equal(bytes[43], 1);
    assert.equal(bytes.length, 11 + 2 * 33 + 3 * (96 + BLOB));
    const back = decodeSidecarResponse(bytes);
    assert.deepEqual(back, f.ok);
    // a full block (6 blobs) fits the bound, one byte more does not
    assert.ok(MAX_SIDECAR_RESPONSE_BYTES >= 11 + 6 * 33 + 6 * (96 + BLOB));
  });

  it('refuses malformed and oversized responses with typed errors', () => {
    const bytes = encodeSidecarResponse(f.ok);
    const over = new Uint8Array(MAX_SIDECAR_RESPONSE_BYTES + 1);
    assert.equal(
      reasonOf(() => decodeSidecarResponse(over)),
      'oversize',
    );
    const cases: [string, Uint8Array][] = [
      ['truncated in a tx', bytes.subarray(0, 200)],
      ['truncated blob', bytes.subarray(0, bytes.length - 1)],
      [
        'extra byte',
        Uint8Array.from([...encodeSidecarResponse({ status: 'pruned', height: 1 }), 0]),
      ],
      ['unknown status', Uint8Array.from([3, 1, 0, 0, 0, 0, 0, 0, 0, 9])],
      ['not a sidecar response', Uint8Array.from([2, 1, 0, 0, 0, 0, 0, 0, 0, 1])],
      ['7 transactions', Uint8Array.from([3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 7])],
      [
        'a tx of 0 blobs',
        Uint8Array.from([3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, ...new Uint8Array(32), 0]),
      ],
      [
        'a tx of 7 blobs',
        Uint8Array.from([3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, ...new Uint8Array(32), 7]),
      ],
    ];
    for (const [what, b] of cases) {
      assert.equal(
        reasonOf(() => decodeSidecarResponse(b)),
        'malformed',
        what,
      );
    }
  });

  it('accepts sidecars matching the block, with the versioned hashes of its txs', () => {
    const got = checkSidecars(kzg, HEIGHT, f.wanted, f.ok);
    assert.equal(got.length, 2);
    assert.equal(got[1]!.txHash, f.wanted[1]!.txHash);
    assert.deepEqual(got[1]!.versionedHashes, f.wanted[1]!.versionedHashes);
    assert.deepEqual(got[1]!.blobs, [blob(2), blob(3)]);
  });

  it('refuses wrong height, count, tx, blob count, versioned hash and proof', () => {
    const c = (res: Extract<SidecarResponse, { status: 'ok' }>, w = f.wanted, h = HEIGHT) =>
      reasonOf(() => checkSidecars(kzg, h, w, res));
    assert.equal(c(f.ok, f.wanted, HEIGHT + 1), 'height');
    assert.equal(c(mutate(f, (s) => s.pop())), 'count');
    assert.equal(c(f.ok, f.wanted.slice(0, 1)), 'count');
    assert.equal(c(mutate(f, (s) => s.reverse())), 'tx');
    assert.equal(
      c(
        mutate(f, (s) => {
          s[1]!.blobs.pop();
          s[1]!.commitments.pop();
          s[1]!.proofs.pop();
        }),
      ),
      'blobs',
    );
    // blob and commitment swapped together: each proof still fits its pair, the hashes don't
    assert.equal(
      c(
        mutate(f, (s) => {
          s[1]!.blobs.reverse();
          s[1]!.commitments.reverse();
          s[1]!.proofs.reverse();
        }),
      ),
      'versioned hash',
    );
    // proofs swapped: hashes fine, KZG fails
    assert.equal(c(mutate(f, (s) => s[1]!.proofs.reverse())), 'proof');
    // a blob changed after the proof was made
    assert.equal(
      c(
        mutate(f, (s) => {
          s[0]!.blobs[0] = blob(99);
        }),
      ),
      'proof',
    );
    // a proof that is no curve point
    assert.equal(
      c(
        mutate(f, (s) => {
          s[0]!.proofs[0] = new Uint8Array(48).fill(0xff);
        }),
      ),
      'proof',
    );
  });

  it('finds a block’s blob txs and their versioned hashes (a viem-signed type-3 tx)', async () => {
    const account = privateKeyToAccount(`0x${'11'.repeat(32)}`);
    const hashes = f.wanted[1]!.versionedHashes.map((h) => hex(h));
    const raw = await account.signTransaction({
      chainId: 1337,
      type: 'eip4844',
      nonce: 0,
      to: account.address,
      gas: 21_000n,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 1n,
      maxFeePerBlobGas: 10n ** 6n,
      blobVersionedHashes: hashes,
    });
    const canonical = Buffer.from(raw.slice(2), 'hex');
    const wrapped = new Uint8Array([0x45, ...canonical]);
    const legacy = new Uint8Array([0x45, 0xf8, 0x00]); // not type 3: skipped, not decoded
    const found = blockBlobTxs([legacy, wrapped]);
    assert.equal(found.length, 1);
    assert.equal(`0x${found[0]!.txHash}`, keccak256(raw));
    assert.deepEqual(
      found[0]!.versionedHashes.map((h) => hex(h)),
      hashes,
    );
  });

  describe('SidecarSync over peers', () => {
    const dir = tempDir('keel-sidecar-sync-');
    let store: BlobStore;
    before(() => {
      store = new BlobStore(dir.path, 8);
    });
    after(async () => {
      await store.close();
      dir.cleanup();
    });

    it('skips pruned and lying peers, penalizes the liar, stores what a good peer sends', async () => {
      const ok = encodeSidecarResponse(f.ok);
      const lie = encodeSidecarResponse(mutate(f, (s) => s[1]!.proofs.reverse()));
      const answers: Record<string, () => Uint8Array> = {
        down: () => {
          throw new Error('stream reset');
        },
        pruner: () => encodeSidecarResponse({ status: 'pruned', height: HEIGHT }),
        liar: () => lie,
        good: () => ok,
      };
      const asked: string[] = [];
      const penalized: string[] = [];
      let tip = 10;
      const sync = new SidecarSync(
        {
          peers: () => Object.keys(answers),
          request: async (peer, req) => {
            assert.deepEqual(req, encodeSidecarRequest(HEIGHT));
            asked.push(peer);
            return answers[peer]!();
          },
          kzg: async () => kzg,
          penalize: (peer, e) => penalized.push(`${peer}:${e.reason}`),
          store: (h, s) => store.put(h, s),
          have: (t) => store.heightOf(t) !== null,
          tip: () => tip,
          retentionBlocks: 8,
        },
        { firstDelayMs: 100 },
      );
      sync.want(HEIGHT, f.wanted, 1000);
      await sync.runOnce(1050); // not due yet
      assert.deepEqual(asked, []);
      await sync.runOnce(1100);
      assert.deepEqual(asked, ['down', 'pruner', 'liar', 'good']);
      assert.deepEqual(penalized, ['liar:proof']);
      assert.equal(sync.fetched, 2);
      assert.equal(sync.badResponses, 1);
      assert.equal(sync.pending, 0);
      const stored = store.byBlock(HEIGHT);
      assert.equal(stored.length, 2);
      assert.deepEqual(stored.find((s) => s.txHash === f.wanted[1]!.txHash)!.blobs, [
        blob(2),
        blob(3),
      ]);
      // a block already past the window (tip 20, retention 8): recorded pruned, never asked for
      tip = 20;
      asked.length = 0;
      sync.want(3, [{ txHash: 'ab'.repeat(32), versionedHashes: [new Uint8Array(32)] }], 2000);
      await sync.runOnce(5000);
      assert.deepEqual(asked, []);
      assert.equal(sync.pruned, 1);
      assert.equal(sync.pending, 0);
    });

    it('retries with a growing delay while no peer has them, then drops them past the window', async () => {
      let tip = 10;
      let asks = 0;
      const sync = new SidecarSync(
        {
          peers: () => ['p'],
          request: async () => {
            asks++;
            return encodeSidecarResponse({ status: 'unavailable', height: 9 });
          },
          kzg: async () => kzg,
          penalize: () => assert.fail('an unavailable answer is no offence'),
          store: async () => assert.fail('nothing to store'),
          have: () => false,
          tip: () => tip,
          retentionBlocks: 8,
        },
        { firstDelayMs: 0, retryDelayMs: 1000 },
      );
      sync.want(9, f.wanted, 0);
      await sync.runOnce(0);
      assert.equal(asks, 1);
      assert.equal(sync.pending, 1);
      await sync.runOnce(Date.now() + 10); // before the retry delay
      assert.equal(asks, 1);
      await sync.runOnce(Date.now() + 1500);
      assert.equal(asks, 2);
      tip = 18; // block 9 < 18 - 8: out of the window
      await sync.runOnce(Date.now() + 60_000);
      assert.equal(asks, 2);
      assert.equal(sync.pending, 0);
      assert.equal(sync.pruned, 2);
    });
  });
});
