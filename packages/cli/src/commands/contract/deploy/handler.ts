import { getAccount, signTx, type UnsignedTx } from '@keel/ledger';
import { RuntimeError } from '@keel/runtime';
import { bytesToHex } from '@keel/util';
import { print, readWasm, reject } from '../common.ts';
import {
  LOCAL_CHAIN_ID,
  nextBlock,
  openLocalState,
  parseHexArg,
  saveLocalState,
  withLock,
} from '../localState.ts';
import { deployRemote } from '../remote.ts';
import type { DeployOptions } from './options.ts';

export async function deployHandler(file: string, opts: DeployOptions): Promise<number> {
  const initInput = parseHexArg('--init-args', opts.initArgs);
  if (opts.rpc !== undefined) {
    return deployRemote(file, initInput, opts.gas, {
      ...opts,
      rpc: opts.rpc,
      secretKeyFile: opts.secretKeyFile!,
    });
  }
  const code = readWasm(file);
  const state = opts.state!;
  return withLock(state, () => {
    const s = openLocalState(state, { create: true });
    let codeHash: Uint8Array;
    try {
      codeHash = s.ledger.runtime.validate(code).codeHash;
    } catch (e) {
      if (e instanceof RuntimeError) return reject(opts.json, e.code, `${file}: ${e.message}`);
      throw e;
    }
    const unsigned: UnsignedTx = {
      chainId: LOCAL_CHAIN_ID,
      from: s.address,
      nonce: getAccount(s.state, s.address).nonce,
      gasLimit: 0,
      gasPrice: 1n,
      kind: 'deploy',
      code,
      initInput,
    };
    const intrinsic = s.ledger.intrinsicGas({ ...unsigned, signature: new Uint8Array(64) });
    const tx = signTx({ ...unsigned, gasLimit: intrinsic + opts.gas }, s.seed);
    const r = s.ledger.applyBlock(s.state, [tx], nextBlock(s));
    const receipt = r.receipts[0]!;
    if (receipt.status !== 'ok') {
      const why = receipt.error?.message ?? Buffer.from(receipt.returnData).toString('utf8');
      return reject(
        opts.json,
        receipt.error?.code ?? 'ERR_CONTRACT_INIT',
        `${file}: init ${receipt.status}: ${why}`,
      );
    }
    s.state = r.state;
    saveLocalState(s);
    const address = bytesToHex(receipt.contractAddress!);
    print(
      opts.json,
      { address, codeHash: bytesToHex(codeHash) },
      `deployed ${file}\naddress  ${address}\ncodeHash ${bytesToHex(codeHash)}\ngas used ${receipt.gasUsed}`,
    );
    return 0;
  });
}
