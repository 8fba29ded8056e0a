import { z } from 'zod';

export const inspectOptionsSchema = z.object({
  state: z.string().min(1).optional(),
  json: z.boolean().default(false),
});
export type InspectOptions = z.infer<typeof inspectOptionsSchema>;
