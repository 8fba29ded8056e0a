import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex, hexToBytes } from '@keel/util';
import { encodeReceipt, type Receipt } from '../../src/block/receipt.ts';
import { receiptsRoot } from '../../src/block/roots.ts';

const ZERO_BLOOM = new Uint8Array(256);

const receipt = (r: Partial<Receipt>): Receipt => ({
  type: 0,
  status: true,
  cumulativeGasUsed: 0n,
  logsBloom: ZERO_BLOOM,
  logs: [],
  ...r,
});

test('receipt encoding, derived by hand from the RLP rules', () => {
  // rlp([0x80 (status 0), 0x84 05de6142, 0xb90100 ‖ 256 zero bytes, 0xc0]): payload
  // 1 + 5 + 259 + 1 = 266 = 0x010a bytes, so the list header is f9 010a; EIP-2718 type 2 first.
  const failed = receipt({ type: 2, status: false, cumulativeGasUsed: 0x05de6142n });
  assert.equal(
    bytesToHex(encodeReceipt(failed)),
    `02f9010a808405de6142b90100${'00'.repeat(256)}c0`,
  );
  // Legacy (no type byte), status 1 = 0x01, one log [address, [topic], data]:
  // 94‖20 bytes, e1 a0‖32 bytes, 82 beef → payload 58 = 0x3a, log f83a, logs list f83c.
  const log = {
    address: new Uint8Array(20).fill(0x11),
    topics: [new Uint8Array(32).fill(0x22)],
    data: hexToBytes('beef'),
  };
  const ok = receipt({ status: true, cumulativeGasUsed: 21000n, logs: [log] });
  const logHex = `f83a94${'11'.repeat(20)}e1a0${'22'.repeat(32)}82beef`;
  // payload: 1 (01) + 3 (825208) + 259 (bloom) + 62 (f83c ‖ log) = 325 = 0x0145.
  assert.equal(
    bytesToHex(encodeReceipt(ok)),
    `f9014501825208b90100${'00'.repeat(256)}f83c${logHex}`,
  );
});

// Receipt roots of one-transaction blocks of ethereum/tests BlockchainTests (no logs, so the
// receipt is fixed by type, status and the header's gasUsed).
test('receipts root of single-receipt blocks from the blockchain tests', () => {
  // cancun/eip1153_tstore/contract_creation.json, "...across_constructor_and_deployed_code_v0-create2]"
  assert.equal(
    bytesToHex(receiptsRoot([receipt({ type: 0, status: true, cumulativeGasUsed: 0x02f723n })])),
    'a18235784f34332d3775f3f3f98c8311adcb1316475c1a9dc3ec399577a98620',
  );
  // cancun/eip5656_mcopy/mcopy_huge_memory_expansion.json, first test: a type-2 tx (status 1).
  assert.equal(
    bytesToHex(receiptsRoot([receipt({ type: 2, status: true, cumulativeGasUsed: 0x05de6142n })])),
    '2e9b4ac2c3bc9ed4a978a4bed58fe44d16ed5e477eeecf96322982d505f089ef',
  );
  // cancun/eip1153_tstore/run_until_out_of_gas.json, "...tstore]": a legacy tx out of gas.
  assert.equal(
    bytesToHex(receiptsRoot([receipt({ type: 0, status: false, cumulativeGasUsed: 0x01c9c380n })])),
    '46c8878e80643aac6e528fdaf76907eadd5bfa815dd5f87a027eab6c7ff94629',
  );
  // Empty block: the empty trie root.
  assert.equal(
    bytesToHex(receiptsRoot([])),
    '56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421',
  );
});
