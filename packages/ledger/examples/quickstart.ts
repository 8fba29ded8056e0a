// The README's API tour, executed by test/unit/examples.test.ts.
import { ed25519, nobleBls } from '@keel/crypto';
import { bigIntToBytes, MemoryKvStore } from '@keel/util';
import {
  createGenesisState,
  createLedger,
  encodeTx,
  getAccount,
  getAccountWithProof,
  loadStateFromStore,
  signTx,
  stateToKvOps,
  stateWritesToKvOps,
  verifyStateProof,
} from '../src/index.ts';

export async function quickstart(): Promise<{
  balance: bigint;
  proofOk: boolean;
  reloaded: boolean;
}> {
  const seed = new Uint8Array(32).fill(1);
  const address = ed25519.getPublicKey(seed);
  const blsSecret = bigIntToBytes(42n, 32);
  const ledger = createLedger();
  const { state, stateRoot } = createGenesisState(ledger, {
    chainId: 'keel-devnet',
    balances: [{ address, amount: 10n ** 18n }],
    validators: [
      {
        address,
        stake: 10_000n,
        blsPublicKey: nobleBls.secretKeyToPublicKey(blsSecret),
        blsPop: nobleBls.popProve(blsSecret),
        vrfPublicKey: address,
      },
    ],
  });
  const store = new MemoryKvStore();
  await store.batch(stateToKvOps(state));

  const to = new Uint8Array(32).fill(2);
  const tx = signTx(
    {
      chainId: 'keel-devnet',
      from: address,
      nonce: 0n,
      gasLimit: 50_000,
      gasPrice: 1n,
      kind: 'transfer',
      to,
      amount: 5n,
    },
    seed,
  );
  const bytes = encodeTx(tx);
  const verdict = ledger.checkTx(state, bytes);
  if (!verdict.ok) return { balance: -1n, proofOk: false, reloaded: false };
  const r = ledger.applyBlock(state, [bytes], { height: 1n, time: 1_700_000_000_000n });
  await store.batch(stateWritesToKvOps(r.writes));

  const proven = getAccountWithProof(r.state, to);
  const reloaded = await loadStateFromStore(store);
  void stateRoot;
  return {
    balance: getAccount(r.state, to).balance,
    proofOk: verifyStateProof(r.stateRoot, proven),
    reloaded: Buffer.from(reloaded.root()).equals(r.stateRoot),
  };
}
