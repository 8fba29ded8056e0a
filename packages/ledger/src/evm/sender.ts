import { decodeTx } from '../tx/encoding.ts';
import { txSenderAndNonce } from './ethTx.ts';

/** The sender account and nonce of an encoded ledger transaction of either kind. */
export function txSender(bytes: Uint8Array): { from: Uint8Array; nonce: bigint } {
  return txSenderAndNonce(bytes, (b) => decodeTx(b));
}
