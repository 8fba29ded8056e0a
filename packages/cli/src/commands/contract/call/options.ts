import { z } from 'zod';
import { checkTarget, targetShape } from '../target.ts';

export const callOptionsSchema = z
  .object({
    ...targetShape,
    args: z.string().optional(),
    gas: z.coerce.number().int().min(0).max(50_000_000),
    value: z
      .string()
      .regex(/^\d+$/, 'a non-negative integer')
      .default('0')
      .transform((v) => BigInt(v)),
    dryRun: z.boolean().default(false),
    json: z.boolean().default(false),
  })
  .superRefine(checkTarget);
export type CallOptions = z.infer<typeof callOptionsSchema>;
