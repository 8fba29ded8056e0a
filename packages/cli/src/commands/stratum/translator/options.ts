import { z } from 'zod';
import { hostPort, logLevel } from '../options.ts';

/** `keel stratum translator` settings. */
export const translatorOptionsSchema = z.object({
  /** Comma-separated HOST:PORT list: the primary upstream first, then backups. */
  upstream: z
    .string()
    .min(1)
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(z.array(hostPort).min(1).max(16)),
  authorityKey: z.string().min(1),
  listen: hostPort.default({ host: '127.0.0.1', port: 3333 }),
  user: z.string().max(255).default('keel-translator'),
  logLevel,
});
export type TranslatorCliOptions = z.infer<typeof translatorOptionsSchema>;
