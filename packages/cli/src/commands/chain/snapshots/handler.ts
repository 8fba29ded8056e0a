import { readFileSync } from 'node:fs';
import { createHttpClient } from '@keel/api';
import {
  createSnapshot,
  listSnapshots,
  loadGenesis,
  loadSnapshot,
  parseGenesisFile,
} from '@keel/chain-node';
import { loadBlsBackend } from '@keel/crypto';
import { createLedger } from '@keel/ledger';
import { hexToBytes } from '@keel/util';
import { CliError } from '../../../errors.ts';
import type { LoadOptions } from './options.ts';

const print = (json: boolean, v: unknown, text: string) =>
  process.stdout.write(json ? `${JSON.stringify(v)}\n` : `${text}\n`);

export async function createHandler(o: { datadir: string; json: boolean }): Promise<number> {
  const m = await createSnapshot(o.datadir);
  const { blocks: _b, ...rest } = m;
  print(o.json, rest, `snapshot of height ${m.height} (root ${m.stateRoot}) in ${m.dir}`);
  return 0;
}

export function listHandler(o: { datadir: string; json: boolean }): number {
  const list = listSnapshots(o.datadir).map(({ blocks: _b, ...m }) => m);
  print(
    o.json,
    list,
    list.length
      ? list.map((m) => `${m.height}\t${m.stateRoot}\t${m.chunks} chunk(s)`).join('\n')
      : 'no snapshots',
  );
  return 0;
}

export async function loadHandler(o: LoadOptions): Promise<number> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(o.genesis, 'utf8'));
  } catch (e) {
    throw new CliError(`--genesis: cannot read ${o.genesis}: ${(e as Error).message}`);
  }
  const bls = await loadBlsBackend('blst');
  const genesis = loadGenesis(parseGenesisFile(json), bls, createLedger());
  const client = o.rpc ? createHttpClient({ url: o.rpc }) : null;
  const fetchBlock = client
    ? async (height: number) => {
        const b = await client.call('chain_getBlockByHeight', { height, raw: true });
        return b?.raw ? hexToBytes(b.raw) : null;
      }
    : undefined;
  const m = await loadSnapshot(o.datadir, o.snapshot, genesis, bls, fetchBlock);
  print(
    o.json,
    { height: m.height, stateRoot: m.stateRoot },
    `loaded height ${m.height} (root ${m.stateRoot}, certified); start the node on ${o.datadir}`,
  );
  return 0;
}
