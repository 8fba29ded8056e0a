import { z } from 'zod';

export const verifyWitnessOptionsSchema = z.object({
  preStateRoot: z
    .string()
    .regex(/^(0x)?[0-9a-fA-F]{64}$/, 'must be 32 bytes of hex')
    .optional(),
  name: z.string().min(1).optional(),
  json: z.boolean().default(false),
  rpc: z.string().url('must be an http(s) URL').optional(),
  /** A block number or an inclusive range `A-B` (at most 10,000 blocks). */
  block: z
    .string()
    .regex(/^[0-9]{1,15}(-[0-9]{1,15})?$/, 'must be a block number N or a range A-B')
    .optional(),
  file: z.string().min(1).optional(),
});
export type VerifyWitnessOptions = z.infer<typeof verifyWitnessOptionsSchema>;
