// BIP22 long polling in keel's getblocktemplate, driven by the npm `bitcoin-core` client (a
// client keel did not write): a stale longpollid answers at once, a current one waits until the
// tip changes or the next block's fees grow by LONGPOLL_FEE_DELTA, and a smaller fee gain does
// not wake it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  encodeTransaction,
  regtestAddressParams,
  scriptToAddress,
  type Transaction,
} from '@keel/bitcoin';
import { freePort, tempDir } from '@keel/test-utils';
import { bytesToHex, hexToBytes, SeededRng } from '@keel/util';
import Client from 'bitcoin-core';
import { BitcoinNode } from '../../src/node/node.ts';
import { RegtestKeys } from '../../src/regtest/wallet.ts';
import { LONGPOLL_CHECK_MS, LONGPOLL_FEE_DELTA } from '../../src/rpc/mining.ts';
import { backend } from '../fixtures/chains.ts';

const tmp = tempDir('keel-longpoll-');
let node: BitcoinNode;
let client: InstanceType<typeof Client>;
const keys = new RegtestKeys(backend, new SeededRng('longpoll'), 1);
const script = keys.scriptPubKey('p2wpkh', 0);
const address = scriptToAddress(script, regtestAddressParams)!;

before(async () => {
  const port = await freePort();
  node = new BitcoinNode({
    network: 'regtest',
    datadir: tmp.path,
    listen: false,
    rpc: { port },
    secp: backend,
  });
  await node.start();
  const [username, password] = readFileSync(join(tmp.path, 'regtest', '.cookie'), 'utf8').split(
    ':',
  );
  client = new Client({ host: `http://127.0.0.1:${port}`, username, password, timeout: 90_000 });
});
after(async () => {
  await node.stop();
  tmp.cleanup();
});

interface Gbt {
  previousblockhash: string;
  height: number;
  longpollid: string;
  transactions: Array<{ txid: string; fee: number }>;
}
const gbt = (req: Record<string, unknown> = {}) =>
  client.command('getblocktemplate', { rules: ['segwit'], ...req }) as Promise<Gbt>;

/** Whether `p` is still unsettled after `ms` (the long poll is holding). */
async function pendingAfter(p: Promise<unknown>, ms: number): Promise<boolean> {
  const marker = Symbol('pending');
  const r = await Promise.race([p, new Promise((res) => setTimeout(() => res(marker), ms))]);
  return r === marker;
}

/** A signed spend of block `height`'s coinbase paying `fee`. */
async function spend(height: number, fee: bigint): Promise<string> {
  const hash = (await client.command('getblockhash', height)) as string;
  const b = (await client.command('getblock', hash, 2)) as {
    tx: Array<{ txid: string; vout: Array<{ value: number }> }>;
  };
  const value = BigInt(Math.round(b.tx[0]!.vout[0]!.value * 1e8));
  const tx: Transaction = {
    version: 2,
    inputs: [
      {
        prevout: { txid: hexToBytes(b.tx[0]!.txid).reverse(), vout: 0 },
        scriptSig: new Uint8Array(0),
        sequence: 0xfffffffd,
        witness: [],
      },
    ],
    outputs: [{ value: value - fee, scriptPubKey: script }],
    locktime: 0,
  };
  keys.sign(tx, [{ value, scriptPubKey: script, kind: 'p2wpkh', slot: 0 }]);
  return (await client.command('sendrawtransaction', bytesToHex(encodeTransaction(tx)))) as string;
}

test('getblocktemplate long polling (BIP22) through the bitcoin-core client', async () => {
  await client.command('generatetoaddress', 101, address);
  const t0 = await gbt();
  assert.equal(t0.longpollid, `${t0.previousblockhash}0`, 'longpollid = tip ‖ fees');

  // a longpollid on another tip answers at once with the current template
  const stale = await gbt({ longpollid: `${'00'.repeat(32)}0` });
  assert.equal(stale.longpollid, t0.longpollid);

  // a current one holds until a block arrives
  const onTip = gbt({ longpollid: t0.longpollid });
  assert.ok(await pendingAfter(onTip, 4 * LONGPOLL_CHECK_MS), 'holds while nothing changes');
  const [mined] = (await client.command('generatetoaddress', 1, address)) as string[];
  const t1 = await onTip;
  assert.equal(t1.previousblockhash, mined, 'answered with a template on the new tip');
  assert.equal(t1.height, t0.height + 1);

  // a fee gain below the threshold does not wake it; one above does
  const onFees = gbt({ longpollid: t1.longpollid });
  const small = await spend(1, LONGPOLL_FEE_DELTA / 2n);
  assert.ok(
    await pendingAfter(onFees, 4 * LONGPOLL_CHECK_MS),
    `a ${LONGPOLL_FEE_DELTA / 2n} sat gain does not answer`,
  );
  const big = await spend(2, 20_000n);
  const t2 = await onFees;
  assert.equal(t2.previousblockhash, t1.previousblockhash, 'same tip');
  assert.deepEqual(t2.transactions.map((t) => t.txid).sort(), [small, big].sort());
  assert.equal(t2.longpollid, `${t1.previousblockhash}${20_000n + LONGPOLL_FEE_DELTA / 2n}`);

  // a malformed longpollid is the spec's invalid-parameter error
  await assert.rejects(gbt({ longpollid: 'not-a-hash' }), (e: { code: number }) => e.code === -8);
});
