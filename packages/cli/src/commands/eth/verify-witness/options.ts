import { z } from 'zod';

export const verifyWitnessOptionsSchema = z.object({
  preStateRoot: z
    .string()
    .regex(/^(0x)?[0-9a-fA-F]{64}$/, 'must be 32 bytes of hex')
    .optional(),
  name: z.string().min(1).optional(),
  json: z.boolean().default(false),
});
export type VerifyWitnessOptions = z.infer<typeof verifyWitnessOptionsSchema>;
