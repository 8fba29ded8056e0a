import { createHttpClient, type ReceiptJson } from '@keel/api';
import { createLedger, type SignedTx, type UnsignedTx } from '@keel/ledger';
import { createRuntime, RuntimeError } from '@keel/runtime';
import { bytesToHex } from '@keel/util';
import { CliError } from '../../errors.ts';
import { submitTx } from '../chain/tx/handler.ts';
import { print, readWasm, reject } from './common.ts';

/** What `keel contract deploy|call --rpc` need to sign, submit and wait. */
export interface RemoteOptions {
  readonly rpc: string;
  readonly secretKeyFile: string;
  readonly gasPrice: string;
  readonly nonce?: number | undefined;
  /** Seconds to wait for the receipt. */
  readonly timeout: number;
  readonly json: boolean;
}

// Intrinsic gas is a pure function of the transaction and the ledger parameters; the devnet and
// `keel chain init-genesis` use the default parameters.
const ledger = createLedger();
const withContractGas =
  (gas: number) =>
  (tx: UnsignedTx): number =>
    ledger.intrinsicGas({ ...tx, gasLimit: gas, signature: new Uint8Array(64) } as SignedTx) + gas;

/**
 * Polls `chain_getTransactionReceipt` until the transaction is in a committed block (a BFT
 * commit is final) or `timeoutS` passes. Progress goes to stderr, never to --json's stdout.
 */
async function waitForReceipt(
  rpc: string,
  hash: string,
  timeoutS: number,
  quiet: boolean,
): Promise<ReceiptJson> {
  const client = createHttpClient({ url: rpc });
  const deadline = Date.now() + timeoutS * 1000;
  if (!quiet) process.stderr.write(`submitted ${hash}, waiting for its block…\n`);
  for (;;) {
    const r = await client.call('chain_getTransactionReceipt', { hash });
    if (r) return r;
    if (Date.now() > deadline) {
      throw new CliError(
        `${hash} is not in a committed block after ${timeoutS} s (still pending or dropped; ` +
          'check the node with `keel chain tx` / mempool_status, or raise --timeout)',
      );
    }
    await new Promise((ok) => setTimeout(ok, 200));
  }
}

export async function deployRemote(
  file: string,
  initInput: Uint8Array,
  gas: number,
  o: RemoteOptions,
): Promise<number> {
  const code = readWasm(file);
  let codeHash: Uint8Array;
  try {
    // the node validates too; checking first gives the reason without spending a fee
    codeHash = createRuntime().validate(code).codeHash;
  } catch (e) {
    if (e instanceof RuntimeError) return reject(o.json, e.code, `${file}: ${e.message}`);
    throw e;
  }
  const sent = await submitTx(
    { ...o, gasLimit: withContractGas(gas) },
    { kind: 'deploy', code, initInput },
  );
  const r = await waitForReceipt(o.rpc, sent.hash, o.timeout, o.json);
  if (r.status !== 'ok' || !r.contractAddress) {
    const why = r.error?.message ?? Buffer.from(r.returnData.replace(/^0x/, ''), 'hex').toString();
    return reject(
      o.json,
      r.error?.code ?? 'ERR_CONTRACT_INIT',
      `${file}: init ${r.status}: ${why}`,
    );
  }
  print(
    o.json,
    {
      address: r.contractAddress,
      codeHash: bytesToHex(codeHash),
      txHash: r.txHash,
      height: r.height,
    },
    [
      `deployed ${file}`,
      `address  ${r.contractAddress}`,
      `codeHash ${bytesToHex(codeHash)}`,
      `tx       ${r.txHash} (height ${r.height})`,
      `gas used ${r.gasUsed}, fee ${r.fee}`,
    ].join('\n'),
  );
  return 0;
}

export async function callRemote(
  address: Uint8Array,
  method: string,
  input: Uint8Array,
  gas: number,
  value: bigint,
  o: RemoteOptions & { readonly dryRun: boolean },
): Promise<number> {
  let out: {
    status: string;
    gasUsed: number;
    returnData: string;
    logs: readonly unknown[];
    txHash?: string;
    height?: number;
    error?: { code: string; message: string };
  };
  if (o.dryRun) {
    if (value !== 0n)
      throw new CliError('--dry-run over --rpc cannot send --value (contract_call is read-only)');
    const r = await createHttpClient({ url: o.rpc }).call('contract_call', {
      address: bytesToHex(address),
      method,
      args: bytesToHex(input),
      gas,
    });
    out = { status: r.status, gasUsed: r.gasUsed, returnData: r.returnData, logs: r.logs };
  } else {
    const sent = await submitTx(
      { ...o, gasLimit: withContractGas(gas) },
      { kind: 'call', to: address, value, method, input },
    );
    const r = await waitForReceipt(o.rpc, sent.hash, o.timeout, o.json);
    out = {
      status: r.status,
      // the contract's gas, as the local path and contract_call report it (intrinsic left out)
      gasUsed: r.gasUsed - (sent.gasLimit - gas),
      returnData: r.returnData,
      logs: r.logs,
      txHash: r.txHash,
      height: r.height,
      ...(r.error ? { error: { code: r.error.code, message: r.error.message } } : {}),
    };
  }
  const human = [
    `status   ${out.status}${out.error ? ` (${out.error.code}: ${out.error.message})` : ''}`,
    `gas used ${out.gasUsed} of ${gas}${o.dryRun ? ' (dry run: nothing submitted)' : ''}`,
    `return   ${out.returnData || '(empty)'}`,
    ...(out.txHash ? [`tx       ${out.txHash} (height ${out.height})`] : []),
    ...out.logs.map((l, i) => `log ${i}    ${JSON.stringify(l)}`),
  ].join('\n');
  print(o.json, out, human);
  return 0;
}
