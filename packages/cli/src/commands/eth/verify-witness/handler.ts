import { readFileSync, statSync } from 'node:fs';
import { createVerkleClient, RpcError } from '@keel/api';
import { hexToBytes } from '@keel/util';
import {
  checkExecutionWitnessPreState,
  decodeExecutionWitnessJSON,
  executionWitnessSize,
  VerkleError,
} from '@keel/verkle';
import { CliError } from '../../../errors.ts';
import type { VerifyWitnessOptions } from './options.ts';

/** Far above any real block witness (Kaustinen blocks: a few kB of proof, ~100 kB of JSON). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

type Obj = Record<string, unknown>;

function readJson(path: string): unknown {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new CliError(
      `cannot read witness file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    );
  }
  if (size > MAX_FILE_BYTES)
    throw new CliError(`${path} is ${size} bytes; the limit is ${MAX_FILE_BYTES}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CliError(`${path} is not JSON: ${(e as Error).message}`);
  }
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Finds the witness and (if the file has one) the pre-state root in the accepted layouts. */
function pick(
  doc: unknown,
  name: string | undefined,
): { witness: unknown; root?: unknown; label: string } {
  if (!isObj(doc)) throw new CliError('the witness file must hold a JSON object');
  if (Array.isArray(doc.execution_witnesses)) {
    const all = doc.execution_witnesses.filter(isObj);
    if (name === undefined) {
      const names = all.map((w) => String(w.name)).join(', ');
      throw new CliError(`the file holds several witnesses; pick one with --name (${names})`);
    }
    const entry = all.find((w) => w.name === name);
    if (entry === undefined) throw new CliError(`no witness named ${name} in the file`);
    return { witness: entry.executionWitness, root: entry.parent_state_root, label: name };
  }
  if (isObj(doc.executionWitness)) {
    return {
      witness: doc.executionWitness,
      root: doc.parent_state_root ?? doc.parentStateRoot ?? doc.preStateRoot,
      label: 'executionWitness',
    };
  }
  return { witness: doc, label: 'witness' };
}

export async function verifyWitnessHandler(
  fileArg: string | undefined,
  opts: VerifyWitnessOptions,
): Promise<number> {
  if (opts.rpc !== undefined) {
    if (fileArg !== undefined || opts.file !== undefined)
      throw new CliError('pass either a witness file or --rpc, not both');
    return verifyFromRpc(opts.rpc, opts);
  }
  const file = fileArg ?? opts.file;
  if (file === undefined) throw new CliError('nothing to check: pass a witness file or --rpc URL');
  const { witness, root, label } = pick(readJson(file), opts.name);
  const rootHex = opts.preStateRoot ?? (typeof root === 'string' ? root : undefined);
  return verifyOne(witness, rootHex, label, opts.json);
}

/** Largest --block range (each block is one witness fetch and one stateless check). */
const MAX_BLOCK_RANGE = 10_000;

async function ethStateRoot(url: string, n: number): Promise<string> {
  let r: { result?: { stateRoot?: unknown } | null; error?: { message: string } };
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'eth_getBlockByNumber',
        params: [`0x${n.toString(16)}`, false],
      }),
      signal: AbortSignal.timeout(30_000),
    });
    r = (await res.json()) as typeof r;
  } catch (e) {
    throw new CliError(`eth_getBlockByNumber(${n}) at ${url} failed: ${(e as Error).message}`);
  }
  const root = r.result?.stateRoot;
  if (typeof root !== 'string')
    throw new CliError(`block ${n} not found at ${url}${r.error ? `: ${r.error.message}` : ''}`);
  return root;
}

/**
 * --rpc: the node supplies only bytes (the witness, and the parent's stateRoot from its
 * Ethereum block view); the check itself runs here with @keel/verkle and no node state.
 */
async function verifyFromRpc(url: string, opts: VerifyWitnessOptions): Promise<number> {
  if (opts.block === undefined) throw new CliError('--rpc needs --block N or --block A-B');
  const [a, b = a] = opts.block.split('-').map(Number) as [number, number?];
  if (b < a) throw new CliError(`--block ${opts.block}: the range is reversed`);
  if (a < 1) throw new CliError('block 0 (genesis) has no execution witness');
  if (b - a + 1 > MAX_BLOCK_RANGE)
    throw new CliError(`--block ${opts.block}: at most ${MAX_BLOCK_RANGE} blocks per run`);
  const client = createVerkleClient({ url });
  let bad = 0;
  for (let n = a; n <= b; n++) {
    let w: Awaited<ReturnType<typeof client.getWitness>>;
    try {
      w = await client.getWitness(n);
    } catch (e) {
      if (e instanceof RpcError) throw new CliError(`verkle_getWitness(${n}): ${e.message}`);
      throw new CliError(`verkle_getWitness(${n}) at ${url} failed: ${(e as Error).message}`);
    }
    const parentRoot = await ethStateRoot(url, n - 1);
    const stateRoot = await ethStateRoot(url, n);
    const label = `block ${n}`;
    if (w.stateRoot !== stateRoot || w.parentStateRoot !== parentRoot) {
      bad++;
      const reason = `the witness names roots ${w.parentStateRoot} → ${w.stateRoot}, the blocks ${parentRoot} → ${stateRoot}`;
      process.stdout.write(
        opts.json
          ? `${JSON.stringify({ witness: label, valid: false, reason })}\n`
          : `INVALID ${label}: ${reason}\n`,
      );
      continue;
    }
    if (w.executionWitness === null) {
      // Nothing was read or written: the post-state root must be the parent's.
      const valid = stateRoot === parentRoot;
      if (!valid) bad++;
      const reason = valid ? 'touched no EVM state' : 'empty witness but the state root changed';
      process.stdout.write(
        opts.json
          ? `${JSON.stringify({ witness: label, valid, keys: 0, reason })}\n`
          : `${valid ? 'VALID' : 'INVALID'} ${label}: ${reason}\n`,
      );
      continue;
    }
    if ((await verifyOne(w.executionWitness, parentRoot, label, opts.json)) !== 0) bad++;
  }
  return bad === 0 ? 0 : 1;
}

async function verifyOne(
  witness: unknown,
  rootHex: string | undefined,
  label: string,
  json: boolean,
): Promise<number> {
  const opts = { json };
  if (rootHex === undefined) throw new CliError('no pre-state root: pass --pre-state-root <hex>');
  let rootBytes: Uint8Array;
  try {
    rootBytes = hexToBytes(rootHex);
  } catch {
    throw new CliError(`pre-state root ${rootHex} is not hex`);
  }
  if (rootBytes.length !== 32) throw new CliError('the pre-state root must be 32 bytes');
  let decoded: ReturnType<typeof decodeExecutionWitnessJSON>;
  try {
    decoded = decodeExecutionWitnessJSON(witness);
  } catch (e) {
    if (!(e instanceof VerkleError)) throw e;
    const report = { witness: label, valid: false, reason: e.message };
    process.stdout.write(
      opts.json ? `${JSON.stringify(report)}\n` : `INVALID ${label}: ${e.message}\n`,
    );
    return 1;
  }
  const t0 = performance.now();
  const verdict = checkExecutionWitnessPreState(rootBytes, decoded);
  const ms = performance.now() - t0;
  const size = executionWitnessSize(decoded);
  const report = {
    witness: label,
    valid: verdict.valid,
    ...(verdict.reason === undefined ? {} : { reason: verdict.reason }),
    stems: decoded.stateDiff.length,
    keys: decoded.stateDiff.reduce((n, d) => n + d.suffixDiffs.length, 0),
    proofBytes: size.proof,
    witnessBytes: size.total,
    verifyMs: Math.round(ms * 10) / 10,
  };
  process.stdout.write(
    opts.json
      ? `${JSON.stringify(report)}\n`
      : `${verdict.valid ? 'VALID' : 'INVALID'} ${label}: ${report.stems} stems, ${report.keys} keys, ` +
          `proof ${report.proofBytes} B (${report.witnessBytes} B with state diff), ${report.verifyMs} ms` +
          `${verdict.reason === undefined ? '' : `: ${verdict.reason}`}\n`,
  );
  return verdict.valid ? 0 : 1;
}
