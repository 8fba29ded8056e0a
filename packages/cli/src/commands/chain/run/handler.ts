import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ChainNode,
  decryptKeys,
  loadGenesis,
  parseGenesisFile,
  type ValidatorKeys,
} from '@keel/chain-node';
import { loadBlsBackend } from '@keel/crypto';
import { createLedger } from '@keel/ledger';
import { pino } from 'pino';
import { CliError } from '../../../errors.ts';
import { readPassphrase } from '../init-genesis/handler.ts';
import type { RunOptions } from './options.ts';

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`${what}: cannot read ${path}: ${(e as Error).message}`);
  }
}

export async function runHandler(o: RunOptions): Promise<number> {
  const log = pino(
    { level: process.env.KEEL_LOG_LEVEL ?? o.logLevel },
    pino.destination({ dest: 2, sync: true }),
  );
  const genesisPath = o.genesis ?? join(o.datadir, 'genesis.json');
  let genesisJson: unknown;
  try {
    genesisJson = JSON.parse(readText(genesisPath, '--genesis'));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`--genesis: ${genesisPath} is not JSON`);
  }
  const bls = await loadBlsBackend('blst');
  const ledger = createLedger();
  const genesis = loadGenesis(parseGenesisFile(genesisJson), bls, ledger);
  let keys: ValidatorKeys | null = null;
  if (o.keys) {
    if (!o.passphraseFile) throw new CliError('--keys needs --passphrase-file');
    keys = decryptKeys(readText(o.keys, '--keys'), readPassphrase(o.passphraseFile));
  }
  const adminToken = o.adminTokenFile
    ? readText(o.adminTokenFile, '--admin-token-file').trim()
    : null;
  const node = new ChainNode({
    genesis,
    ledger,
    keys,
    datadir: o.datadir,
    bls,
    host: o.host,
    p2pPort: o.p2pPort,
    rpcPort: o.rpcPort,
    staticPeers: o.peers ? o.peers.split(',').filter(Boolean) : [],
    blockTimeMs: o.blockTime,
    consensus: { baseTimeoutMs: o.baseTimeout },
    syncIntervalMs: o.syncInterval,
    maxTxsPerBlock: o.maxTxsPerBlock,
    adminToken,
    logger: log,
    blobRetentionBlocks: o.blobRetentionBlocks,
    verkleWitnessRetentionBlocks: o.verkleWitnessRetentionBlocks,
    blobPool: {
      maxTxs: o.blobPoolMaxTxs,
      maxBlobs: o.blobPoolMaxBlobs,
      maxPerSender: o.blobPoolMaxPerSender,
      replaceBumpPercent: o.blobPoolReplaceBumpPercent,
    },
  });
  await node.start();
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    // Spawned by `keel devnet` over IPC: exit with the parent, never linger as an orphan.
    if (process.send) process.once('disconnect', done);
  });
  log.info('stopping');
  await node.stop();
  // Everything is closed and flushed; do not wait for stray library timers.
  setTimeout(() => process.exit(0), 50).unref();
  return 0;
}
