import { z } from 'zod';
import { hostPort } from '../../stratum/options.ts';

const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

export const nodeOptionsSchema = z
  .object({
    network: z.enum(['main', 'test', 'testnet4', 'signet', 'regtest']).default('main'),
    datadir: z.string().min(1).optional(),
    connect: list,
    addnode: list,
    listen: z.boolean().default(true),
    bind: z.string().min(1).optional(),
    port: z.coerce.number().int().min(0).max(65535).optional(),
    rpcport: z.coerce.number().int().min(0).max(65535).optional(),
    rpcbind: z.string().min(1).optional(),
    rpcuser: z.string().min(1).optional(),
    rpcpassword: z.string().min(1).optional(),
    server: z.boolean().default(true),
    v2transport: z.boolean().default(true),
    erlay: z.boolean().default(false),
    erlayFanout: z.coerce.number().int().min(0).max(64).optional(),
    assumevalid: z
      .string()
      .regex(/^(0|[0-9a-fA-F]{64})$/, 'a 64-hex block hash, or 0 to check every script')
      .optional(),
    dbcache: z.coerce.number().int().min(4).max(1_000_000).default(450),
    workers: z.coerce.number().int().min(0).max(64).default(0),
    maxtipage: z.coerce.number().int().min(0).optional(),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
    tdpListen: hostPort.optional(),
    tdpFeeDelta: z.coerce.number().int().min(0).max(2_100_000_000_000_000).default(1000),
  })
  .refine((o) => (o.rpcuser === undefined) === (o.rpcpassword === undefined), {
    message: '--rpcuser and --rpcpassword go together',
    path: ['rpcpassword'],
  });
export type NodeCliOptions = z.infer<typeof nodeOptionsSchema>;
