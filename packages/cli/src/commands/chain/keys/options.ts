import { z } from 'zod';

export const keysOptionsSchema = z.object({
  keys: z.string().min(1),
  passphraseFile: z.string().min(1),
  json: z.boolean().default(false),
});
export type KeysOptions = z.infer<typeof keysOptionsSchema>;
