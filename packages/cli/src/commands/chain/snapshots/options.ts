import { z } from 'zod';

export const createOptionsSchema = z.object({
  datadir: z.string().min(1),
  json: z.boolean().default(false),
});
export const listOptionsSchema = createOptionsSchema;
export const loadOptionsSchema = z.object({
  datadir: z.string().min(1),
  snapshot: z.string().min(1),
  genesis: z.string().min(1),
  rpc: z.string().url().optional(),
  json: z.boolean().default(false),
});
export type LoadOptions = z.infer<typeof loadOptionsSchema>;
