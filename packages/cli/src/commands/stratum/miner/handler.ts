import { Miner, parseAuthorityKeyArg } from '@keel/stratum-node';
import { isKeelError, type Logger } from '@keel/util';
import { pino } from 'pino';
import { CliError } from '../../../errors.ts';
import type { MinerCliOptions } from './options.ts';

export async function minerHandler(o: MinerCliOptions): Promise<number> {
  const log = pino({ level: o.logLevel }, pino.destination(2)) as unknown as Logger;
  let authorityPublicKey: Uint8Array;
  try {
    authorityPublicKey = parseAuthorityKeyArg(o.authorityKey);
  } catch (e) {
    throw new CliError(`--authority-key: ${isKeelError(e) ? e.message : String(e)}`);
  }
  const miner = new Miner({
    host: o.pool.host,
    port: o.pool.port,
    authorityPublicKey,
    threads: o.threads,
    user: o.user,
    channel: o.channel,
    nominalHashRate: o.nominalHashRate,
    logger: log,
  });
  await miner.start();
  const started = Date.now();
  const report = setInterval(() => {
    const s = miner.stats;
    const secs = (Date.now() - started) / 1000;
    log.info(
      {
        hashrate: Math.round(s.hashes / secs),
        accepted: s.sharesAccepted,
        rejected: s.sharesRejected,
        connected: s.connected,
      },
      'mining',
    );
  }, 10_000);
  await new Promise<void>((resolve) => {
    if (o.exitAfterShares !== undefined) {
      miner.on('accepted', () => {
        if (miner.stats.sharesAccepted >= (o.exitAfterShares ?? 0)) resolve();
      });
    }
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  clearInterval(report);
  await miner.stop();
  setTimeout(() => process.exit(process.exitCode ?? 0), 500).unref();
  return 0;
}
