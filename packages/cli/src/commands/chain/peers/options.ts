import { z } from 'zod';

export const peersOptionsSchema = z.object({
  rpc: z.string().url().default('http://127.0.0.1:8545'),
  json: z.boolean().default(false),
});
export type PeersOptions = z.infer<typeof peersOptionsSchema>;
