import { getAccount, getCode } from '@keel/ledger';
import { createRuntime, RuntimeError } from '@keel/runtime';
import { bytesToHex } from '@keel/util';
import { CliError } from '../../../errors.ts';
import { print, readWasm, reject } from '../common.ts';
import { openLocalState, parseAddress } from '../localState.ts';
import type { InspectOptions } from './options.ts';

export async function inspectHandler(target: string, opts: InspectOptions): Promise<number> {
  let code: Uint8Array;
  let account: Record<string, string> = {};
  if (opts.state) {
    const s = openLocalState(opts.state);
    const address = parseAddress(target);
    const c = getCode(s.state, address);
    if (!c) throw new CliError(`no contract at ${target} in ${opts.state}`, {}, 1);
    code = c;
    const a = getAccount(s.state, address);
    account = { address: target.toLowerCase(), balance: a.balance.toString() };
  } else {
    code = readWasm(target);
  }
  let info: ReturnType<ReturnType<typeof createRuntime>['validate']>;
  try {
    info = createRuntime().validate(code);
  } catch (e) {
    if (e instanceof RuntimeError) return reject(opts.json, e.code, `${target}: ${e.message}`);
    throw e;
  }
  const out = {
    ...account,
    codeHash: bytesToHex(info.codeHash),
    bytes: code.length,
    methods: info.methods,
    imports: info.imports,
    memoryPages: info.memoryPages,
    instrumentedBytes: info.instrumentedBytes,
    maxFrameCost: Math.max(0, ...info.frameCosts),
  };
  const human = Object.entries(out)
    .map(([k, v]) => `${k.padEnd(17)} ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join('\n');
  print(opts.json, out, human);
  return 0;
}
