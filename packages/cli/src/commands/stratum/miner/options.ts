import { z } from 'zod';
import { hostPort, logLevel } from '../options.ts';

/** `keel stratum miner` settings. */
export const minerOptionsSchema = z.object({
  pool: hostPort,
  authorityKey: z.string().min(1),
  threads: z.coerce.number().int().min(1).max(256).default(1),
  user: z.string().max(255).default('keel-miner'),
  channel: z.enum(['standard', 'extended']).default('standard'),
  exitAfterShares: z.coerce.number().int().min(1).optional(),
  nominalHashRate: z.coerce.number().min(0).default(0),
  logLevel,
});
export type MinerCliOptions = z.infer<typeof minerOptionsSchema>;
