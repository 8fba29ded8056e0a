import {
  parseAuthorityKeyArg,
  SplitChannelBackend,
  Sv1Server,
  UpstreamChannel,
} from '@keel/stratum-node';
import { isKeelError, type Logger } from '@keel/util';
import { pino } from 'pino';
import { CliError } from '../../../errors.ts';
import type { TranslatorCliOptions } from './options.ts';

export async function translatorHandler(o: TranslatorCliOptions): Promise<number> {
  const log = pino({ level: o.logLevel }, pino.destination(2)) as unknown as Logger;
  let authorityPublicKey: Uint8Array;
  try {
    authorityPublicKey = parseAuthorityKeyArg(o.authorityKey);
  } catch (e) {
    throw new CliError(`--authority-key: ${isKeelError(e) ? e.message : String(e)}`);
  }
  const upstream = new UpstreamChannel({
    upstreams: o.upstream,
    authorityPublicKey,
    user: o.user,
    logger: log.child({ mod: 'upstream' }),
  });
  try {
    await upstream.start();
  } catch (e) {
    await upstream.stop();
    throw new CliError(`cannot open the upstream channel: ${(e as Error).message}`);
  }
  const sv1 = new Sv1Server({
    pool: new SplitChannelBackend(upstream),
    host: o.listen.host,
    port: o.listen.port,
    logger: log.child({ mod: 'sv1' }),
  });
  await sv1.start();
  const { host, port } = sv1.address;
  process.stdout.write(
    `SV1 translator on ${host}:${port} → SV2 ${upstream.upstream.host}:${upstream.upstream.port}\n`,
  );
  const report = setInterval(() => {
    log.info(
      {
        miners: upstream.localChannels.length,
        forwarded: upstream.sharesForwarded,
        accepted: upstream.sharesAccepted,
        rejected: upstream.sharesRejected,
        upstream: upstream.upstream,
      },
      'translating',
    );
  }, 10_000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  clearInterval(report);
  await sv1.stop();
  await upstream.stop();
  setTimeout(() => process.exit(process.exitCode ?? 0), 500).unref();
  return 0;
}
