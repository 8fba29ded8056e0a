import { readFileSync } from 'node:fs';
import { hexToBytes } from '@keel/util';
import { Command } from 'commander';
import { CliError } from '../../../errors.ts';
import { parseOptions } from '../../../options.ts';
import type * as Handler from './handler.ts';
import { callOptionsSchema, deployOptionsSchema, transferOptionsSchema } from './options.ts';

/** Loaded on first use, so other commands do not pay for this one's imports. */
const handler = (): Promise<typeof Handler> => import('./handler.ts');

const strip = (h: string) => (h.startsWith('0x') ? h.slice(2) : h);

function common(c: Command): Command {
  return c
    .requiredOption('--secret-key-file <file>', 'file with the sender’s 32-byte ed25519 seed (hex)')
    .option('--rpc <url>', 'node JSON-RPC URL', 'http://127.0.0.1:8545')
    .option('--gas-limit <n>', 'gas limit', '100000')
    .option('--gas-price <n>', 'fee per gas unit', '1')
    .option('--nonce <n>', 'nonce (default: the account’s next nonce from the node)')
    .option('--json', 'print {hash, status, from, nonce}');
}

export function txCommand(): Command {
  const transfer = common(new Command('transfer'))
    .description('Sign and submit a transfer.')
    .requiredOption('--to <address>', 'recipient (32-byte hex)')
    .requiredOption('--amount <units>', 'amount')
    .action(async (raw: unknown) => {
      const o = parseOptions(transferOptionsSchema, raw);
      process.exitCode = await (await handler()).sendTx(o, {
        kind: 'transfer',
        to: hexToBytes(strip(o.to)),
        amount: BigInt(o.amount),
      });
    });
  const deploy = common(new Command('deploy'))
    .description('Sign and submit a contract deployment of FILE.wasm.')
    .argument('<file>', 'WASM module')
    .option('--init <hex>', 'input for the module’s init export', '')
    .action(async (file: string, raw: unknown) => {
      const o = parseOptions(deployOptionsSchema, raw);
      let code: Uint8Array;
      try {
        code = new Uint8Array(readFileSync(file));
      } catch (e) {
        throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
      }
      process.exitCode = await (await handler()).sendTx(o, {
        kind: 'deploy',
        code,
        initInput: hexToBytes(strip(o.init)),
      });
    });
  const call = common(new Command('call'))
    .description('Sign and submit a contract call (state-changing; use contract_call RPC to read).')
    .argument('<address>', 'contract address (32-byte hex)')
    .argument('<method>', 'exported method name')
    .option('--args <hex>', 'input bytes', '')
    .option('--value <units>', 'value sent with the call', '0')
    .action(async (address: string, method: string, raw: unknown) => {
      const o = parseOptions(callOptionsSchema, raw);
      if (!/^(0x)?[0-9a-fA-F]{64}$/.test(address)) throw new CliError('address: 32 bytes of hex');
      process.exitCode = await (await handler()).sendTx(o, {
        kind: 'call',
        to: hexToBytes(strip(address)),
        value: BigInt(o.value),
        method,
        input: hexToBytes(strip(o.args)),
      });
    });
  return new Command('tx')
    .description('Sign ledger transactions with an account seed and submit them to a node.')
    .addCommand(transfer)
    .addCommand(deploy)
    .addCommand(call);
}
