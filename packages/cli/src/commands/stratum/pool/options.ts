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
    tdp: hostPort.optional(),
    tdpAuthorityKey: z.string().min(1).optional(),
    tdpListen: hostPort.optional(),
    jdListen: hostPort.optional(),
    rpcCookie: z.string().min(1).optional(),
    rpcUser: z.string().optional(),
    rpcPassword: z.string().optional(),
    rpcPollMs: z.coerce.number().int().min(100).max(600_000).default(2000),
    mergeMining: z.string().min(1).optional(),
    payoutScript: z
      .string()
      .regex(/^([0-9a-fA-F]{2}){1,10000}$/, 'expected hex')
      .optional(),
    shareDifficulty: z.coerce.number().positive().optional(),
    sharesPerMinute: z.coerce.number().positive().max(6000).default(20),
    extranoncePrefixSize: z.coerce.number().int().min(1).max(31).default(8),
    extranonceSize: z.coerce.number().int().min(0).max(31).default(8),
    exitAfterBlocks: z.coerce.number().int().min(1).max(1_000_000).optional(),
    json: z.boolean().default(false),
    logLevel,
  })
  .refine(
    (o) => [o.regtest, o.rpcUrl !== undefined, o.tdp !== undefined].filter(Boolean).length === 1,
    {
      message:
        'choose one template source: --regtest (built-in chain), --rpc-url (getblocktemplate) or --tdp (Template Distribution Protocol)',
      path: ['regtest'],
    },
  )
  .refine((o) => o.jdListen === undefined || o.regtest, {
    message:
      '--jd-listen needs --regtest (the JDS checks declared transactions against that chain)',
    path: ['jdListen'],
  })
  .refine((o) => o.extranoncePrefixSize + o.extranonceSize <= 32, {
    message: '--extranonce-prefix-size + --extranonce-size must be ≤ 32 (B0_32)',
    path: ['extranonceSize'],
  })
  .refine((o) => o.tdp === undefined || o.tdpAuthorityKey !== undefined, {
    message: '--tdp needs --tdp-authority-key (the template provider authority key)',
    path: ['tdpAuthorityKey'],
  });
export type PoolCliOptions = z.infer<typeof poolOptionsSchema>;
