import { z } from 'zod';

/** `HOST:PORT` (IPv6 as `[::1]:PORT`). */
export const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/, 'expected HOST:PORT')
  .transform((s, ctx) => {
    const i = s.lastIndexOf(':');
    const port = Number(s.slice(i + 1));
    if (port > 65535) {
      ctx.addIssue({ code: 'custom', message: `port ${port} out of range` });
      return z.NEVER;
    }
    return { host: s.slice(0, i).replace(/^\[|\]$/g, ''), port };
  });
export type HostPort = { host: string; port: number };

export const logLevel = z
  .enum(['trace', 'debug', 'info', 'warn', 'error', 'silent'])
  .default('info');
