import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  CANCUN,
  createAddress,
  createMemoryWorldState,
  runTx,
  type Transaction,
  type WorldState,
} from '@keel/evm';
import { bytesToBigInt, hexToBytes } from '@keel/util';
import { decodeFunctionResult, encodeDeployData, encodeFunctionData } from 'viem';
import { compileGroth16Verifier } from '../../scripts/zkVerifier.ts';
import { ROLLUP_CONTRACTS } from '../../src/index.ts';
import {
  groth16ProofWords,
  groth16VerifierAbi,
  groth16VerifierBytecode,
  groth16VerifierDeployData,
} from '../../src/zk/index.ts';

const FIX = new URL('../../fixtures/zk/', import.meta.url).pathname;
const json = (f: string): unknown => JSON.parse(readFileSync(FIX + f, 'utf8'));
const batch = json('batch.json') as { outputRoot: `0x${string}`; blobHashes: `0x${string}`[] };
const SEQ = hexToBytes('0x1000000000000000000000000000000000000001');
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

const env = {
  chainId: 1337n,
  coinbase: new Uint8Array(20),
  number: 1n,
  timestamp: 1_000n,
  gasLimit: 30_000_000n,
  baseFee: 1n,
  prevRandao: new Uint8Array(32),
  excessBlobGas: 0n,
  getBlockHash: () => undefined,
};

class L1 {
  readonly state: WorldState = createMemoryWorldState([
    [SEQ, { nonce: 0n, balance: 10n ** 21n, code: new Uint8Array() }],
  ]);
  nonce = 0n;
  send(to: Uint8Array | null, data: Uint8Array, blobs?: Uint8Array[]) {
    const common = {
      nonce: this.nonce,
      gasLimit: 5_000_000n,
      value: 0n,
      data,
      v: 0n,
      r: 0n,
      s: 0n,
    };
    const fee = { chainId: 1337n, maxPriorityFeePerGas: 0n, maxFeePerGas: 10n, accessList: [] };
    const tx: Transaction = blobs
      ? { type: 3, to: to!, ...common, ...fee, maxFeePerBlobGas: 10n, blobVersionedHashes: blobs }
      : { type: 2, to, ...common, ...fee };
    const r = runTx(this.state, tx, SEQ, env, { fork: CANCUN });
    assert.ok(r.valid, 'tx valid');
    this.nonce++;
    return r;
  }
  deploy(data: Uint8Array): Uint8Array {
    const addr = createAddress(SEQ, this.nonce);
    assert.equal(this.send(null, data).status, 1, 'deployment succeeds');
    return addr;
  }
}

const hex = (b: Uint8Array): `0x${string}` => `0x${Buffer.from(b).toString('hex')}`;
const rollupAbi = ROLLUP_CONTRACTS.Rollup.abi;

function setup() {
  const l1 = new L1();
  const verifier = l1.deploy(groth16VerifierDeployData(json('groth16.vkey.json')));
  const rollupInit = encodeDeployData({
    abi: rollupAbi,
    bytecode: ROLLUP_CONTRACTS.Rollup.bytecode,
    args: [hex(SEQ), 0n, 1, hex(verifier), hex(new Uint8Array(20))],
  });
  const rollup = l1.deploy(hexToBytes(rollupInit));
  const submit = encodeFunctionData({
    abi: rollupAbi,
    functionName: 'submitBatch',
    args: [batch.outputRoot, 5n],
  });
  const s = l1.send(rollup, hexToBytes(submit), batch.blobHashes.map(hexToBytes));
  assert.equal(s.status, 1, 'submitBatch succeeds');
  const view = (functionName: 'zkCommitment' | 'isFinalized') =>
    decodeFunctionResult({
      abi: rollupAbi,
      functionName,
      data: hex(
        l1.send(
          rollup,
          hexToBytes(encodeFunctionData({ abi: rollupAbi, functionName, args: [0n] })),
        ).returnData,
      ),
    });
  const prove = (words: bigint[]) =>
    l1.send(
      rollup,
      hexToBytes(
        encodeFunctionData({
          abi: rollupAbi,
          functionName: 'proveBatch',
          args: [0n, words as never],
        }),
      ),
    );
  const verify = (words: bigint[], input: bigint) =>
    l1.send(
      verifier,
      hexToBytes(
        encodeFunctionData({
          abi: groth16VerifierAbi,
          functionName: 'verifyProof',
          args: [
            [words[0]!, words[1]!],
            [
              [words[2]!, words[3]!],
              [words[4]!, words[5]!],
            ],
            [words[6]!, words[7]!],
            [input],
          ],
        }),
      ),
    );
  return { view, prove, verify };
}

describe('Groth16Verifier.sol with Rollup.sol in zk mode (@keel/evm, precompiles 0x06–0x08)', () => {
  const words = groth16ProofWords(json('groth16.proof.json'));
  const [input] = (json('groth16.public.json') as string[]).map(BigInt);

  it('the committed artifact is what solc builds from contracts/zk/Groth16Verifier.sol', () => {
    const fresh = compileGroth16Verifier();
    assert.equal(fresh.bytecode, groth16VerifierBytecode, 'stale: run scripts/zkVerifier.ts');
    assert.deepEqual(fresh.abi, groth16VerifierAbi);
  });

  it("the fixture's public input is the contract's zkCommitment(0) of the test batch", () => {
    const { view } = setup();
    assert.equal(view('zkCommitment'), input);
  });

  it('a real proof finalizes batch 0', () => {
    const { view, prove } = setup();
    assert.equal(view('isFinalized'), false);
    assert.equal(prove(words).status, 1);
    assert.equal(view('isFinalized'), true);
  });

  it('every tampered word, and a proof for another input, reverts or returns false', () => {
    const { view, prove, verify } = setup();
    const ok = verify(words, input!);
    assert.equal(bytesToBigInt(ok.returnData), 1n, 'the honest proof verifies directly');
    for (let i = 0; i < 8; i++) {
      const bad = [...words];
      bad[i] = (bad[i]! + 1n) % (1n << 256n);
      assert.equal(prove(bad).status, 0, `word ${i} + 1 must revert`);
    }
    assert.equal(bytesToBigInt(verify(words, input! + 1n).returnData), 0n, 'other input');
    assert.equal(bytesToBigInt(verify(words, input! + R).returnData), 0n, 'input + r (≥ r)');
    assert.equal(view('isFinalized'), false);
  });
});
