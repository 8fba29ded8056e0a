import { z } from 'zod';

export const conformanceOptionsSchema = z.object({
  vectors: z.string().min(1).optional(),
  json: z.boolean().default(false),
  backend: z.string().min(1).optional(),
  list: z.boolean().default(false),
});
export type ConformanceOptions = z.infer<typeof conformanceOptionsSchema>;
