import { z } from 'zod';

export const deployOptionsSchema = z.object({
  state: z.string().min(1),
  initArgs: z.string().optional(),
  gas: z.coerce.number().int().min(0).max(50_000_000).default(10_000_000),
  json: z.boolean().default(false),
});
export type DeployOptions = z.infer<typeof deployOptionsSchema>;
