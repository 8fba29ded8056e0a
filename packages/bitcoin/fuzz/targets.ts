// Fuzz targets: one per decoder and consensus entry point of @keel/bitcoin. Each takes raw
// bytes and must end in a value or a typed KeelError (a verdict for the consensus entry
// points); any other exception, a hang or an unbounded allocation is a finding. Shared by
// the coverage-guided runner (fuzz/run.ts) and the corpus replay in `npm test`
// (test/unit/fuzzCorpus.test.ts).
import type { Secp256k1Backend } from '@keel/crypto';
import { BufferReader, isKeelError } from '@keel/util';
import { checkBlock } from '../src/consensus/checkBlock.ts';
import { checkTransaction } from '../src/consensus/checkTransaction.ts';
import { networks } from '../src/consensus/params.ts';
import { decodeBlockUndo, encodeBlockUndo } from '../src/consensus/undo.ts';
import { decodeBlock, encodeBlock } from '../src/primitives/block.ts';
import {
  decodeTransaction,
  encodeTransaction,
  type Transaction,
  transactionSizes,
} from '../src/primitives/transaction.ts';
import { createTxSignatureChecker } from '../src/script/checker.ts';
import {
  legacySighash,
  precomputeTxData,
  segwitV0Sighash,
  taprootSighash,
} from '../src/script/sighash.ts';
import { transactionSigOpCost } from '../src/script/sigops.ts';
import { verifyScript } from '../src/script/verify.ts';

/** A finding: the invariant the target checks did not hold. */
export class FuzzInvariantError extends Error {}

function assertThat(ok: boolean, what: string): void {
  if (!ok) throw new FuzzInvariantError(what);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Runs `f`; a KeelError is an accepted outcome (bad input), anything else propagates. */
function typed<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (isKeelError(e)) return undefined;
    throw e;
  }
}

export interface FuzzTarget {
  name: string;
  /** Largest input the runner generates. */
  maxLen: number;
  run(data: Uint8Array, backend: Secp256k1Backend): void;
}

/** Input bytes → a spend: flags, scriptSig, scriptPubKey, witness items (length-prefixed). */
function splitScriptInput(data: Uint8Array) {
  const r = new BufferReader(data);
  const take = () =>
    r.remaining > 0 ? r.bytes(Math.min(r.u8() * 4, r.remaining)) : new Uint8Array(0);
  const flags = r.remaining >= 3 ? r.u8() | (r.u8() << 8) | (r.u8() << 16) : 0;
  const scriptSig = take();
  const scriptPubKey = take();
  const witness: Uint8Array[] = [];
  while (r.remaining > 0 && witness.length < 20) witness.push(take());
  return { flags, scriptSig, scriptPubKey, witness };
}

function spendOf(scriptSig: Uint8Array, witness: Uint8Array[]): Transaction {
  return {
    version: 2,
    inputs: [
      {
        prevout: { txid: new Uint8Array(32).fill(7), vout: 1 },
        scriptSig,
        sequence: 0xfffffffe,
        witness,
      },
    ],
    outputs: [{ value: 1000n, scriptPubKey: Uint8Array.of(0x51) }],
    locktime: 0,
  };
}

export const targets: FuzzTarget[] = [
  {
    name: 'transaction',
    maxLen: 4096,
    run(data) {
      const tx = typed(() => decodeTransaction(data));
      if (!tx) return;
      // a decoded transaction re-encodes to exactly its bytes (Core's serialization is canonical
      // for what it accepts), and its sizes match the encodings
      assertThat(equal(encodeTransaction(tx), data), 'decode/encode round trip');
      const s = transactionSizes(tx);
      assertThat(s.total === data.length, 'total size');
      assertThat(s.base === encodeTransaction(tx, false).length, 'base size');
      const c = checkTransaction(tx);
      assertThat(typeof c.ok === 'boolean', 'checkTransaction verdict');
    },
  },
  {
    name: 'block',
    maxLen: 16384,
    run(data) {
      const block = typed(() => decodeBlock(data));
      if (!block) return;
      assertThat(equal(encodeBlock(block), data), 'block round trip');
      const v = checkBlock(block, networks.regtest, { checkPoW: false });
      assertThat(typeof v.ok === 'boolean', 'checkBlock verdict');
      // with no spent outputs known, only a coinbase can be costed; others get a typed error
      for (const tx of block.txs)
        typed(() => transactionSigOpCost(tx, [], { p2sh: true, witness: true }));
    },
  },
  {
    name: 'script',
    maxLen: 2048,
    run(data, backend) {
      const { flags, scriptSig, scriptPubKey, witness } = splitScriptInput(data);
      const tx = spendOf(scriptSig, witness);
      const spent = [{ value: 5000n, scriptPubKey }];
      const checker = createTxSignatureChecker({
        tx,
        inputIndex: 0,
        amount: 5000n,
        spentOutputs: spent,
        txData: precomputeTxData(tx, spent),
        backend,
      });
      // verifyScript returns a verdict for every input; it must never throw
      const v = verifyScript(scriptSig, scriptPubKey, witness, flags, checker);
      assertThat(v.ok === true || typeof v.error === 'string', 'script verdict');
    },
  },
  {
    name: 'sighash',
    maxLen: 4096,
    run(data) {
      if (data.length < 3) return;
      const tx = typed(() => decodeTransaction(data.subarray(2)));
      if (!tx || tx.inputs.length === 0) return;
      const i = data[0]! % (tx.inputs.length + 1); // one past the end: the "1" hash
      const ht = data[1]!;
      const code = tx.outputs[0]?.scriptPubKey ?? new Uint8Array(0);
      const spent = tx.inputs.map(() => ({ value: 1n, scriptPubKey: code }));
      const txData = precomputeTxData(tx, spent);
      assertThat(legacySighash(tx, i, code, ht, txData).length === 32, 'legacy sighash');
      assertThat(
        equal(legacySighash(tx, i, code, ht, txData), legacySighash(tx, i, code, ht)),
        'legacy sighash with and without shared parts',
      );
      if (i < tx.inputs.length) {
        segwitV0Sighash(tx, i, code, 1n, ht, txData);
        const t = taprootSighash(txData, i, ht);
        assertThat(t === null || t.length === 32, 'taproot sighash');
      }
    },
  },
  {
    name: 'undo',
    maxLen: 4096,
    run(data, backend) {
      const undo = typed(() => decodeBlockUndo(data, backend));
      if (!undo) return;
      // the rev-file format is not canonical (compressed scripts), but it must re-decode equal
      const again = decodeBlockUndo(encodeBlockUndo(undo, backend), backend);
      assertThat(again.txs.length === undo.txs.length, 'undo round trip');
    },
  },
];
