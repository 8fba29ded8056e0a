import type { Server } from 'node:net';

/** Where a TCP (or HTTP) server listens; empty host and port 0 before it does. */
export function listenAddress(server: Pick<Server, 'address'> | undefined): {
  host: string;
  port: number;
} {
  const a = server?.address();
  if (a === null || a === undefined || typeof a === 'string') return { host: '', port: 0 };
  return { host: a.address, port: a.port };
}
