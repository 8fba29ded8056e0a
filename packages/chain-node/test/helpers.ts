import {
  accountFromSeed,
  deriveValidatorKeys,
  LedgerApp,
  Mempool,
  type MempoolOptions,
} from '@keel/chain-node';
import { ecvrfELL2, loadBlsBackend, sha256 } from '@keel/crypto';
import { createGenesisState, createLedger, encodeTx, type LedgerState, signTx } from '@keel/ledger';
import { hexToBytes, nullLogger, utf8ToBytes } from '@keel/util';

export const CHAIN = 'keel-test';

export function account(i: number): { secretKey: Uint8Array; address: string } {
  return accountFromSeed(sha256(utf8ToBytes(`keel/test/account/${i}`)));
}

/** A signed ledger transfer (gas limit 10 000). */
export function transfer(
  from: number,
  to: number,
  nonce: bigint,
  gasPrice = 1n,
  amount = 1n,
  chainId = CHAIN,
): Uint8Array {
  const a = account(from);
  return encodeTx(
    signTx(
      {
        chainId,
        from: hexToBytes(a.address),
        nonce,
        gasLimit: 10_000,
        gasPrice,
        kind: 'transfer',
        to: hexToBytes(account(to).address),
        amount,
      },
      a.secretKey,
    ),
  );
}

/** A ledger with accounts 0..7 funded, and a mempool admitting through `LedgerApp.checkTx`. */
export async function ledgerFixture(
  balance = 10n ** 12n,
  opts: Partial<MempoolOptions> = {},
  overrides = new Map<string, { balance: bigint; nonce: bigint }>(),
) {
  const ledger = createLedger();
  const bls = await loadBlsBackend('blst');
  const k = deriveValidatorKeys(0, new Uint8Array(32).fill(9));
  const g = createGenesisState(ledger, {
    chainId: CHAIN,
    balances: Array.from({ length: 8 }, (_, i) => ({
      address: hexToBytes(account(i).address),
      amount: balance,
    })),
    validators: [
      {
        stake: 1000n,
        blsPublicKey: bls.secretKeyToPublicKey(k.blsSecretKey),
        blsPop: bls.popProve(k.blsSecretKey),
        vrfPublicKey: ecvrfELL2.getPublicKey(k.vrfSecretKey),
      },
    ],
  });
  let mempool: Mempool | null = null;
  const app = new LedgerApp({
    ledger,
    committed: g.state as LedgerState,
    committedHash: '00'.repeat(32),
    maxTxsPerBlock: 5000,
    maxPayloadBytes: 1 << 21,
    mempool: () => mempool!,
    now: () => 0,
    blockByHash: () => null,
    onApplied: () => {},
    logger: nullLogger,
  });
  mempool = new Mempool(
    opts,
    (a) => overrides.get(a) ?? app.account(a),
    (raw) => app.checkTx(raw),
  );
  return { ledger, app, mempool, state: g.state };
}
