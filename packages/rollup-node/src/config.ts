import { readFileSync, writeFileSync } from 'node:fs';
import { RollupNodeError, RollupNodeErrorCode } from './errors.ts';

/** What sequencer and verifiers must share: the L1 contracts and the L2 genesis (`rollup.json`). */
export interface RollupConfig {
  readonly version: 1;
  readonly l1ChainId: number;
  /** `Rollup.sol` on L1 (0x-hex). */
  readonly rollup: string;
  /** `Bridge.sol` on L1 (0x-hex). */
  readonly bridge: string;
  /** L1 block of the deployment: logs are read from here. */
  readonly deployBlock: number;
  readonly l2ChainId: number;
  /** L2 genesis timestamp (seconds). */
  readonly genesisTimestamp: number;
  /** L1 address allowed to submit batches; also the L2 fee recipient. */
  readonly sequencer: string;
  readonly challengePeriod: number;
  /** L2 genesis balances (address → wei, decimal string). */
  readonly alloc: Readonly<Record<string, string>>;
}

function bad(key: string, why: string): never {
  throw new RollupNodeError(RollupNodeErrorCode.INVALID_CONFIG, `rollup config ${key}: ${why}`, {
    key,
  });
}

const ADDR = /^0x[0-9a-fA-F]{40}$/;
const KEYS = [
  'version',
  'l1ChainId',
  'rollup',
  'bridge',
  'deployBlock',
  'l2ChainId',
  'genesisTimestamp',
  'sequencer',
  'challengePeriod',
  'alloc',
];

export function parseRollupConfig(v: unknown): RollupConfig {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad('(root)', 'not an object');
  const o = v as Record<string, unknown>;
  // a misspelt key would otherwise fall back to a default silently
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) bad(k, 'unknown key');
  if (o.version !== 1) bad('version', `must be 1, got ${JSON.stringify(o.version)}`);
  for (const k of ['rollup', 'bridge', 'sequencer']) {
    if (typeof o[k] !== 'string' || !ADDR.test(o[k] as string)) bad(k, 'must be a 0x address');
  }
  for (const k of [
    'l1ChainId',
    'deployBlock',
    'l2ChainId',
    'genesisTimestamp',
    'challengePeriod',
  ]) {
    if (!Number.isSafeInteger(o[k]) || (o[k] as number) < 0) bad(k, 'must be an integer >= 0');
  }
  const alloc = o.alloc ?? {};
  if (typeof alloc !== 'object' || alloc === null || Array.isArray(alloc)) {
    bad('alloc', 'must be an object');
  }
  for (const [a, w] of Object.entries(alloc)) {
    if (!ADDR.test(a)) bad(`alloc.${a}`, 'key must be a 0x address');
    if (typeof w !== 'string' || !/^[0-9]+$/.test(w)) bad(`alloc.${a}`, 'must be a decimal string');
  }
  return { ...(o as unknown as RollupConfig), alloc: alloc as Record<string, string> };
}

export function readRollupConfig(path: string): RollupConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    bad('(file)', `cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return parseRollupConfig(JSON.parse(text));
  } catch (e) {
    if (e instanceof SyntaxError) bad('(file)', `${path} is not JSON: ${e.message}`);
    throw e;
  }
}

export function writeRollupConfig(path: string, c: RollupConfig): void {
  writeFileSync(path, `${JSON.stringify(c, null, 2)}\n`);
}
