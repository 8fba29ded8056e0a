import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex, hexToBytes } from '@keel/util';
import { blockScriptFlags } from '../../src/consensus/blockFlags.ts';
import { hashFromHex, networks } from '../../src/consensus/params.ts';
import { checkProofOfWork } from '../../src/consensus/pow.ts';
import { blockSubsidy } from '../../src/consensus/subsidy.ts';
import { blockHash, encodeBlock } from '../../src/primitives/block.ts';
import { hashToHex } from '../../src/primitives/transaction.ts';
import { ScriptFlags } from '../../src/script/flags.ts';

// Genesis hashes as published by each network (display order).
const GENESIS: Record<string, string> = {
  main: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
  test: '000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943',
  testnet4: '00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043',
  signet: '00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6',
  regtest: '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
};

for (const [name, hash] of Object.entries(GENESIS)) {
  test(`params ${name}: the genesis block built from its parts hashes to the published hash`, () => {
    const p = networks[name as keyof typeof networks];
    assert.equal(hashToHex(blockHash(p.genesis.header)), hash);
    assert.equal(hashToHex(p.genesisHash), hash);
    assert.ok(checkProofOfWork(p.genesisHash, p.genesis.header.bits, p.powLimit));
  });
}

test('params: the Satoshi genesis merkle root and the testnet4 one differ as published', () => {
  assert.equal(
    hashToHex(networks.main.genesis.header.merkleRoot),
    '4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b',
  );
  assert.equal(
    hashToHex(networks.testnet4.genesis.header.merkleRoot),
    '7aa0a7ae1e223414cb807e40cd57e667b718e42aaf9306db9102fe28912b7b4e',
  );
  // the mainnet genesis block is 285 bytes on the wire
  assert.equal(encodeBlock(networks.main.genesis).length, 285);
});

test('params: magic bytes', () => {
  assert.equal(bytesToHex(networks.main.magic), 'f9beb4d9');
  assert.equal(bytesToHex(networks.test.magic), '0b110907');
  assert.equal(bytesToHex(networks.testnet4.magic), '1c163f28');
  assert.equal(bytesToHex(networks.regtest.magic), 'fabfb5da');
});

test('params: subsidy halves every interval and ends after 64 halvings', () => {
  const m = networks.main;
  assert.equal(blockSubsidy(0, m), 5_000_000_000n);
  assert.equal(blockSubsidy(209_999, m), 5_000_000_000n);
  assert.equal(blockSubsidy(210_000, m), 2_500_000_000n);
  assert.equal(blockSubsidy(840_000, m), 312_500_000n);
  assert.equal(blockSubsidy(210_000 * 64, m), 0n);
  assert.equal(blockSubsidy(150, networks.regtest), 2_500_000_000n);
});

test('blockScriptFlags: buried deployments switch on at their heights (mainnet)', () => {
  const m = networks.main;
  const h = new Uint8Array(32);
  const base = ScriptFlags.P2SH | ScriptFlags.WITNESS | ScriptFlags.TAPROOT;
  assert.equal(blockScriptFlags(277_647, h, m), base);
  assert.equal(blockScriptFlags(363_725, h, m), base | ScriptFlags.DERSIG);
  assert.equal(
    blockScriptFlags(388_381, h, m),
    base | ScriptFlags.DERSIG | ScriptFlags.CHECKLOCKTIMEVERIFY,
  );
  assert.equal(
    blockScriptFlags(481_824, h, m),
    base |
      ScriptFlags.DERSIG |
      ScriptFlags.CHECKLOCKTIMEVERIFY |
      ScriptFlags.CHECKSEQUENCEVERIFY |
      ScriptFlags.NULLDUMMY,
  );
});

test('blockScriptFlags: the BIP16 and taproot exception blocks', () => {
  const m = networks.main;
  const bip16 = hashFromHex('00000000000002dc756eebf4f49723ed8d30cc28a5f108eb94b1ba88ac4f9c22');
  assert.equal(blockScriptFlags(170_060, bip16, m), 0);
  const taproot = hashFromHex('0000000000000000000f14c35b2d841e986ab5441de8c585d5ffe55ea1e395ad');
  const f = blockScriptFlags(692_261, taproot, m);
  assert.equal(f & ScriptFlags.TAPROOT, 0);
  assert.ok(f & ScriptFlags.P2SH && f & ScriptFlags.WITNESS && f & ScriptFlags.NULLDUMMY);
  const t3 = hashFromHex('00000000dd30457c001f4095d208cc1296b0eed002427aa599874af7a432b105');
  assert.equal(blockScriptFlags(514, t3, networks.test), 0);
  assert.equal(
    blockScriptFlags(514, hexToBytes('00'.repeat(32)), networks.test) & ScriptFlags.P2SH,
    1,
  );
});
