import { homedir } from 'node:os';
import { join } from 'node:path';
import { encodeAuthorityKey } from '@keel/stratum';
import {
  GbtTemplateSource,
  JobDeclaratorClient,
  loadOrCreateAuthority,
  parseAuthorityKeyArg,
} from '@keel/stratum-node';
import { isKeelError, type Logger } from '@keel/util';
import { pino } from 'pino';
import { CliError } from '../../../errors.ts';
import type { JdClientCliOptions } from './options.ts';

export async function jdClientHandler(o: JdClientCliOptions): Promise<number> {
  const log = pino({ level: o.logLevel }, pino.destination(2)) as unknown as Logger;
  let authorityPublicKey: Uint8Array;
  try {
    authorityPublicKey = parseAuthorityKeyArg(o.authorityKey);
  } catch (e) {
    throw new CliError(`--authority-key: ${isKeelError(e) ? e.message : String(e)}`);
  }
  const datadir = o.datadir ?? join(homedir(), '.keel', 'jdc');
  const identity = loadOrCreateAuthority(datadir);
  const source = new GbtTemplateSource({
    url: o.rpcUrl,
    ...(o.rpcCookie !== undefined ? { cookieFile: o.rpcCookie } : {}),
    ...(o.rpcUser !== undefined ? { user: o.rpcUser, password: o.rpcPassword ?? '' } : {}),
    pollMs: o.rpcPollMs,
    logger: log.child({ mod: 'gbt' }),
  });
  const jdc = new JobDeclaratorClient({
    pools: o.pool,
    jds: o.jds,
    authorityPublicKey,
    source,
    identity,
    host: o.listen.host,
    port: o.listen.port,
    user: o.user,
    logger: log,
  });
  try {
    await source.start();
    await jdc.start();
  } catch (e) {
    await jdc.stop();
    await source.stop();
    throw new CliError(`cannot start the JDC: ${(e as Error).message}`);
  }
  const { host, port } = jdc.address;
  process.stdout.write(
    `JDC on ${host}:${port} (${jdc.mode}), authority key ${encodeAuthorityKey(identity.authorityPublicKey)} (also in ${join(datadir, 'authority.pub')})\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await jdc.stop();
  await source.stop();
  setTimeout(() => process.exit(process.exitCode ?? 0), 500).unref();
  return 0;
}
