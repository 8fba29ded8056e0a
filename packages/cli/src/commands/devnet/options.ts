import { z } from 'zod';
import { blobOptionsShape } from '../chain/run/options.ts';

export const devnetOptionsSchema = z.object({
  validators: z.coerce
    .number()
    .int()
    .min(1, 'at least 1 (fewer than 4 tolerate no faulty validator: n = 3f + 1)')
    .max(32)
    .default(4),
  slots: z.coerce.number().int().min(1).max(1_000_000).optional(),
  load: z.coerce.number().int().min(0).max(100_000).default(0),
  json: z.boolean().default(false),
  datadir: z.string().min(1).optional(),
  blockTime: z.coerce.number().int().min(0).max(60_000).default(100),
  baseTimeout: z.coerce.number().int().min(50).max(600_000).default(1000),
  chainId: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/)
    .default('keel-devnet'),
  timeout: z.coerce.number().int().min(1).max(86_400).optional(),
  dashboard: z.boolean().default(true),
  dashboardPort: z.coerce.number().int().min(0).max(65_535).default(0),
  evmState: z.enum(['mpt', 'verkle']).default('mpt'),
  ...blobOptionsShape,
});

/** The blob flags as `keel chain run` arguments for every node (defaults left out). */
export function blobNodeArgs(o: DevnetOptions): string[] {
  const flags: [string, number, number][] = [
    ['--blob-retention-blocks', o.blobRetentionBlocks, 131_072],
    ['--blob-pool-max-txs', o.blobPoolMaxTxs, 10_000],
    ['--blob-pool-max-blobs', o.blobPoolMaxBlobs, 20_000],
    ['--blob-pool-max-per-sender', o.blobPoolMaxPerSender, 16],
    ['--blob-pool-replace-bump-percent', o.blobPoolReplaceBumpPercent, 100],
  ];
  return flags.filter(([, v, d]) => v !== d).flatMap(([f, v]) => [f, String(v)]);
}
export type DevnetOptions = z.infer<typeof devnetOptionsSchema>;
