import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadKzgBackend } from '@keel/crypto/kzg';
import {
  L1Client,
  RollupNode,
  RollupRpcServer,
  readRollupConfig,
  writeRollupConfig,
} from '@keel/rollup-node';
import type { Logger } from '@keel/util';

type Hex = `0x${string}`;

import { CliError } from '../../errors.ts';
import type { RollupRunOptions } from './options.ts';

/** One JSON line per event on stderr (progress output a script can read). */
function lineLogger(bindings: Record<string, unknown> = {}): Logger {
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      const o = typeof obj === 'string' ? { msg: obj } : { ...obj, msg };
      process.stderr.write(`${JSON.stringify({ level, time: Date.now(), ...bindings, ...o })}\n`);
    };
  return {
    trace: () => {},
    debug: () => {},
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (b) => lineLogger({ ...bindings, ...b }),
  };
}

function readKey(path: string | undefined): Hex {
  if (!path) throw new CliError('--key-file is needed in sequencer mode');
  const k = readFileSync(path, 'utf8').trim();
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(k)) throw new CliError(`${path}: not a 32-byte hex key`);
  return (k.startsWith('0x') ? k : `0x${k}`) as Hex;
}

export async function rollupRunHandler(o: RollupRunOptions): Promise<number> {
  const log = lineLogger({ mode: o.mode });
  const path = o.config ?? join(o.datadir, 'rollup.json');
  const key = o.mode === 'sequencer' ? readKey(o.keyFile) : undefined;
  if (!existsSync(path)) {
    if (o.mode !== 'sequencer') throw new CliError(`no rollup config at ${path} (--config)`);
    mkdirSync(dirname(path), { recursive: true });
    const l1 = new L1Client(o.l1);
    const d = await l1.deploy(key!, o.challengePeriod);
    writeRollupConfig(path, {
      version: 1,
      ...d,
      l2ChainId: o.l2ChainId,
      genesisTimestamp: Math.floor(Date.now() / 1000),
      challengePeriod: o.challengePeriod,
      alloc: {},
    });
    log.info(
      { rollup: d.rollup, bridge: d.bridge, config: path },
      'deployed Rollup.sol and Bridge.sol on L1',
    );
  }
  const config = readRollupConfig(path);
  const node = new RollupNode({
    mode: o.mode,
    l1: o.l1,
    datadir: o.datadir,
    config,
    sequencerKey: key,
    kzg: o.mode === 'sequencer' ? await loadKzgBackend('auto') : undefined,
    ordering: o.ordering,
    fairWindowMs: o.fairWindow,
    blockTimeMs: o.blockTime,
    batchIntervalMs: o.batchInterval,
    logger: log,
  });
  await node.start();
  const rpc = new RollupRpcServer(node);
  const url = await rpc.listen(o.rpcPort);
  log.info(
    { rpc: url, config: path, rollup: config.rollup, bridge: config.bridge },
    'rollup node running',
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await rpc.close();
  await node.stop();
  return 0;
}
