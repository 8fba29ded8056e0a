import { z } from 'zod';

export const initGenesisOptionsSchema = z.object({
  out: z.string().min(1),
  validators: z.coerce.number().int().min(1).max(1024).default(4),
  stake: z.coerce.number().int().min(1).default(1000),
  chainId: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/, '1-32 characters of [a-z0-9-]')
    .default('keel-devnet'),
  accounts: z.coerce.number().int().min(0).max(100_000).default(8),
  balance: z
    .string()
    .regex(/^[0-9]{1,19}$/, 'a decimal amount below 2^63')
    .default('1000000000'),
  passphraseFile: z.string().min(1),
  seed: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, '32 bytes of hex')
    .optional(),
  json: z.boolean().default(false),
});
export type InitGenesisOptions = z.infer<typeof initGenesisOptionsSchema>;
