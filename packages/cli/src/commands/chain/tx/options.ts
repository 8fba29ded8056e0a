import { z } from 'zod';

const hex32 = z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, '32 bytes of hex');

const common = {
  rpc: z.string().url().default('http://127.0.0.1:8545'),
  secretKeyFile: z.string().min(1),
  gasLimit: z.coerce.number().int().min(1).max(50_000_000).default(100_000),
  gasPrice: z
    .string()
    .regex(/^[0-9]{1,30}$/)
    .default('1'),
  nonce: z.coerce.number().int().min(0).optional(),
  json: z.boolean().default(false),
};

export const transferOptionsSchema = z.object({
  ...common,
  to: hex32,
  amount: z.string().regex(/^[0-9]{1,30}$/, 'a decimal amount'),
});
export const deployOptionsSchema = z.object({
  ...common,
  init: z
    .string()
    .regex(/^(0x)?([0-9a-fA-F]{2})*$/)
    .default(''),
});
export const callOptionsSchema = z.object({
  ...common,
  args: z
    .string()
    .regex(/^(0x)?([0-9a-fA-F]{2})*$/)
    .default(''),
  value: z
    .string()
    .regex(/^[0-9]{1,30}$/)
    .default('0'),
});
export type TxCommon = z.infer<z.ZodObject<typeof common>>;
