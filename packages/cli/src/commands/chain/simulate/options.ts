import { z } from 'zod';

export const simulateOptionsSchema = z
  .object({
    validators: z.coerce.number().int().min(1).max(1024).default(4),
    byzantine: z.coerce.number().int().min(0).default(0),
    seeds: z.coerce.number().int().min(1).max(1_000_000).default(10),
    views: z.coerce.number().int().min(1).max(100_000).default(30),
    seedStart: z.coerce.number().int().min(0).default(1),
    election: z.enum(['ecvrf', 'round-robin']).default('ecvrf'),
    backend: z.enum(['blst', 'noble']).default('blst'),
    loss: z.coerce.number().min(0).max(0.5).default(0),
    duplication: z.coerce.number().min(0).max(0.5).default(0),
    json: z.boolean().default(false),
    churn: z.boolean().default(false),
  })
  .refine((o) => 3 * o.byzantine < o.validators, {
    message: 'byzantine must be less than a third of validators (3f < n)',
    path: ['byzantine'],
  });
export type SimulateOptions = z.infer<typeof simulateOptionsSchema>;
