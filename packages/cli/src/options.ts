import type { z } from 'zod';
import { CliError } from './errors.ts';

/** Validates parsed flags with a zod schema; errors name the offending flag. */
export function parseOptions<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const given = (path: readonly PropertyKey[]): string => {
    let v: unknown = raw;
    for (const k of path)
      v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
    return v === undefined ? '' : ` (got ${JSON.stringify(v)})`;
  };
  const msgs = r.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}${given(i.path)}`);
  throw new CliError(`invalid options: ${msgs.join('; ')}`);
}
