import { readFileSync } from 'node:fs';
import type { Log } from '@keel/runtime';
import { bytesToHex } from '@keel/util';
import { CliError } from '../../errors.ts';

export function readWasm(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

export function logsToJson(logs: readonly Log[]) {
  return logs.map((l) => ({
    address: bytesToHex(l.address),
    topics: l.topics.map(bytesToHex),
    data: bytesToHex(l.data),
  }));
}

export function print(json: boolean, value: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`);
}

/** A rejection: one clear line on stderr, and `{"error":{code,message}}` on stdout with --json. */
export function reject(json: boolean, code: string, message: string): number {
  if (json) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
  process.stderr.write(`keel: rejected: ${message} (${code})\n`);
  return 1;
}
