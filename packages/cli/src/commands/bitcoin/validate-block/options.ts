import { z } from 'zod';

export const validateBlockOptionsSchema = z.object({
  prevouts: z.string().min(1).optional(),
  network: z.enum(['main', 'test', 'testnet4', 'signet', 'regtest']).default('main'),
  height: z.coerce.number().int().min(0).max(100_000_000).optional(),
  flags: z.string().optional(),
  workers: z.coerce.number().int().min(1).max(64).default(1),
  backend: z.enum(['auto', 'noble', 'libsecp256k1']).default('auto'),
  json: z.boolean().default(false),
});
export type ValidateBlockOptions = z.infer<typeof validateBlockOptionsSchema>;
