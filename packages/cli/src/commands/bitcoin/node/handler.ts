import { homedir } from 'node:os';
import { join } from 'node:path';
import { BitcoinNode, NodeTemplateProvider, networkDataDir } from '@keel/bitcoin-node';
import { loadOrCreateAuthority, TdpServer } from '@keel/stratum-node';
import { isKeelError, type Logger } from '@keel/util';
import { pino } from 'pino';
import { CliError } from '../../../errors.ts';
import type { NodeCliOptions } from './options.ts';

/** Runs the node until SIGINT/SIGTERM or the `stop` RPC; exit 0 after a clean shutdown. */
export async function nodeHandler(o: NodeCliOptions): Promise<number> {
  const log = pino({ level: o.logLevel }, pino.destination(2)) as unknown as Logger;
  const datadir = o.datadir ?? join(homedir(), '.keel');
  const node = new BitcoinNode({
    network: o.network,
    datadir,
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
  let tdp: { server: TdpServer; provider: NodeTemplateProvider } | undefined;
  if (o.tdpListen) {
    const sv2Dir = join(networkDataDir(datadir, o.network), 'sv2');
    const provider = new NodeTemplateProvider(node.chain, node.mempool, {
      now: () => Math.floor(Date.now() / 1000),
      feeThreshold: BigInt(o.tdpFeeDelta),
    });
    const server = new TdpServer({
      provider,
      identity: loadOrCreateAuthority(sv2Dir),
      host: o.tdpListen.host,
      port: o.tdpListen.port,
      logger: log.child({ mod: 'tdp' }),
    });
    try {
      await server.start();
    } catch (e) {
      await node.stop().catch(() => undefined);
      throw new CliError(
        `--tdp-listen ${o.tdpListen.host}:${o.tdpListen.port}: ${(e as Error).message}`,
      );
    }
    tdp = { server, provider };
    const a = server.address;
    log.info(
      { tdp: `${a.host}:${a.port}`, authorityKey: join(sv2Dir, 'authority.pub') },
      'Template Distribution server listening',
    );
  }
  const onSignal = () => {
    log.info({}, 'shutting down');
    void node.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await node.stopped;
  if (tdp) {
    tdp.provider.close();
    await tdp.server.stop();
  }
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  return 0;
}
