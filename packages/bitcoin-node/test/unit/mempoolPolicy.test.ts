import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { type Transaction, transactionSizes, txid } from '@keel/bitcoin';
import { concatBytes } from '@keel/util';
import type { AcceptResult } from '../../src/mempool/accept.ts';
import { key, MempoolFixture, TIP_HEIGHT, TIP_MTP } from './mempoolFixture.ts';

let f: MempoolFixture;
before(async () => {
  f = await MempoolFixture.create();
});

function rejected(r: AcceptResult, reason: string | RegExp): void {
  assert.equal(r.ok, false, 'expected a rejection');
  if (r.ok) return;
  if (typeof reason === 'string') assert.equal(r.reason, reason, r.detail);
  else assert.match(r.reason, reason);
}

const OP_RETURN = 0x6a;
/** OP_RETURN with `n` data bytes, pushed minimally (PUSHDATA1 up to 255 bytes, else PUSHDATA2). */
const opReturn = (n: number) => ({
  value: 0n,
  scriptPubKey: concatBytes(
    n <= 255 ? Uint8Array.of(OP_RETURN, 0x4c, n) : Uint8Array.of(OP_RETURN, 0x4d, n & 0xff, n >> 8),
    new Uint8Array(n),
  ),
});

test('accepts signed spends of every wallet output kind', () => {
  const pool = f.core();
  for (const kind of [
    'p2pkh',
    'p2sh-multisig',
    'p2wpkh',
    'p2wsh',
    'p2tr-key',
    'p2tr-script',
  ] as const) {
    const coin = f.fund(100_000n, kind);
    const tx = f.spend([coin], [90_000n]);
    const r = pool.accept(tx, f.ctx());
    assert.ok(r.ok, `${kind}: ${r.ok ? '' : `${r.reason} ${r.detail ?? ''}`}`);
    assert.equal(r.entry.fee, 10_000n);
    assert.equal(r.entry.vsize, Math.ceil(transactionSizes(tx).weight / 4));
  }
  assert.equal(pool.state.size, 6);
});

test('duplicates: txn-already-in-mempool, txn-same-nonwitness-data-in-mempool', () => {
  const pool = f.core();
  const tx = f.spend([f.fund(50_000n)], [40_000n]);
  assert.ok(pool.accept(tx, f.ctx()).ok);
  rejected(pool.accept(tx, f.ctx()), 'txn-already-in-mempool');
  const malleated: Transaction = {
    ...tx,
    inputs: tx.inputs.map((i) => ({ ...i, witness: [...i.witness, Uint8Array.of(1)] })),
  };
  rejected(pool.accept(malleated, f.ctx()), 'txn-same-nonwitness-data-in-mempool');
});

test('IsStandardTx reasons: version, tx-size, scriptsig-not-pushonly, scriptpubkey, bare-multisig', () => {
  const pool = f.core();
  rejected(
    pool.accept(
      f.spend([f.fund(50_000n)], [40_000n], (t) => {
        t.version = 4;
      }),
      f.ctx(),
    ),
    'version',
  );
  rejected(
    pool.accept(
      f.spend([f.fund(50_000n)], [40_000n], (t) => {
        t.version = 0;
      }),
      f.ctx(),
    ),
    'version',
  );
  assert.ok(
    pool.accept(
      f.spend([f.fund(50_000n)], [40_000n], (t) => {
        t.version = 3;
      }),
      f.ctx(),
    ).ok,
  );
  // 100,001 bytes of base size: weight over 400,000.
  rejected(
    pool.accept(f.spend([f.fund(50_000n)], [40_000n, opReturn(100_001)]), f.ctx()),
    'tx-size',
  );
  const p2pkh = f.spend([f.fund(50_000n, 'p2pkh')], [40_000n]);
  p2pkh.inputs[0]!.scriptSig = concatBytes(Uint8Array.of(0x61), p2pkh.inputs[0]!.scriptSig); // OP_NOP
  rejected(pool.accept(p2pkh, f.ctx()), 'scriptsig-not-pushonly');
  const big = f.spend([f.fund(50_000n, 'p2pkh')], [40_000n]);
  big.inputs[0]!.scriptSig = concatBytes(
    big.inputs[0]!.scriptSig,
    Uint8Array.of(0x4d, 0xd0, 0x07),
    new Uint8Array(2000),
  );
  rejected(pool.accept(big, f.ctx()), 'scriptsig-size');
  rejected(
    pool.accept(
      f.spend([f.fund(50_000n)], [{ value: 40_000n, scriptPubKey: Uint8Array.of(0x51) }]),
      f.ctx(),
    ),
    'scriptpubkey',
  );
  const pk = f.keys.backend.publicKeyCreate(new Uint8Array(32).fill(7), true);
  const bare = (m: number, n: number) => ({
    value: 40_000n,
    scriptPubKey: concatBytes(
      Uint8Array.of(0x50 + m),
      ...Array.from({ length: n }, () => concatBytes(Uint8Array.of(33), pk)),
      Uint8Array.of(0x50 + n, 0xae),
    ),
  });
  assert.ok(pool.accept(f.spend([f.fund(50_000n)], [bare(1, 3)]), f.ctx()).ok);
  rejected(pool.accept(f.spend([f.fund(50_000n)], [bare(1, 4)]), f.ctx()), 'scriptpubkey');
  const strict = f.core({ permitBareMultisig: false });
  rejected(strict.accept(f.spend([f.fund(50_000n)], [bare(1, 2)]), f.ctx()), 'bare-multisig');
});

test('OP_RETURN: Core 30 relays any number up to 100,000 bytes in total; -datacarriersize caps it', () => {
  const pool = f.core();
  assert.ok(
    pool.accept(f.spend([f.fund(50_000n)], [40_000n, opReturn(1000), opReturn(500)]), f.ctx()).ok,
  );
  // At 100,000 bytes the weight limit is hit first (Core: "effectively uncaps the limit").
  rejected(
    pool.accept(
      f.spend([f.fund(900_000n)], [40_000n, opReturn(60_000), opReturn(40_000)]),
      f.ctx(),
    ),
    'tx-size',
  );
  // The limit is on the total over all OP_RETURN outputs.
  const capped = f.core({ maxDatacarrierBytes: 1000 });
  rejected(
    capped.accept(f.spend([f.fund(50_000n)], [40_000n, opReturn(600), opReturn(600)]), f.ctx()),
    'datacarrier',
  );
  const legacy = f.core({ maxDatacarrierBytes: 83 });
  assert.ok(legacy.accept(f.spend([f.fund(50_000n)], [40_000n, opReturn(80)]), f.ctx()).ok);
  rejected(
    legacy.accept(f.spend([f.fund(50_000n)], [40_000n, opReturn(81)]), f.ctx()),
    'datacarrier',
  );
  const off = f.core({ maxDatacarrierBytes: undefined });
  rejected(off.accept(f.spend([f.fund(50_000n)], [40_000n, opReturn(1)]), f.ctx()), 'datacarrier');
});

test('dust at 3,000 sat/kvB: 294 sat for P2WPKH, 546 for P2PKH, 240 for P2A; ephemeral dust needs 0 fee', () => {
  const pool = f.core();
  const p2pkhSpk = f.keys.scriptPubKey('p2pkh', 0);
  const p2a = Uint8Array.of(0x51, 0x02, 0x4e, 0x73);
  assert.ok(pool.accept(f.spend([f.fund(50_000n)], [40_000n, 294n]), f.ctx()).ok);
  assert.ok(
    pool.accept(
      f.spend([f.fund(50_000n)], [40_000n, { value: 546n, scriptPubKey: p2pkhSpk }]),
      f.ctx(),
    ).ok,
  );
  assert.ok(
    pool.accept(f.spend([f.fund(50_000n)], [40_000n, { value: 240n, scriptPubKey: p2a }]), f.ctx())
      .ok,
  );
  // One dust output in a fee-paying transaction: Core's ephemeral-dust rule says "dust".
  const one = pool.accept(f.spend([f.fund(50_000n)], [40_000n, 293n]), f.ctx());
  rejected(one, 'dust');
  assert.equal(one.ok ? '' : one.detail, 'tx with dust output must be 0-fee');
  rejected(
    pool.accept(
      f.spend([f.fund(50_000n)], [40_000n, { value: 545n, scriptPubKey: p2pkhSpk }]),
      f.ctx(),
    ),
    'dust',
  );
  rejected(
    pool.accept(f.spend([f.fund(50_000n)], [40_000n, { value: 239n, scriptPubKey: p2a }]), f.ctx()),
    'dust',
  );
  // Two dust outputs: IsStandardTx itself refuses.
  const two = pool.accept(f.spend([f.fund(50_000n)], [40_000n, 1n, 2n]), f.ctx());
  rejected(two, 'dust');
  assert.equal(two.ok ? '' : two.detail, undefined);
  // A 0-fee transaction with one dust output passes the dust rule and meets the relay floor.
  rejected(
    pool.accept(f.spend([f.fund(50_000n)], [49_999n, 1n]), f.ctx()),
    'min relay fee not met',
  );
});

test('fee floors: min relay fee not met at 0.1 sat/vB (Core 30 default)', () => {
  const pool = f.core();
  const probe = f.spend([f.fund(50_000n)], [49_000n]);
  const vsize = Math.ceil(transactionSizes(probe).weight / 4);
  const need = BigInt(Math.ceil((100 * vsize) / 1000));
  const low = pool.accept(f.spend([f.fund(50_000n)], [50_000n - need + 1n]), f.ctx());
  rejected(low, 'min relay fee not met');
  assert.equal(low.ok ? '' : low.detail, `${need - 1n} < ${need}`);
  assert.ok(pool.accept(f.spend([f.fund(50_000n)], [50_000n - need]), f.ctx()).ok);
  const oldDefault = f.core({ minRelayTxFee: 1000n });
  rejected(
    oldDefault.accept(f.spend([f.fund(50_000n)], [50_000n - need]), f.ctx()),
    'min relay fee not met',
  );
});

test('inputs: missingorspent, in-belowout, premature coinbase, already known, coinbase', () => {
  const pool = f.core();
  const ghost = f.coinAt({ txid: new Uint8Array(32).fill(9), vout: 0 }, 50_000n);
  const orphan = pool.accept(f.spend([ghost], [40_000n]), f.ctx());
  rejected(orphan, 'bad-txns-inputs-missingorspent');
  assert.equal(orphan.ok ? '' : orphan.kind, 'missing-inputs');
  rejected(pool.accept(f.spend([f.fund(50_000n)], [60_000n]), f.ctx()), 'bad-txns-in-belowout');
  const young = f.fund(50_000n, 'p2wpkh', TIP_HEIGHT - 50, true);
  rejected(
    pool.accept(f.spend([young], [40_000n]), f.ctx()),
    'bad-txns-premature-spend-of-coinbase',
  );
  const mature = f.fund(50_000n, 'p2wpkh', TIP_HEIGHT - 99, true);
  assert.ok(pool.accept(f.spend([mature], [40_000n]), f.ctx()).ok);
  // A transaction whose own output is already in the UTXO set was confirmed.
  const coin = f.fund(50_000n);
  const confirmed = f.spend([coin], [40_000n]);
  f.utxo.delete(key(coin.outpoint));
  f.utxo.set(key({ txid: txid(confirmed), vout: 0 }), {
    value: 40_000n,
    scriptPubKey: confirmed.outputs[0]!.scriptPubKey,
    height: 10,
    coinbase: false,
  });
  rejected(pool.accept(confirmed, f.ctx()), 'txn-already-known');
  const cb: Transaction = {
    version: 1,
    inputs: [
      {
        prevout: { txid: new Uint8Array(32), vout: 0xffffffff },
        scriptSig: Uint8Array.of(1, 1),
        sequence: 0,
        witness: [],
      },
    ],
    outputs: [{ value: 1000n, scriptPubKey: f.keys.scriptPubKey('p2wpkh', 0) }],
    locktime: 0,
  };
  rejected(pool.accept(cb, f.ctx()), 'coinbase');
  rejected(pool.accept({ ...cb, inputs: [] }, f.ctx()), 'bad-txns-vin-empty');
});

test('finality: non-final and non-BIP68-final', () => {
  const pool = f.core();
  rejected(
    pool.accept(
      f.spend([f.fund(50_000n)], [40_000n], (t) => {
        t.locktime = TIP_HEIGHT + 2;
      }),
      f.ctx(),
    ),
    'non-final',
  );
  assert.ok(
    pool.accept(
      f.spend([f.fund(50_000n)], [40_000n], (t) => {
        t.locktime = TIP_HEIGHT;
      }),
      f.ctx(),
    ).ok,
  );
  rejected(
    pool.accept(
      f.spend([f.fund(50_000n)], [40_000n], (t) => {
        t.locktime = TIP_MTP + 1;
      }),
      f.ctx(),
    ),
    'non-final',
  );
  // BIP68: a 10-block relative lock on a coin 5 blocks deep.
  const recent = f.fund(50_000n, 'p2wpkh', TIP_HEIGHT - 4);
  rejected(
    pool.accept(
      f.spend([recent], [40_000n], (t) => {
        t.inputs[0]!.sequence = 10;
      }),
      f.ctx(),
    ),
    'non-BIP68-final',
  );
  const older = f.fund(50_000n, 'p2wpkh', TIP_HEIGHT - 9);
  assert.ok(
    pool.accept(
      f.spend([older], [40_000n], (t) => {
        t.inputs[0]!.sequence = 10;
      }),
      f.ctx(),
    ).ok,
  );
});

test('tx-size-small, nonstandard inputs, nonstandard witness', () => {
  const pool = f.core();
  // 1 input, 1 OP_RETURN output of 1 byte: 10 + 41 + 10 + ... < 65 bytes without witness.
  rejected(
    pool.accept(
      f.spend([f.fund(50_000n)], [{ value: 0n, scriptPubKey: Uint8Array.of(OP_RETURN) }]),
      f.ctx(),
    ),
    'tx-size-small',
  );
  const weird = f.fund(50_000n);
  f.utxo.get(key(weird.outpoint))!.scriptPubKey = Uint8Array.of(0x51); // a bare OP_TRUE coin
  const spendWeird: Transaction = {
    version: 2,
    inputs: [
      { prevout: weird.outpoint, scriptSig: new Uint8Array(0), sequence: 0xffffffff, witness: [] },
    ],
    outputs: [{ value: 40_000n, scriptPubKey: f.keys.scriptPubKey('p2wpkh', 0) }],
    locktime: 0,
  };
  rejected(pool.accept(spendWeird, f.ctx()), 'bad-txns-nonstandard-inputs');
  assert.ok(f.core({ requireStandard: false }).accept(spendWeird, f.ctx()).ok);
  // A witness on a P2PKH spend: the legacy signature stays valid, the witness is not standard.
  const stuffed = f.spend([f.fund(50_000n, 'p2pkh')], [40_000n]);
  stuffed.inputs[0]!.witness = [Uint8Array.of(1, 2, 3)];
  rejected(pool.accept(stuffed, f.ctx()), 'bad-witness-nonstandard');
});

test("script failures: mempool-script-verify-flag-failed with Core's error text (policy-only vs consensus kind)", () => {
  const pool = f.core();
  // A valid P2PKH spend whose pubkey push uses OP_PUSHDATA1: MINIMALDATA is policy, not consensus.
  const tx = f.spend([f.fund(50_000n, 'p2pkh')], [40_000n]);
  const ss = tx.inputs[0]!.scriptSig;
  const sigLen = ss[0]!;
  const sig = ss.subarray(0, 1 + sigLen);
  const pub = ss.subarray(2 + sigLen);
  tx.inputs[0]!.scriptSig = concatBytes(sig, Uint8Array.of(0x4c, pub.length), pub);
  const minimal = pool.accept(tx, f.ctx());
  rejected(minimal, 'mempool-script-verify-flag-failed (Data push larger than necessary)');
  assert.equal(minimal.ok ? '' : minimal.kind, 'not-standard');
  // A P2WPKH spend with a corrupted signature fails consensus too.
  const bad = f.spend([f.fund(50_000n)], [40_000n]);
  const s0 = bad.inputs[0]!.witness[0]!;
  s0[10] = s0[10]! ^ 1;
  // Under the standard flags a failed signature trips NULLFAIL first; it fails consensus too.
  const broken = pool.accept(bad, f.ctx());
  rejected(
    broken,
    'mempool-script-verify-flag-failed (Signature must be zero for failed CHECK(MULTI)SIG operation)',
  );
  assert.equal(broken.ok ? '' : broken.kind, 'consensus');
});

test('sigops: cost over 16,000 is bad-txns-too-many-sigops; dense sigops raise the vsize', () => {
  const loose = f.core({ requireStandard: false });
  const multisigs = (n: number) => ({ value: 1000n, scriptPubKey: new Uint8Array(n).fill(0xae) });
  // Each bare CHECKMULTISIG costs 20 legacy sigops × 4.
  rejected(
    loose.accept(f.spend([f.fund(50_000n)], [40_000n, multisigs(201)]), f.ctx()),
    'bad-txns-too-many-sigops',
  );
  const r = loose.accept(f.spend([f.fund(50_000n)], [40_000n, multisigs(100)]), f.ctx());
  assert.ok(r.ok);
  assert.equal(r.entry.sigopCost, 100 * 20 * 4 + 1);
  // vsize = max(weight, sigop cost × 20 bytes) / 4
  assert.equal(r.entry.vsize, Math.ceil((r.entry.sigopCost * 20) / 4));
});
