import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Devnet, decryptKeys } from '@keel/chain-node';
import { voteSigningMessage } from '@keel/consensus';
import { ecvrfELL2, loadBlsBackend } from '@keel/crypto';
import { encodeEvidenceTx, encodeTx, signTx } from '@keel/ledger';
import { tempDir } from '@keel/test-utils';
import { bytesToHex, hexToBytes } from '@keel/util';

const KEEL_BIN = new URL('../../../cli/bin/keel.js', import.meta.url).pathname;
const L = 8;

/**
 * Issue 14 item 1 on real processes: a devnet whose genesis has 8-block epochs (unbonding 1,
 * jail 1). A fifth node (keys, no genesis stake) stakes and signs QCs from the epoch its set
 * starts; validator 3 unstakes and is gone from later QCs; validator 2's equivocation (two
 * votes of one view signed here with its real key) is slashed and it is jailed.
 */
describe('staking epochs on a devnet', { timeout: 240_000 }, () => {
  const dir = tempDir('keel-epochs-e2e-');
  let devnet: Devnet | undefined;
  after(async () => {
    await devnet?.stop();
    dir.cleanup();
  });

  it('join, leave and slash take effect at epoch boundaries', async () => {
    const bls = await loadBlsBackend('blst');
    const d = new Devnet({
      dir: dir.path,
      validators: 5,
      chainId: 'keel-epochs',
      command: [process.execPath, KEEL_BIN, 'chain', 'run'],
      blockTimeMs: 100,
      baseTimeoutMs: 800,
      syncIntervalMs: 2000,
      seed: new Uint8Array(randomBytes(32)),
      bls,
      accounts: 2,
      adminToken: 'e2e',
    });
    devnet = d;
    await d.setup();
    // validator 4 is not in the genesis set; epochs on
    const gPath = d.init.genesisPath;
    const g = JSON.parse(readFileSync(gPath, 'utf8'));
    g.validators = g.validators.slice(0, 4);
    g.epochs = { epochLength: L, unbondingEpochs: 1, jailEpochs: 1, slashFractionBps: 500 };
    writeFileSync(gPath, JSON.stringify(g));
    const genesisHash = await (async () => {
      d.startAll();
      await d.waitReady(90_000);
      const s = await d.nodes[0]!.client.call('consensus_getStatus', {});
      return hexToBytes((s as { genesisHash: string }).genesisHash);
    })();
    const pass = readFileSync(join(dir.path, 'passphrase'), 'utf8');
    const keys = d.init.validators.map((v) => decryptKeys(readFileSync(v.keysPath, 'utf8'), pass));
    const rpc = d.nodes[0]!.client;
    const send = async (raw: Uint8Array) =>
      ((await rpc.call('chain_sendTransaction', { raw: bytesToHex(raw) })) as { hash: string })
        .hash;
    const receipt = async (hash: string) => {
      for (let i = 0; i < 300; i++) {
        const r = (await rpc.call('chain_getTransactionReceipt', { hash })) as {
          status: string;
          height: number;
        } | null;
        if (r) return r;
        await new Promise((res) => setTimeout(res, 200));
      }
      throw new Error(`no receipt for ${hash}`);
    };
    const acct = d.init.accounts[0]!;
    const from = hexToBytes(acct.address);
    const sk = hexToBytes(acct.secretKey);
    const tx = (nonce: bigint, body: object, key = sk, sender = from) =>
      encodeTx(
        signTx(
          {
            chainId: 'keel-epochs',
            from: sender,
            nonce,
            gasLimit: 200_000,
            gasPrice: 1n,
            ...body,
          } as never,
          key,
        ),
      );
    // 1. validator 4 stakes from account 0; validator 3's staking account (its VRF key) is funded, then unstakes
    const k4 = keys[4]!;
    const stakeHash = await send(
      tx(0n, {
        kind: 'stake',
        amount: 1000n,
        blsPublicKey: bls.secretKeyToPublicKey(k4.blsSecretKey),
        blsPop: bls.popProve(k4.blsSecretKey),
        vrfPublicKey: ecvrfELL2.getPublicKey(k4.vrfSecretKey),
      }),
    );
    const v3 = ecvrfELL2.getPublicKey(keys[3]!.vrfSecretKey);
    await send(tx(1n, { kind: 'transfer', to: v3, amount: 1_000_000n }));
    const stake = await receipt(stakeHash);
    assert.equal(stake.status, 'ok');
    const fund = await receipt(await send(tx(2n, { kind: 'transfer', to: v3, amount: 1n })));
    assert.equal(fund.status, 'ok');
    const leave = await receipt(
      await send(tx(0n, { kind: 'unstake', amount: 1000n }, keys[3]!.vrfSecretKey, v3)),
    );
    assert.equal(leave.status, 'ok');
    // 2. an equivocation by validator 2, in the current epoch, signed with its real key
    const status = (await rpc.call('consensus_getStatus', {})) as { committedHeight: number };
    const epoch = Math.floor(status.committedHeight / L);
    const chain = { chainId: 'keel-epochs', genesisHash };
    const view = 3;
    const [h1, h2] = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
    const sign = (h: Uint8Array) =>
      bls.sign(keys[2]!.blsSecretKey, voteSigningMessage(chain, view, h));
    const ev = { kind: 'vote' as const, validator: 2, epoch, view };
    const forged = encodeEvidenceTx({
      ...ev,
      first: { blockHash: h1, signature: sign(h1) },
      second: { blockHash: h2, signature: sign(h1) },
    });
    await assert.rejects(
      rpc.call('chain_sendTransaction', { raw: bytesToHex(forged) }),
      /signature/,
    );
    const slash = await receipt(
      await send(
        encodeEvidenceTx({
          ...ev,
          first: { blockHash: h1, signature: sign(h1) },
          second: { blockHash: h2, signature: sign(h2) },
        }),
      ),
    );
    assert.equal(slash.status, 'ok');
    // 3. the sets: join/leave fixed at the first boundary at or after their block; jail from c+2
    const setEpoch = (h: number) => Math.ceil(h / L) + 1;
    const joinEpoch = setEpoch(stake.height);
    const leaveEpoch = setEpoch(leave.height);
    const c = Math.floor((slash.height - 1) / L);
    const last = Math.max(joinEpoch, leaveEpoch, c + 3);
    await d.waitForHeight((last + 1) * L + 2, 120_000);
    const signersOfEpoch = async (e: number) => {
      const seen = new Set<number>();
      // block h+1 carries the QC of block h, signed by epoch(h)'s set
      for (let h = e * L + 1; h <= (e + 1) * L; h++) {
        const b = (await rpc.call('chain_getBlockByHeight', { height: h + 1 })) as {
          qc: { signers: string };
        };
        const bits = hexToBytes(b.qc.signers);
        for (let i = 0; i < bits.length * 8; i++) if ((bits[i >> 3]! >> (i & 7)) & 1) seen.add(i);
      }
      return seen;
    };
    const joined = await signersOfEpoch(last);
    assert.ok(joined.has(4), `validator 4 signs QCs in epoch ${last}: ${[...joined]}`);
    assert.ok(!joined.has(3), 'validator 3 left');
    const before = await signersOfEpoch(0);
    assert.ok(!before.has(4), 'validator 4 did not sign before its epoch');
    const jailed = await signersOfEpoch(c + 2);
    assert.ok(!jailed.has(2), `validator 2 is jailed in epoch ${c + 2}: ${[...jailed]}`);
    // every node agrees on the chain (the joiner too)
    const hashes = await Promise.all(
      d.nodes.map(async (n) => {
        const b = (await n.client.call('chain_getBlockByHeight', { height: last * L })) as {
          hash: string;
        } | null;
        return b?.hash;
      }),
    );
    assert.equal(new Set(hashes).size, 1, `hashes ${hashes}`);
    // a validator restarted past epoch 1 resumes from the epoch sets in its stored ledger state
    const at = ((await rpc.call('consensus_getStatus', {})) as { committedHeight: number })
      .committedHeight;
    await d.kill(1);
    d.startNode(1);
    await d.waitForHeight(at + 2 * L, 60_000);
    const s1 = (await d.nodes[1]!.client.call('consensus_getStatus', {})) as {
      halted: string | null;
      committedHeight: number;
    };
    assert.equal(s1.halted, null);
    assert.ok(s1.committedHeight >= at + 2 * L);
  });
});
