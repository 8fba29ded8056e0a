import { parseBitcoinEndpoint, parseEndpointUrl, startDashboardServer } from '@keel/dashboard';
import type { DashboardCliOptions } from './options.ts';

/** Serves the dashboard until SIGINT/SIGTERM. */
export async function dashboardHandler(o: DashboardCliOptions): Promise<number> {
  const server = await startDashboardServer({
    chain: o.chain ? parseEndpointUrl(o.chain, '--chain') : undefined,
    bitcoin: o.bitcoin ? parseBitcoinEndpoint(o.bitcoin) : undefined,
    pool: o.pool ? parseEndpointUrl(o.pool, '--pool') : undefined,
    host: o.host,
    port: o.port,
    timeoutMs: o.timeout,
  });
  process.stderr.write(`dashboard: ${server.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.stop();
  return 0;
}
