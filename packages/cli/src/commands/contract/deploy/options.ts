import { z } from 'zod';
import { checkTarget, targetShape } from '../target.ts';

export const deployOptionsSchema = z
  .object({
    ...targetShape,
    initArgs: z.string().optional(),
    gas: z.coerce.number().int().min(0).max(50_000_000).default(10_000_000),
    json: z.boolean().default(false),
  })
  .superRefine(checkTarget);
export type DeployOptions = z.infer<typeof deployOptionsSchema>;
