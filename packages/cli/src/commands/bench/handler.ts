import { CliError } from '../../errors.ts';
import { createHarness } from './harness.ts';
import type { BenchOptions } from './options.ts';
import { benches } from './registry.ts';

export async function benchHandler(name: string | undefined, opts: BenchOptions): Promise<number> {
  if (!name) {
    for (const [n, b] of Object.entries(benches))
      process.stdout.write(`${n.padEnd(18)} ${b.description}\n`);
    return 0;
  }
  const entry = benches[name];
  if (!entry)
    throw new CliError(`unknown benchmark '${name}'. Known: ${Object.keys(benches).join(', ')}`);
  const run = await entry.load();
  const harness = createHarness({
    ms: opts.quick ? Math.min(opts.ms, 100) : opts.ms,
    scale: opts.quick ? 0.1 : 1,
    write: (line) => process.stdout.write(`${line}\n`),
    log: (line) => process.stderr.write(`# ${line}\n`),
  });
  await run(harness);
  return 0;
}
