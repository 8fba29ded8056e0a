import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kzgToVersionedHash } from '@keel/crypto/kzg';
import { bytesToHex, hexToBytes } from '@keel/util';
import { EvmError, EvmErrorCode } from '../../src/errors.ts';
import { CANCUN, SHANGHAI } from '../../src/params.ts';
import { decodeBlobTxNetworkForm, encodeBlobTxNetworkForm } from '../../src/tx/blobNetworkForm.ts';
import { decodeTransaction, encodeTransaction } from '../../src/tx/codec.ts';
import { signingHash, txHash } from '../../src/tx/hash.ts';
import { intrinsicGas } from '../../src/tx/intrinsicGas.ts';
import { recoverSender } from '../../src/tx/sender.ts';
import type { BlobTx, LegacyTx } from '../../src/tx/types.ts';
import { validateTransaction } from '../../src/tx/validate.ts';

const code = (c: string) => (e: unknown) => e instanceof EvmError && e.code === c;
const reason = (r: string) => (e: unknown) =>
  e instanceof EvmError && (e.meta as { reason?: string }).reason === r;

// EIP-155's worked example (private key 0x4646…46).
const EIP155_SIGNED =
  'f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83';

test('EIP-155 example: signing hash, v, r, s and sender', () => {
  const tx = decodeTransaction(hexToBytes(EIP155_SIGNED)) as LegacyTx;
  assert.equal(tx.type, 0);
  assert.equal(tx.v, 37n);
  assert.equal(
    tx.r,
    18515461264373351373200002665853028612451056578545711640558177340181847433846n,
  );
  assert.equal(
    bytesToHex(signingHash(tx)),
    'daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53',
  );
  assert.equal(bytesToHex(recoverSender(tx)), '9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f');
  assert.equal(bytesToHex(encodeTransaction(tx)), EIP155_SIGNED);
  validateTransaction(tx, { chainId: 1n, fork: CANCUN });
  assert.throws(
    () => validateTransaction(tx, { chainId: 5n, fork: CANCUN }),
    reason('WRONG_CHAIN_ID'),
  );
});

test('intrinsic gas: create with calldata and an access list', () => {
  const data = new Uint8Array(33).fill(1);
  data[0] = 0;
  const tx = {
    type: 1,
    chainId: 1n,
    nonce: 0n,
    gasPrice: 1n,
    gasLimit: 100000n,
    to: null,
    value: 0n,
    data,
    accessList: [
      { address: new Uint8Array(20), storageKeys: [new Uint8Array(32), new Uint8Array(32)] },
    ],
    v: 0n,
    r: 1n,
    s: 1n,
  } as const;
  // 21000 base + 32000 create + 2 words × 2 (EIP-3860) + 1 zero × 4 + 32 non-zero × 16
  // + 2400 address + 2 × 1900 keys.
  assert.equal(intrinsicGas(tx), 21000n + 32000n + 4n + 4n + 512n + 2400n + 3800n);
});

function blobTx(hashes: Uint8Array[]): BlobTx {
  return {
    type: 3,
    chainId: 1n,
    nonce: 1n,
    maxPriorityFeePerGas: 1n,
    maxFeePerGas: 10n,
    gasLimit: 21000n,
    to: new Uint8Array(20).fill(0x11),
    value: 0n,
    data: new Uint8Array(0),
    accessList: [],
    maxFeePerBlobGas: 1n,
    blobVersionedHashes: hashes,
    v: 1n,
    r: 5n,
    s: 7n,
  };
}

test('blob transactions: type-3 round trip, no blobs before Cancun, count and version rules', () => {
  const tx = blobTx([kzgToVersionedHash(new Uint8Array(48).fill(1))]);
  const enc = encodeTransaction(tx);
  assert.equal(enc[0], 3);
  assert.deepEqual(decodeTransaction(enc), tx);
  assert.deepEqual(txHash(decodeTransaction(enc)), txHash(tx));
  validateTransaction(tx, { chainId: 1n, fork: CANCUN });
  assert.throws(
    () => validateTransaction(tx, { chainId: 1n, fork: SHANGHAI }),
    reason('TYPE_NOT_SUPPORTED'),
  );
  assert.throws(
    () => validateTransaction(blobTx([]), { chainId: 1n, fork: CANCUN }),
    reason('BLOB_NONE'),
  );
  const seven = Array.from({ length: 7 }, () => tx.blobVersionedHashes[0]!);
  assert.throws(
    () => validateTransaction(blobTx(seven), { chainId: 1n, fork: CANCUN }),
    reason('BLOB_TOO_MANY'),
  );
  const v2 = tx.blobVersionedHashes[0]!.slice();
  v2[0] = 2;
  assert.throws(
    () => validateTransaction(blobTx([v2]), { chainId: 1n, fork: CANCUN }),
    reason('BLOB_VERSIONED_HASH'),
  );
  // A type-3 body without `to` (contract creation) does not decode.
  const noTo = encodeTransaction({ ...tx, to: null } as unknown as BlobTx);
  assert.throws(() => decodeTransaction(noTo), /without a to address/);
});

test('blob network form: round trip, count and commitment checks', () => {
  const commitments = [new Uint8Array(48).fill(1), new Uint8Array(48).fill(2)];
  const tx = blobTx(commitments.map(kzgToVersionedHash));
  const form = {
    tx,
    blobs: [new Uint8Array(131072).fill(3), new Uint8Array(131072).fill(4)],
    commitments,
    proofs: [new Uint8Array(48).fill(5), new Uint8Array(48).fill(6)],
  };
  const enc = encodeBlobTxNetworkForm(form);
  assert.deepEqual(decodeBlobTxNetworkForm(enc), form);
  const swapped = encodeBlobTxNetworkForm({
    ...form,
    commitments: [commitments[1]!, commitments[0]!],
  });
  assert.throws(() => decodeBlobTxNetworkForm(swapped), /commitment 0 does not match/);
  const short = encodeBlobTxNetworkForm({ ...form, proofs: [form.proofs[0]!] });
  assert.throws(() => decodeBlobTxNetworkForm(short), /1 proofs/);
  // The plain envelope is not the network form, and vice versa.
  assert.throws(
    () => decodeBlobTxNetworkForm(encodeTransaction(tx)),
    code(EvmErrorCode.TX_MALFORMED),
  );
  assert.throws(() => decodeTransaction(enc), code(EvmErrorCode.TX_MALFORMED));
});

test('signature rules: high s (EIP-2), r = 0, bad y-parity, bad legacy v', () => {
  const tx = decodeTransaction(hexToBytes(EIP155_SIGNED)) as LegacyTx;
  const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const bad = code(EvmErrorCode.TX_MALFORMED);
  assert.throws(() => recoverSender({ ...tx, s: N - tx.s }), bad);
  assert.throws(() => recoverSender({ ...tx, r: 0n }), bad);
  assert.throws(() => recoverSender({ ...tx, v: 29n }), bad);
  assert.throws(() => recoverSender({ ...blobTx([]), v: 2n }), bad);
});

test('decoding rejects wrong field counts and unknown types', () => {
  assert.throws(() => decodeTransaction(new Uint8Array(0)), code(EvmErrorCode.TX_MALFORMED));
  assert.throws(() => decodeTransaction(hexToBytes('04c0')), /unsupported transaction type 0x4/);
  assert.throws(() => decodeTransaction(hexToBytes('02c0')), /0 fields, expected 12/);
  assert.throws(() => decodeTransaction(hexToBytes('c0')), /0 fields, expected 9/);
});
