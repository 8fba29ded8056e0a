import { z } from 'zod';

export const rollupRunOptionsSchema = z.object({
  l1: z.string().url(),
  mode: z.enum(['sequencer', 'verifier']),
  datadir: z.string().min(1),
  config: z.string().min(1).optional(),
  keyFile: z.string().min(1).optional(),
  rpcPort: z.coerce.number().int().min(0).max(65_535).default(8547),
  ordering: z.enum(['fifo', 'priority', 'fair']).default('fifo'),
  fairWindow: z.coerce.number().int().min(1).default(200),
  blockTime: z.coerce.number().int().min(50).default(500),
  batchInterval: z.coerce.number().int().min(200).default(3000),
  challengePeriod: z.coerce.number().int().min(0).default(10),
  l2ChainId: z.coerce.number().int().min(1).default(901),
});
export type RollupRunOptions = z.infer<typeof rollupRunOptionsSchema>;
