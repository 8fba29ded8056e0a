import { getAccount, signTx, type UnsignedTx } from '@keel/ledger';
import { bytesToHex } from '@keel/util';
import { CliError } from '../../../errors.ts';
import { logsToJson, print } from '../common.ts';
import {
  LOCAL_CHAIN_ID,
  nextBlock,
  openLocalState,
  parseAddress,
  parseHexArg,
  saveLocalState,
  withLock,
} from '../localState.ts';
import { callRemote } from '../remote.ts';
import type { CallOptions } from './options.ts';

/**
 * Calls METHOD as a transaction from the developer account. `--gas` is the contract's gas (the
 * transaction's limit is that plus its intrinsic cost), and `gasUsed` is what the contract
 * used — so out_of_gas reports exactly `--gas`.
 */
export async function callHandler(
  addressHex: string,
  method: string,
  opts: CallOptions,
): Promise<number> {
  const address = parseAddress(addressHex);
  const input = parseHexArg('--args', opts.args);
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(method))
    throw new CliError(`METHOD must be an identifier of at most 64 characters (got "${method}")`);
  if (opts.rpc !== undefined) {
    return callRemote(address, method, input, opts.gas, opts.value, {
      ...opts,
      rpc: opts.rpc,
      secretKeyFile: opts.secretKeyFile ?? '',
    });
  }
  const state = opts.state!;
  return withLock(state, () => {
    const s = openLocalState(state);
    const unsigned: UnsignedTx = {
      chainId: LOCAL_CHAIN_ID,
      from: s.address,
      nonce: getAccount(s.state, s.address).nonce,
      gasLimit: 0,
      gasPrice: 1n,
      kind: 'call',
      to: address,
      value: opts.value,
      method,
      input,
    };
    const intrinsic = s.ledger.intrinsicGas({ ...unsigned, signature: new Uint8Array(64) });
    const tx = signTx({ ...unsigned, gasLimit: intrinsic + opts.gas }, s.seed);
    const r = s.ledger.applyBlock(s.state, [tx], nextBlock(s));
    const receipt = r.receipts[0]!;
    if (!opts.dryRun) {
      s.state = r.state;
      saveLocalState(s);
    }
    const out = {
      status: receipt.status,
      gasUsed: receipt.gasUsed - intrinsic,
      returnData: bytesToHex(receipt.returnData),
      logs: logsToJson(receipt.logs),
      ...(receipt.error ? { error: receipt.error } : {}),
    };
    const human = [
      `status   ${out.status}${receipt.error ? ` (${receipt.error.code}: ${receipt.error.message})` : ''}`,
      `gas used ${out.gasUsed} of ${opts.gas}`,
      `return   ${out.returnData || '(empty)'}`,
      ...out.logs.map((l, i) => `log ${i}    topics [${l.topics.join(', ')}] data ${l.data}`),
    ].join('\n');
    print(opts.json, out, human);
    return 0;
  });
}
