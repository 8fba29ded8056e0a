import { homedir } from 'node:os';
import { join } from 'node:path';
import { BitcoinNode } from '@keel/bitcoin-node';
import { isKeelError, type Logger } from '@keel/util';
import { pino } from 'pino';
import { CliError } from '../../../errors.ts';
import type { NodeCliOptions } from './options.ts';

/** Runs the node until SIGINT/SIGTERM or the `stop` RPC; exit 0 after a clean shutdown. */
export async function nodeHandler(o: NodeCliOptions): Promise<number> {
  const log = pino({ level: o.logLevel }, pino.destination(2)) as unknown as Logger;
  const node = new BitcoinNode({
    network: o.network,
    datadir: o.datadir ?? join(homedir(), '.keel'),
    listen: o.listen,
    connect: o.connect,
    addnode: o.addnode,
    v2transport: o.v2transport,
    ...(o.erlay
      ? { erlay: o.erlayFanout === undefined ? {} : { fanoutOutbound: o.erlayFanout } }
      : {}),
    dbcacheMB: o.dbcache,
    workers: o.workers,
    logger: log,
    rpc: o.server
      ? {
          ...(o.rpcport === undefined ? {} : { port: o.rpcport }),
          ...(o.rpcbind ? { host: o.rpcbind } : {}),
          ...(o.rpcuser ? { user: o.rpcuser, password: o.rpcpassword! } : {}),
        }
      : false,
    ...(o.bind ? { bind: o.bind } : {}),
    ...(o.port === undefined ? {} : { port: o.port }),
    ...(o.assumevalid ? { assumeValid: o.assumevalid } : {}),
    ...(o.maxtipage === undefined ? {} : { maxTipAgeSeconds: o.maxtipage }),
  });
  try {
    await node.start();
  } catch (e) {
    await node.stop().catch(() => undefined);
    if (isKeelError(e)) throw new CliError(e.message);
    throw e;
  }
  const onSignal = () => {
    log.info({}, 'shutting down');
    void node.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await node.stopped;
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  return 0;
}
