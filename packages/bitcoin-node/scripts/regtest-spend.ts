// Send a real signed transaction through a regtest node's JSON-RPC, then mine it:
//   node --import tsx packages/bitcoin-node/scripts/regtest-spend.ts [rpc-url] [cookie-file]
// (defaults http://127.0.0.1:18443 and ~/.keel/regtest/.cookie). It mines 101 blocks to a
// P2WPKH key of keel's regtest wallet (a fixed seed: do not use it for anything of value),
// spends the first coinbase with sendrawtransaction, shows it in getrawmempool, and mines a
// block that confirms it. Works against Bitcoin Core's regtest RPC too.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  encodeTransaction,
  regtestAddressParams,
  scriptToAddress,
  type Transaction,
} from '@keel/bitcoin';
import { loadSecp256k1Backend } from '@keel/crypto/secp256k1';
import { bytesToHex, hexToBytes, SeededRng } from '@keel/util';
import { RegtestKeys } from '../src/regtest/wallet.ts';

const url = process.argv[2] ?? 'http://127.0.0.1:18443';
const cookie = readFileSync(
  process.argv[3] ?? join(homedir(), '.keel', 'regtest', '.cookie'),
  'utf8',
).trim();

async function rpc(method: string, params: unknown[] = []): Promise<unknown> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from(cookie).toString('base64')}` },
    body: JSON.stringify({ method, params, id: 1 }),
  });
  const j = (await r.json()) as {
    result: unknown;
    error: { code: number; message: string } | null;
  };
  if (j.error) throw new Error(`${method}: ${j.error.message} (${j.error.code})`);
  return j.result;
}

const keys = new RegtestKeys(await loadSecp256k1Backend('auto'), new SeededRng('regtest-spend'), 1);
const script = keys.scriptPubKey('p2wpkh', 0);
const address = scriptToAddress(script, regtestAddressParams)!;
const hashes = (await rpc('generatetoaddress', [101, address])) as string[];
const block = (await rpc('getblock', [hashes[0], 2])) as {
  tx: Array<{ txid: string; vout: Array<{ value: number }> }>;
};
const coinbase = block.tx[0]!;
const value = BigInt(Math.round(coinbase.vout[0]!.value * 1e8));
const fee = 10_000n;
const tx: Transaction = {
  version: 2,
  inputs: [
    {
      prevout: { txid: hexToBytes(coinbase.txid).reverse(), vout: 0 },
      scriptSig: new Uint8Array(0),
      sequence: 0xfffffffd,
      witness: [],
    },
  ],
  outputs: [{ value: value - fee, scriptPubKey: script }],
  locktime: 0,
};
keys.sign(tx, [{ value, scriptPubKey: script, kind: 'p2wpkh', slot: 0 }]);
const txid = await rpc('sendrawtransaction', [bytesToHex(encodeTransaction(tx))]);
console.log(`sent ${txid} (spends the coinbase of block ${hashes[0]})`);
console.log('mempool:', await rpc('getrawmempool'));
const [mined] = (await rpc('generatetoaddress', [1, address])) as string[];
const confirmed = (await rpc('getrawtransaction', [txid, 1, mined])) as { confirmations: number };
console.log(`mined in ${mined}: ${confirmed.confirmations} confirmation(s)`);
