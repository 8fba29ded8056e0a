import { z } from 'zod';

export const buildOptionsSchema = z.object({
  out: z.string().min(1).optional(),
  examples: z.boolean().default(false),
  wat: z.boolean().default(false),
  json: z.boolean().default(false),
});
export type BuildOptions = z.infer<typeof buildOptionsSchema>;
