import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@keel/crypto/hashes';
import {
  DIFF1_TARGET,
  difficultyToTarget,
  encodeAuthorityKey,
  type TemplateProvider,
} from '@keel/stratum';
import {
  type AuxChainConfig,
  GbtTemplateSource,
  JobDeclaratorServer,
  loadOrCreateAuthority,
  MergeMiningCoordinator,
  Pool,
  parseAuthorityKeyArg,
  RegtestTemplateSource,
  StatsServer,
  Sv1Server,
  TdpServer,
  TdpTemplateSource,
} from '@keel/stratum-node';
import { bytesToHex, concatBytes, hexToBytes, type Logger, reverseBytes } from '@keel/util';
import { pino } from 'pino';
import { z } from 'zod';
import { CliError } from '../../../errors.ts';
import type { PoolCliOptions } from './options.ts';

/** Regtest default payout: P2WSH(OP_TRUE), spendable by anyone with the witness [OP_TRUE]. */
const OP_TRUE_P2WSH = concatBytes(Uint8Array.of(0x00, 0x20), sha256(Uint8Array.of(0x51)));
/** Regtest default share target: 2^240 (about 65 536 hashes a share). */
const REGTEST_SHARE_TARGET = 1n << 240n;

const auxChainsSchema = z
  .array(
    z.strictObject({
      name: z.string().min(1).max(64),
      url: z.string().url(),
      address: z.string().min(1),
      cookieFile: z.string().min(1).optional(),
      user: z.string().optional(),
      password: z.string().optional(),
      chainId: z.number().int().min(0).max(0x7fffffff).optional(),
    }),
  )
  .min(1)
  .max(32);

function loadAuxChains(path: string): AuxChainConfig[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CliError(`--merge-mining ${path}: ${(e as Error).message}`);
  }
  const r = auxChainsSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new CliError(`--merge-mining ${path}: ${i.path.join('.') || 'top level'}: ${i.message}`);
  }
  return r.data.map(
    (c) =>
      Object.fromEntries(
        Object.entries(c).filter(([, v]) => v !== undefined),
      ) as unknown as AuxChainConfig,
  );
}

/** The ledger export holds bigints only as strings already; this guards any stray bigint. */
function jsonSafe(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)));
}

function authorityKey(arg: string, flag: string): Uint8Array {
  try {
    return parseAuthorityKeyArg(arg);
  } catch (e) {
    throw new CliError(`${flag}: ${(e as Error).message}`);
  }
}

export async function poolHandler(o: PoolCliOptions): Promise<number> {
  const log = pino({ level: o.logLevel }, pino.destination(2)) as unknown as Logger;
  const datadir = o.datadir ?? join(homedir(), '.keel', o.regtest ? 'regtest' : 'main');
  const identity = loadOrCreateAuthority(datadir);
  let regtest: RegtestTemplateSource | undefined;
  let provider: TemplateProvider;
  if (o.regtest) {
    regtest = new RegtestTemplateSource({ logger: log.child({ mod: 'regtest' }) });
    provider = regtest;
  } else if (o.tdp !== undefined) {
    if (o.payoutScript === undefined) {
      throw new CliError('--payout-script is required with --tdp (the coinbase pays to it)');
    }
    provider = new TdpTemplateSource({
      host: o.tdp.host,
      port: o.tdp.port,
      authorityPublicKey: authorityKey(o.tdpAuthorityKey ?? '', '--tdp-authority-key'),
      logger: log.child({ mod: 'tdp' }),
    });
  } else {
    if (o.payoutScript === undefined) {
      throw new CliError('--payout-script is required with --rpc-url (the coinbase pays to it)');
    }
    provider = new GbtTemplateSource({
      url: o.rpcUrl!,
      ...(o.rpcCookie !== undefined ? { cookieFile: o.rpcCookie } : {}),
      ...(o.rpcUser !== undefined ? { user: o.rpcUser, password: o.rpcPassword ?? '' } : {}),
      pollMs: o.rpcPollMs,
      logger: log.child({ mod: 'gbt' }),
    });
  }
  const initialTarget =
    o.shareDifficulty !== undefined
      ? difficultyToTarget(o.shareDifficulty)
      : o.regtest
        ? REGTEST_SHARE_TARGET
        : DIFF1_TARGET;
  const mm = o.mergeMining
    ? new MergeMiningCoordinator({
        chains: loadAuxChains(o.mergeMining),
        ledgerFile: join(datadir, 'revenue-ledger.json'),
        logger: log.child({ mod: 'merge' }),
      })
    : undefined;
  const payoutScript = o.payoutScript ? hexToBytes(o.payoutScript) : OP_TRUE_P2WSH;
  const jds =
    o.jdListen && regtest
      ? new JobDeclaratorServer({
          identity,
          mempool: regtest,
          payoutScript,
          host: o.jdListen.host,
          port: o.jdListen.port,
          logger: log.child({ mod: 'jds' }),
        })
      : undefined;
  const pool = new Pool({
    ...(mm ? { mergeMining: mm } : {}),
    ...(jds ? { customJobs: jds } : {}),
    identity,
    provider,
    payoutScript,
    host: o.listen.host,
    port: o.listen.port,
    initialTarget,
    vardiff: { sharesPerMinute: o.sharesPerMinute },
    extranoncePrefixSize: o.extranoncePrefixSize,
    extranonceSize: o.extranonceSize,
    logger: log.child({ mod: 'pool' }),
  });
  const services: Array<{ stop(): Promise<void> }> = [];
  try {
    if ('start' in provider && typeof provider.start === 'function') {
      await (provider as GbtTemplateSource).start();
      services.push(provider as GbtTemplateSource);
    }
    if (o.tdpListen) {
      const tdpServer = new TdpServer({
        provider,
        identity,
        host: o.tdpListen.host,
        port: o.tdpListen.port,
        logger: log.child({ mod: 'tdp-server' }),
      });
      await tdpServer.start();
      services.push(tdpServer);
    }
    if (jds) {
      await jds.start();
      services.push(jds);
    }
    if (mm) {
      await mm.start();
      services.push(mm);
    }
    await pool.start();
    services.push(pool);
    if (o.sv1Listen) {
      const sv1 = new Sv1Server({
        pool,
        host: o.sv1Listen.host,
        port: o.sv1Listen.port,
        logger: log.child({ mod: 'sv1' }),
      });
      await sv1.start();
      services.push(sv1);
    }
    if (o.statsListen) {
      const http = new StatsServer(
        pool.stats,
        o.statsListen.host,
        o.statsListen.port,
        mm ? { '/merge-mining': () => mm.stats(), '/ledger': () => jsonSafe(mm.ledgerJSON()) } : {},
      );
      await http.start();
      services.push(http);
    }
  } catch (e) {
    for (const s of services.reverse()) await s.stop();
    throw new CliError(`cannot start the pool: ${(e as Error).message}`);
  }
  const pub = bytesToHex(identity.authorityPublicKey);
  // SRI configs carry the base58check form (04 §4.7); keel takes either.
  const b58 = encodeAuthorityKey(identity.authorityPublicKey);
  const { host, port } = pool.address;
  if (!o.json) {
    process.stdout.write(
      `SV2 pool on ${host}:${port} (Noise_NX), authority key ${b58} (hex ${pub}, also in ${join(datadir, 'authority.pub')})\n`,
    );
  }
  const tip = () =>
    regtest
      ? { height: regtest.tip.height, hash: bytesToHex(reverseBytes(regtest.tip.hash)) }
      : { height: pool.stats.tipHeight, hash: pool.stats.tipHash };
  await new Promise<void>((resolve) => {
    let found = 0;
    pool.on('block', (b: { height: number; hash: string; identity: string }) => {
      found++;
      if (!o.json) process.stdout.write(`block ${b.height} ${b.hash} found by ${b.identity}\n`);
      if (o.exitAfterBlocks !== undefined && found >= o.exitAfterBlocks) resolve();
    });
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  for (const s of services.reverse()) await s.stop();
  const snap = pool.stats.snapshot();
  const t = tip();
  const summary = {
    blocksFound: snap.blocksFound,
    sharesAccepted: snap.sharesAccepted,
    sharesRejected: snap.sharesRejected,
    miners: snap.miners,
    tipHeight: t.height,
    tipHash: t.hash,
  };
  if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else
    process.stdout.write(
      `stopped: ${summary.blocksFound} blocks, ${summary.sharesAccepted} shares accepted, tip ${t.height} ${t.hash}\n`,
    );
  // Everything is closed; do not let a lingering socket keep the process up.
  setTimeout(() => process.exit(process.exitCode ?? 0), 500).unref();
  return 0;
}
