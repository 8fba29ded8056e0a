import { z } from 'zod';

export const relaySimOptionsSchema = z.object({
  nodes: z.coerce.number().int().min(10).max(100_000).default(2000),
  reachable: z.coerce.number().min(0.01).max(1).default(0.1),
  outbound: z.coerce.number().int().min(1).max(64).default(8),
  txRate: z.coerce.number().positive().max(1000).default(5),
  duration: z.coerce.number().positive().max(3600).default(10),
  warmup: z.coerce.number().min(0).max(3600).default(0),
  window: z.coerce.number().min(0).max(3600).default(0),
  maxTime: z.coerce.number().positive().max(36_000).default(120),
  seed: z.coerce.number().int().min(0).max(0xffffffff).default(1),
  txSize: z.coerce.number().int().min(60).max(400_000).default(250),
  reconInterval: z.coerce.number().int().min(50).max(600_000).default(16_000),
  fanoutOutbound: z.coerce.number().int().min(0).max(64).default(1),
  fanoutInbound: z.coerce.number().min(0).max(1).default(0.1),
  fanoutOnlyFlooded: z.boolean().default(false),
  table: z.boolean().default(false),
  json: z.boolean().default(false),
});
export type RelaySimCliOptions = z.infer<typeof relaySimOptionsSchema>;
