import { z } from 'zod';
import { hostPort, logLevel } from '../options.ts';

/** `keel stratum pool` settings. */
export const poolOptionsSchema = z
  .object({
    regtest: z.boolean().default(false),
    datadir: z.string().min(1).optional(),
    listen: hostPort.default({ host: '127.0.0.1', port: 34254 }),
    sv1Listen: hostPort.optional(),
    statsListen: hostPort.optional(),
    rpcUrl: z.string().url().optional(),
    rpcCookie: z.string().min(1).optional(),
    rpcUser: z.string().optional(),
    rpcPassword: z.string().optional(),
    rpcPollMs: z.coerce.number().int().min(100).max(600_000).default(2000),
    payoutScript: z
      .string()
      .regex(/^([0-9a-fA-F]{2}){1,10000}$/, 'expected hex')
      .optional(),
    shareDifficulty: z.coerce.number().positive().optional(),
    sharesPerMinute: z.coerce.number().positive().max(6000).default(20),
    exitAfterBlocks: z.coerce.number().int().min(1).max(1_000_000).optional(),
    json: z.boolean().default(false),
    logLevel,
  })
  .refine((o) => o.regtest || o.rpcUrl !== undefined, {
    message: 'choose a template source: --regtest (built-in chain) or --rpc-url (getblocktemplate)',
    path: ['regtest'],
  });
export type PoolCliOptions = z.infer<typeof poolOptionsSchema>;
