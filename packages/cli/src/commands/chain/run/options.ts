import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const int = (lo: number, hi: number) =>
  z.coerce
    .number({ message: 'expected an integer' })
    .int('expected an integer')
    .min(lo, `at least ${lo}`)
    .max(hi, `at most ${hi}`);

/**
 * Blob retention and blob-pool limits (shared with `keel devnet`, which passes them to each
 * node). Defaults are `@keel/chain-node`'s: DEFAULT_BLOB_RETENTION_BLOCKS, defaultBlobPoolOptions.
 */
export const blobOptionsShape = {
  blobRetentionBlocks: int(1, 2 ** 40).default(131_072),
  blobPoolMaxTxs: int(1, 1_000_000).default(10_000),
  blobPoolMaxBlobs: int(6, 6_000_000).default(20_000),
  blobPoolMaxPerSender: int(1, 10_000).default(16),
  blobPoolReplaceBumpPercent: int(0, 10_000).default(100),
};

/** `keel chain run` settings; each also reads from KEEL_<NAME> (flags win). */
export const runOptionsSchema = z.object({
  datadir: z.string().min(1),
  genesis: z.string().min(1).optional(),
  keys: z.string().min(1).optional(),
  passphraseFile: z.string().min(1).optional(),
  host: z.string().default('127.0.0.1'),
  p2pPort: port.default(26656),
  rpcPort: port.default(8545),
  peers: z.string().default(''),
  blockTime: z.coerce.number().int().min(0).max(60_000).default(250),
  baseTimeout: z.coerce.number().int().min(50).max(600_000).default(1000),
  syncInterval: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  maxTxsPerBlock: z.coerce.number().int().min(1).max(100_000).default(5000),
  adminTokenFile: z.string().optional(),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
  verkleWitnessRetentionBlocks: int(0, 2 ** 40).default(8192),
  ...blobOptionsShape,
});
export type RunOptions = z.infer<typeof runOptionsSchema>;
