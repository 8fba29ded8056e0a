import { z } from 'zod';
import { hostPort, logLevel } from '../options.ts';

/** `keel stratum proxy` settings. */
export const proxyOptionsSchema = z.object({
  /** Comma-separated HOST:PORT list: the primary upstream first, then backups. */
  upstream: z
    .string()
    .min(1)
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(z.array(hostPort).min(1).max(16)),
  authorityKey: z.string().min(1),
  listen: hostPort.default({ host: '127.0.0.1', port: 34255 }),
  datadir: z.string().min(1).optional(),
  user: z.string().max(255).default('keel-proxy'),
  sharesPerMinute: z.coerce.number().positive().max(6000).default(20),
  logLevel,
});
export type ProxyCliOptions = z.infer<typeof proxyOptionsSchema>;
