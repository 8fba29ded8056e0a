import type { SuiteContext } from '@keel/conformance';
import { loadSecp256k1Backend } from '../secp256k1/load.ts';
import type { Secp256k1Backend } from '../secp256k1/types.ts';

/** The secp256k1 backends a suite runs against, one variant each. */
export const SECP256K1_VARIANTS = ['noble', 'libsecp256k1'] as const;

/** The backend for `ctx.variant`, or the reason it cannot run (every case is then skipped). */
export async function backendFor(
  ctx: SuiteContext,
): Promise<{ backend: Secp256k1Backend } | { reason: string }> {
  const v = ctx.variant === 'libsecp256k1' ? 'libsecp256k1' : 'noble';
  try {
    return { backend: await loadSecp256k1Backend(v) };
  } catch (e) {
    return { reason: `secp256k1 backend '${v}' unavailable: ${(e as Error).message}` };
  }
}

/** Splits a simple CSV (no quoted commas in the data columns) into header-keyed rows. */
export function parseCsv(text: string): Record<string, string>[] {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0]!.split(',');
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    const row: Record<string, string> = {};
    header.forEach((h, i) => {
      // The last column (a comment) may itself contain commas.
      row[h] = i === header.length - 1 ? cells.slice(i).join(',') : (cells[i] ?? '');
    });
    return row;
  });
}
