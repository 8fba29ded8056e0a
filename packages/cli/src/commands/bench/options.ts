import { z } from 'zod';

export const benchOptionsSchema = z.object({
  ms: z.coerce.number().int().min(10).max(60_000).default(1000),
  quick: z.boolean().default(false),
  json: z.boolean().default(true),
});
export type BenchOptions = z.infer<typeof benchOptionsSchema>;
