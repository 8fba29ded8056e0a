import { readFileSync, statSync } from 'node:fs';
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
  file: string,
  opts: VerifyWitnessOptions,
): Promise<number> {
  const { witness, root, label } = pick(readJson(file), opts.name);
  const rootHex = opts.preStateRoot ?? (typeof root === 'string' ? root : undefined);
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
