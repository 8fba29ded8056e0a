import { type ChildProcess, spawn } from 'node:child_process';
import { KeelError } from '@keel/util';

export interface Collected {
  readonly proc: ChildProcess;
  /** Everything the process wrote to stdout / stderr so far. */
  out(): string;
  err(): string;
  /** The exit code (null when killed by a signal). */
  readonly done: Promise<number | null>;
}

/** Spawns `command args`, collecting its output; for e2e tests that drive CLI processes. */
export function spawnCollect(
  command: string,
  args: readonly string[],
  o: { timeoutMs?: number } = {},
): Collected {
  const proc = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(o.timeoutMs ? { timeout: o.timeoutMs } : {}),
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => {
    out += d;
  });
  proc.stderr!.on('data', (d) => {
    err += d;
  });
  const done = new Promise<number | null>((r) => proc.on('close', (code) => r(code)));
  return { proc, out: () => out, err: () => err, done };
}

/** Polls `cond` every 100 ms; throws `timed out waiting for <what>` after `ms`. */
export async function waitUntil(
  cond: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new KeelError('ERR_TEST_TIMEOUT', `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
