import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  deriveValidatorKeys,
  genesisValidator,
  loadGenesis,
  parseGenesisFile,
} from '@keel/chain-node';
import { loadBlsBackend } from '@keel/crypto';
import { createLedger, evmStateModeOf, verkleTreeStats } from '@keel/ledger';
import { bytesToHex } from '@keel/util';

describe('genesis evmState', async () => {
  const bls = await loadBlsBackend('blst');
  const ledger = createLedger();
  const k = deriveValidatorKeys(0, new Uint8Array(32).fill(7));
  const file = {
    chainId: 'keel-verkle',
    evmChainId: 1337,
    genesisTime: 0,
    validators: [genesisValidator('v0', 1000, k, bls)],
    balances: [{ address: '11'.repeat(20), amount: '1000000' }],
  };

  it('"verkle" puts the verkle root commitment in the Ethereum view of block 0', () => {
    const mpt = loadGenesis(parseGenesisFile(file), bls, ledger);
    const vk = loadGenesis(parseGenesisFile({ ...file, evmState: 'verkle' }), bls, ledger);
    assert.equal(evmStateModeOf(mpt.state), 'mpt');
    assert.equal(evmStateModeOf(vk.state), 'verkle');
    // The mode is part of the ledger state, so the two chains differ from block 0.
    assert.notEqual(bytesToHex(vk.hash), bytesToHex(mpt.hash));
    const root = vk.eth!.header.stateRoot;
    assert.equal(bytesToHex(root), bytesToHex(verkleTreeStats(vk.state).root));
    assert.notEqual(bytesToHex(root), bytesToHex(mpt.eth!.header.stateRoot));
    // One funded EOA: basic data + code hash, one stem.
    assert.equal(verkleTreeStats(vk.state).values, 2);
    // "mpt" spelled out is the default (same genesis hash as leaving it out).
    const explicit = loadGenesis(parseGenesisFile({ ...file, evmState: 'mpt' }), bls, ledger);
    assert.equal(bytesToHex(explicit.hash), bytesToHex(mpt.hash));
  });

  it('names a bad evmState', () => {
    assert.throws(() => parseGenesisFile({ ...file, evmState: 'binary' }), /evmState must be/);
    assert.throws(() => parseGenesisFile({ ...file, evmState: 1 }), /evmState must be/);
  });
});
