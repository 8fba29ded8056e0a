import { exampleWasm } from '@keel/contracts';
import { ed25519, nobleBls } from '@keel/crypto';
import type { BenchHarness, BenchMain } from '@keel/util';
import { bigIntToBytes, concatBytes } from '@keel/util';
import {
  createGenesisState,
  createLedger,
  encodeTx,
  type Ledger,
  type LedgerState,
  type SignedTx,
  signTx,
  type TxBody,
  txSigningPayload,
} from '../src/index.ts';

const B = 'ledger';
const CHAIN = 'bench';

interface Sender {
  seed: Uint8Array;
  address: Uint8Array;
}

function senders(n: number): Sender[] {
  return Array.from({ length: n }, (_, i) => {
    const seed = bigIntToBytes(BigInt(i + 1), 32);
    return { seed, address: ed25519.getPublicKey(seed) };
  });
}

function genesis(ledger: Ledger, accounts: Sender[]): LedgerState {
  const sk = bigIntToBytes(7n, 32);
  return createGenesisState(ledger, {
    chainId: CHAIN,
    balances: accounts.map((a) => ({ address: a.address, amount: 10n ** 15n })),
    validators: [
      {
        address: accounts[0]!.address,
        stake: 10_000n,
        blsPublicKey: nobleBls.secretKeyToPublicKey(sk),
        blsPop: nobleBls.popProve(sk),
        vrfPublicKey: accounts[0]!.address,
      },
    ],
  }).state;
}

function makeBlock(
  accounts: Sender[],
  count: number,
  nonceBase: bigint,
  body: (i: number) => TxBody,
  gasLimit: number,
): SignedTx[] {
  return Array.from({ length: count }, (_, i) => {
    const s = accounts[i % accounts.length]!;
    const nonce = nonceBase + BigInt(Math.floor(i / accounts.length));
    return signTx(
      { chainId: CHAIN, from: s.address, nonce, gasLimit, gasPrice: 1n, ...body(i) },
      s.seed,
    );
  });
}

/** `keel bench ledger`: transfers per second through applyBlock, signature checks included. */
export const main: BenchMain = async (h) => {
  const ledger = createLedger();
  const accounts = senders(200);
  const g = genesis(ledger, accounts);
  const n = Math.max(200, Math.round(2000 * h.scale));
  h.log(`blocks of ${n} transactions from ${accounts.length} senders`);
  const native = makeBlock(
    accounts,
    n,
    0n,
    (i) => ({
      kind: 'transfer',
      to: accounts[(i * 7 + 1) % accounts.length]!.address,
      amount: 1n,
    }),
    10_000,
  );
  benchBlock(h, ledger, g, native, 'native transfers');
  // every transfer creates an account: the most tree writes per transaction
  const fresh = makeBlock(
    accounts,
    n,
    0n,
    (i) => ({ kind: 'transfer', to: bigIntToBytes(BigInt(i) + (1n << 200n), 32), amount: 1n }),
    10_000,
  );
  benchBlock(h, ledger, g, fresh, 'native transfers to new accounts');

  // the example token: deployed once, then every sender gets tokens
  const code = await exampleWasm('token');
  const supply = new Uint8Array(8);
  new DataView(supply.buffer).setBigUint64(0, 10n ** 15n, true);
  const d = ledger.applyBlock(
    g,
    [
      signTx(
        {
          chainId: CHAIN,
          from: accounts[0]!.address,
          nonce: 0n,
          gasLimit: 10_000_000,
          gasPrice: 1n,
          kind: 'deploy',
          code,
          initInput: supply,
        },
        accounts[0]!.seed,
      ),
    ],
    { height: 1n, time: 0n },
  );
  const token = d.receipts[0]!.contractAddress!;
  const amount = (v: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
    return b;
  };
  const fund = makeBlock(
    accounts.slice(0, 1),
    accounts.length - 1,
    1n,
    (i) => ({
      kind: 'call',
      to: token,
      value: 0n,
      method: 'transfer',
      input: concatBytes(accounts[i + 1]!.address, amount(1_000_000)),
    }),
    200_000,
  );
  const funded = ledger.applyBlock(d.state, fund, { height: 2n, time: 0n }).state;
  const nonceBase = (i: number) => (i === 0 ? BigInt(accounts.length) : 0n);
  const tokenTxs = Array.from({ length: n }, (_, i) => {
    const s = accounts[i % accounts.length]!;
    const nonce = nonceBase(i % accounts.length) + BigInt(Math.floor(i / accounts.length));
    return signTx(
      {
        chainId: CHAIN,
        from: s.address,
        nonce,
        gasLimit: 200_000,
        gasPrice: 1n,
        kind: 'call',
        to: token,
        value: 0n,
        method: 'transfer',
        input: concatBytes(accounts[(i * 7 + 1) % accounts.length]!.address, amount(1)),
      },
      s.seed,
    );
  });
  benchBlock(h, ledger, funded, tokenTxs, 'token transfers (contract calls)');
};

function benchBlock(
  h: BenchHarness,
  ledger: Ledger,
  state: LedgerState,
  txs: SignedTx[],
  what: string,
): void {
  const encoded = txs.map((t) => encodeTx(t));
  const check = ledger.applyBlock(state, encoded, { height: 3n, time: 0n });
  const bad = check.receipts.filter((r) => r.status !== 'ok').length;
  if (bad) h.log(`warning: ${bad} of ${txs.length} ${what} did not succeed`);
  // anchor: the signature checks alone (what applyBlock cannot avoid)
  const payloads = txs.map((t) => txSigningPayload(t));
  const sigMs = h.timeMs(
    () => {
      for (let i = 0; i < txs.length; i++)
        ed25519.verify(txs[i]!.signature, payloads[i]!, txs[i]!.from);
    },
    { runs: 3 },
  );
  const ms = h.timeMs(() => ledger.applyBlock(state, encoded, { height: 3n, time: 0n }), {
    runs: 3,
  });
  const perSec = (txs.length / ms) * 1000;
  h.report({
    bench: B,
    metric: `${what} per second through applyBlock (decode, signatures, execution, state root)`,
    value: Math.round(perSec),
    unit: 'tx/s',
    anchor: 'ed25519 verification alone',
    anchorValue: Math.round((txs.length / sigMs) * 1000),
  });
  const noSig = h.timeMs(
    () => ledger.applyBlock(state, encoded, { height: 3n, time: 0n }, { signaturesVerified: true }),
    { runs: 3 },
  );
  h.report({
    bench: B,
    metric: `${what} per second, signatures pre-verified`,
    value: Math.round((txs.length / noSig) * 1000),
    unit: 'tx/s',
  });
  h.report({
    bench: B,
    metric: `${what}: fold ${check.writes.length} writes into the tree and recompute the root`,
    value: h.timeMs(() => state.withWrites(check.writes).root(), { runs: 3 }),
    unit: 'ms',
  });
}
