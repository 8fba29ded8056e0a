import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex, DecodeError, hexToBytes } from '@keel/util';
import {
  addressToScript,
  decodeSegwitAddress,
  scriptToAddress,
  testnetAddressParams,
} from '../../src/index.ts';

// Valid addresses and their scriptPubKeys from BIP173 and BIP350, and two well-known mainnet
// P2PKH addresses (the genesis coinbase key; the compressed key of secret 1).
const VALID: Array<[string, string]> = [
  ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', '0014751e76e8199196d454941c45d1b3a323f1433bd6'],
  [
    'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0',
    '512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
  ],
  ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', '76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac'],
  ['1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH', '76a914751e76e8199196d454941c45d1b3a323f1433bd688ac'],
];

test('addresses decode to the published scriptPubKeys and re-encode (lower case)', () => {
  for (const [addr, spk] of VALID) {
    assert.equal(bytesToHex(addressToScript(addr)), spk, addr);
    const back = scriptToAddress(hexToBytes(spk));
    assert.equal(back, addr.startsWith('BC1') ? addr.toLowerCase() : addr);
  }
});

test('BIP350 testnet P2WSH vector', () => {
  const addr = 'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7';
  assert.equal(
    bytesToHex(addressToScript(addr, testnetAddressParams)),
    '00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262',
  );
});

test('invalid addresses are typed errors (BIP173/BIP350 invalid cases)', () => {
  const invalid = [
    'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', // bad checksum
    'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3t4', // mixed case
    'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', // corrupted checksum
    'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'.replace('qw5', 'qw6'), // corrupted
    '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb', // base58 checksum
    'bc1rw5uspcuh', // BIP350: program too short
  ];
  for (const a of invalid) assert.throws(() => addressToScript(a), DecodeError, a);
  assert.throws(
    () => decodeSegwitAddress('bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs', 'tb'),
    DecodeError,
  );
});

test('scripts without a standard address give undefined', () => {
  assert.equal(scriptToAddress(hexToBytes('6a0401020304')), undefined); // OP_RETURN
  assert.equal(scriptToAddress(hexToBytes(`0015${'00'.repeat(21)}`)), undefined); // v0 of 21 bytes
});
