import { z } from 'zod';

export const dashboardOptionsSchema = z.object({
  chain: z.string().min(1).optional(),
  bitcoin: z.string().min(1).optional(),
  pool: z.string().min(1).optional(),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65_535).default(8090),
  timeout: z.coerce.number().int().min(100).max(120_000).default(5000),
});
export type DashboardCliOptions = z.infer<typeof dashboardOptionsSchema>;
