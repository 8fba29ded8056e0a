import { z } from 'zod';

export const replayOptionsSchema = z
  .object({
    blocks: z.string().min(1),
    datadir: z.string().min(1).optional(),
    network: z.enum(['auto', 'main', 'test', 'testnet4', 'signet', 'regtest']).default('auto'),
    until: z.coerce.number().int().min(0).max(100_000_000).optional(),
    checkpoints: z.string().min(1).optional(),
    writeCheckpoints: z.string().min(1).optional(),
    every: z.coerce.number().int().min(1).max(100_000_000).optional(),
    dbcache: z.coerce.number().int().min(4).max(1_000_000).default(450),
    workers: z.coerce.number().int().min(0).max(64).default(0),
    backend: z.enum(['auto', 'noble', 'libsecp256k1']).default('auto'),
    store: z.enum(['lmdb', 'leveldb']).default('lmdb'),
    flushEvery: z.coerce.number().int().min(1).max(100_000_000).optional(),
    progress: z.boolean().default(false),
    json: z.boolean().default(false),
  })
  .refine((o) => (o.every === undefined) === (o.writeCheckpoints === undefined), {
    message: '--write-checkpoints FILE and --every N go together',
    path: ['every'],
  });
export type ReplayCliOptions = z.infer<typeof replayOptionsSchema>;
