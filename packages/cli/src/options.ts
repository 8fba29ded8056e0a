import type { z } from 'zod';
import { CliError } from './errors.ts';

/** Validates parsed flags with a zod schema; errors name the offending flag. */
export function parseOptions<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const msgs = r.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`);
  throw new CliError(`invalid options: ${msgs.join('; ')}`);
}
