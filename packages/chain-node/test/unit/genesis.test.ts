import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decryptKeys,
  deriveValidatorKeys,
  encryptKeys,
  genesisValidator,
  loadGenesis,
  parseGenesisFile,
} from '@keel/chain-node';
import { blockHash } from '@keel/consensus';
import { loadBlsBackend } from '@keel/crypto';
import { createLedger } from '@keel/ledger';
import { bytesToHex } from '@keel/util';

describe('genesis and keys', async () => {
  const bls = await loadBlsBackend('blst');
  const ledger = createLedger();
  const keys = [0, 1].map((i) => deriveValidatorKeys(i, new Uint8Array(32).fill(i + 1)));
  const file = {
    chainId: 'keel-test',
    genesisTime: 0,
    validators: keys.map((k) => genesisValidator(`v${k.index}`, 1000, k, bls)),
    balances: [{ address: 'aa'.repeat(32), amount: '5' }],
  };

  it('loads a genesis and checks proofs of possession', () => {
    const g = loadGenesis(parseGenesisFile(file), bls, ledger);
    assert.equal(bytesToHex(g.hash), bytesToHex(blockHash(g.block)));
    const swapped = {
      ...file,
      validators: [
        { ...file.validators[0]!, proofOfPossession: file.validators[1]!.proofOfPossession },
        file.validators[1]!,
      ],
    };
    assert.throws(() => loadGenesis(parseGenesisFile(swapped), bls, ledger), /proof of possession/);
    const other = loadGenesis(parseGenesisFile({ ...file, chainId: 'keel-other' }), bls, ledger);
    assert.notEqual(bytesToHex(other.hash), bytesToHex(g.hash), 'chain id is part of genesis');
  });

  it('names the bad field', () => {
    assert.throws(() => parseGenesisFile({ ...file, chainId: 'Bad Id' }), /chainId/);
    assert.throws(() => parseGenesisFile({ ...file, validators: [] }), /validators/);
    assert.throws(
      () => parseGenesisFile({ ...file, validators: [{ ...file.validators[0]!, stake: 0 }] }),
      /validators\[0\]\.stake/,
    );
    assert.throws(
      () => parseGenesisFile({ ...file, balances: [{ address: 'zz', amount: '1' }] }),
      /balances\[0\]\.address/,
    );
    assert.throws(
      () =>
        parseGenesisFile({
          ...file,
          balances: [{ address: 'aa'.repeat(32), amount: '99999999999999999999' }],
        }),
      /2\^64/,
    );
  });

  it('encrypts keys with the passphrase', () => {
    const json = encryptKeys(keys[0]!, 'correct horse');
    const back = decryptKeys(json, 'correct horse');
    assert.equal(bytesToHex(back.blsSecretKey), bytesToHex(keys[0]!.blsSecretKey));
    assert.ok(!json.includes(bytesToHex(keys[0]!.blsSecretKey)), 'secret is not stored in clear');
    assert.throws(() => decryptKeys(json, 'wrong horse'), /wrong passphrase/);
    assert.throws(() => decryptKeys('{', 'x'), /not JSON/);
  });
});
