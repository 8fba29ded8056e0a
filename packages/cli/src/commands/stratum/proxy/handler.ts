import { homedir } from 'node:os';
import { join } from 'node:path';
import { encodeAuthorityKey } from '@keel/stratum';
import { loadOrCreateAuthority, MiningProxy, parseAuthorityKeyArg } from '@keel/stratum-node';
import { isKeelError, type Logger } from '@keel/util';
import { pino } from 'pino';
import { CliError } from '../../../errors.ts';
import type { ProxyCliOptions } from './options.ts';

export async function proxyHandler(o: ProxyCliOptions): Promise<number> {
  const log = pino({ level: o.logLevel }, pino.destination(2)) as unknown as Logger;
  let upstreamAuthorityKey: Uint8Array;
  try {
    upstreamAuthorityKey = parseAuthorityKeyArg(o.authorityKey);
  } catch (e) {
    throw new CliError(`--authority-key: ${isKeelError(e) ? e.message : String(e)}`);
  }
  const datadir = o.datadir ?? join(homedir(), '.keel', 'proxy');
  const identity = loadOrCreateAuthority(datadir);
  const proxy = new MiningProxy({
    upstreams: o.upstream,
    upstreamAuthorityKey,
    identity,
    host: o.listen.host,
    port: o.listen.port,
    user: o.user,
    vardiff: { sharesPerMinute: o.sharesPerMinute },
    logger: log,
  });
  try {
    await proxy.start();
  } catch (e) {
    await proxy.stop();
    throw new CliError(`cannot start the proxy: ${(e as Error).message}`);
  }
  const { host, port } = proxy.address;
  const up = proxy.upstream.upstream;
  process.stdout.write(
    `SV2 proxy on ${host}:${port} → ${up.host}:${up.port}, authority key ${encodeAuthorityKey(identity.authorityPublicKey)} (also in ${join(datadir, 'authority.pub')})\n`,
  );
  const report = setInterval(() => {
    const u = proxy.upstream;
    log.info(
      {
        devices: proxy.pool.stats.snapshot().channels,
        forwarded: u.forwarded,
        accepted: u.accepted,
        rejected: u.rejected,
        keptLocal: proxy.sharesKeptLocal,
        upstream: u.upstream,
      },
      'proxying',
    );
  }, 10_000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  clearInterval(report);
  await proxy.stop();
  setTimeout(() => process.exit(process.exitCode ?? 0), 500).unref();
  return 0;
}
