import { createHttpClient } from '@keel/api';
import type { PeersOptions } from './options.ts';

export async function peersHandler(o: PeersOptions): Promise<number> {
  const peers = await createHttpClient({ url: o.rpc }).call('net_peers', {});
  if (o.json) {
    process.stdout.write(`${JSON.stringify(peers)}\n`);
    return 0;
  }
  process.stdout.write(
    'peer                                                  validator score  state      height latency\n',
  );
  for (const p of peers.sort((a, b) => b.score - a.score)) {
    const state = p.banned
      ? `banned until ${new Date(p.bannedUntil).toISOString()}`
      : p.connected
        ? 'connected'
        : 'known';
    process.stdout.write(
      `${p.id.padEnd(54)}${String(p.validator ?? '-').padEnd(10)}${String(p.score).padEnd(7)}${state.padEnd(11)}${String(p.height).padEnd(7)}${p.latencyMs ?? '-'} ms\n`,
    );
  }
  return 0;
}
