import { z } from 'zod';
import { hostPort, logLevel } from '../options.ts';

/** `keel stratum jd-client` settings. */
export const jdClientOptionsSchema = z.object({
  pool: z
    .string()
    .min(1)
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(z.array(hostPort).min(1).max(16)),
  jds: hostPort,
  authorityKey: z.string().min(1),
  rpcUrl: z.string().url(),
  rpcCookie: z.string().min(1).optional(),
  rpcUser: z.string().optional(),
  rpcPassword: z.string().optional(),
  rpcPollMs: z.coerce.number().int().min(100).max(600_000).default(2000),
  listen: hostPort.default({ host: '127.0.0.1', port: 34265 }),
  datadir: z.string().min(1).optional(),
  user: z.string().max(255).default('keel-jdc'),
  logLevel,
});
export type JdClientCliOptions = z.infer<typeof jdClientOptionsSchema>;
