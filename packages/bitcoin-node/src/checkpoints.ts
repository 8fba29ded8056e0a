import { DecodeError, DecodeErrorCode, KeelError } from '@keel/util';

/**
 * A UTXO-set checkpoint: after connecting the block at `height` the chain tip is `hash`
 * and the UTXO set has this MuHash, output count and total amount (Core's gettxoutsetinfo
 * "muhash" fields `hash`, `muhash`, `txouts`, `total_amount` in satoshis).
 */
export interface Checkpoint {
  height: number;
  /** Block hash, display order (as Core prints it). */
  hash: string;
  /** MuHash3072 of the UTXO set, display order (as gettxoutsetinfo prints it). */
  muhash: string;
  txouts: number;
  /** Total amount in satoshis. */
  amount: bigint;
}

/*
 * File format (text, one checkpoint per line, `#` starts a comment line):
 *   # keel bitcoin checkpoints v1
 *   # network main
 *   <height> <block hash hex> <muhash hex> <txouts> <amount in satoshis>
 * Heights ascend strictly. The optional `# network NAME` line binds the file to a network.
 */
export const CHECKPOINTS_HEADER = '# keel bitcoin checkpoints v1';
const MAX_LINES = 10_000_000;
const HEX64 = /^[0-9a-f]{64}$/;
const UINT = /^\d{1,20}$/;

export interface CheckpointFile {
  network: string | undefined;
  checkpoints: Checkpoint[];
}

export function parseCheckpoints(text: string, file = 'checkpoints'): CheckpointFile {
  const lines = text.split('\n');
  if (lines.length > MAX_LINES) {
    throw new DecodeError(DecodeErrorCode.LIMIT_EXCEEDED, `${file}: more than ${MAX_LINES} lines`);
  }
  const out: Checkpoint[] = [];
  let network: string | undefined;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const bad = (why: string) =>
      new DecodeError(DecodeErrorCode.INVALID_VALUE, `${file} line ${i + 1}: ${why}`, {
        line: i + 1,
      });
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^#\s*network\s+(\S+)$/.exec(line);
      if (m) network = m[1];
      return;
    }
    const f = line.split(/\s+/);
    if (f.length !== 5)
      throw bad(`expected 5 fields (height hash muhash txouts amount), got ${f.length}`);
    const [h, hash, muhash, txouts, amount] = f as [string, string, string, string, string];
    if (!UINT.test(h) || Number(h) > 0x7fffffff) throw bad(`bad height "${h}"`);
    if (!HEX64.test(hash)) throw bad('block hash must be 64 lower-case hex digits');
    if (!HEX64.test(muhash)) throw bad('muhash must be 64 lower-case hex digits');
    if (!UINT.test(txouts) || !Number.isSafeInteger(Number(txouts)))
      throw bad(`bad txouts "${txouts}"`);
    if (!UINT.test(amount)) throw bad(`bad amount "${amount}"`);
    const cp = { height: Number(h), hash, muhash, txouts: Number(txouts), amount: BigInt(amount) };
    const prev = out[out.length - 1];
    if (prev && cp.height <= prev.height) throw bad(`height ${cp.height} does not ascend`);
    out.push(cp);
  });
  return { network, checkpoints: out };
}

export function formatCheckpoint(c: Checkpoint): string {
  return `${c.height} ${c.hash} ${c.muhash} ${c.txouts} ${c.amount}`;
}

export function checkpointFileHeader(network: string): string {
  return `${CHECKPOINTS_HEADER}\n# network ${network}\n# height hash muhash txouts amount(sat)\n`;
}

/** The replayed chain disagrees with a checkpoint: names the first differing field. */
export class CheckpointMismatchError extends KeelError {
  constructor(
    readonly expected: Checkpoint,
    readonly actual: Checkpoint,
    field: keyof Checkpoint,
  ) {
    super(
      'ERR_CHECKPOINT_MISMATCH',
      `checkpoint mismatch at height ${expected.height}: ${field} is ${String(actual[field])}, ` +
        `checkpoint says ${String(expected[field])}`,
      { height: expected.height, field },
    );
    this.name = 'CheckpointMismatchError';
  }
}

/** Throws CheckpointMismatchError on the first field that differs. */
export function verifyCheckpoint(expected: Checkpoint, actual: Checkpoint): void {
  for (const f of ['hash', 'muhash', 'txouts', 'amount'] as const) {
    if (expected[f] !== actual[f]) throw new CheckpointMismatchError(expected, actual, f);
  }
}
