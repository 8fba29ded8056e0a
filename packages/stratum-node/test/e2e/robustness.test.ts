import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { after, test } from 'node:test';
import type { Logger } from '@keel/util';
import { Miner } from '../../src/miner/miner.ts';
import { identity, startPool, waitFor } from '../support/fixtures.ts';
import { RawClient } from '../support/rawClient.ts';

// A capturing logger: the pool must log a reason for every connection it drops.
const logs: Array<{ level: string; obj: Record<string, unknown>; msg: string | undefined }> = [];
const capture = (level: string) => (obj: object | string, msg?: string) =>
  logs.push({
    level,
    obj: typeof obj === 'string' ? { msg: obj } : (obj as Record<string, unknown>),
    msg,
  });
const logger: Logger = {
  trace: () => {},
  debug: () => {},
  info: capture('info'),
  warn: capture('warn'),
  error: capture('error'),
  child: () => logger,
};

const stops: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const s of stops.reverse()) await s();
});

function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.on('error', reject);
    stops.push(() => {
      s.destroy();
    });
  });
}

const closed = (s: Socket) =>
  new Promise<void>((r) => (s.destroyed ? r() : s.once('close', () => r())));

test(
  'bad connections are closed alone, with a logged reason; a mining miner is undisturbed',
  { timeout: 60_000 },
  async () => {
    const { pool, id } = await startPool({
      initialTarget: 1n << 244n,
      handshakeTimeoutMs: 400,
      logger,
    });
    stops.push(() => pool.stop());
    const port = pool.address.port;
    const miner = new Miner({
      host: '127.0.0.1',
      port,
      authorityPublicKey: id.authorityPublicKey,
      user: 'steady',
    });
    await miner.start();
    stops.push(() => miner.stop());
    await waitFor(() => miner.stats.sharesAccepted >= 2, 20_000, 'first shares');

    // 1. Incomplete handshake: 10 bytes, then silence → handshake timeout.
    const s1 = await rawSocket(port);
    s1.write(randomBytes(10));
    await closed(s1);

    // 2. A full act one, then garbage instead of an encrypted frame → bad MAC.
    const s2 = await rawSocket(port);
    s2.write(randomBytes(64));
    await new Promise((r) => s2.once('data', r)); // act two arrives
    s2.write(randomBytes(100));
    await closed(s2);

    // 3. Handshake OK, then a frame whose header declares 100 000 bytes → too large.
    const c3 = await RawClient.connect(port, id.authorityPublicKey);
    await c3.setup();
    c3.conn.socket.write(
      c3.conn.session.encryptFrame({
        header: { extensionType: 0, channelMsg: true, msgType: 0x1a, msgLength: 100_000 },
        payload: new Uint8Array(100_000),
      }),
    );
    await closed(c3.conn.socket);

    // 4. A malformed payload: SubmitSharesStandard cut to 10 bytes.
    const c4 = await RawClient.connect(port, id.authorityPublicKey);
    await c4.setup();
    c4.conn.socket.write(
      c4.conn.session.encryptFrame({
        header: { extensionType: 0, channelMsg: true, msgType: 0x1a, msgLength: 10 },
        payload: new Uint8Array(10),
      }),
    );
    await closed(c4.conn.socket);

    // 5. A client pinning the wrong authority key fails the certificate check on its side.
    await assert.rejects(
      RawClient.connect(port, identity().authorityPublicKey),
      /BAD_CERTIFICATE|certificate/i,
    );

    // 6. A message before SetupConnection.
    const c6 = await RawClient.connect(port, id.authorityPublicKey);
    c6.send({ type: 'CloseChannel', payload: { channelId: 1, reasonCode: 'x' } });
    await closed(c6.conn.socket);

    const before = miner.stats.sharesAccepted;
    await waitFor(
      () => miner.stats.sharesAccepted >= before + 2,
      20_000,
      'more shares after the attacks',
    );
    assert.equal(miner.stats.reconnects, 0, 'the miner never lost its connection');
    await waitFor(() => pool.stats.connections === 1, 5000, 'only the miner left connected');

    const reasons = logs
      .filter((l) => l.msg === 'handshake failed' || l.msg === 'connection closed')
      .map((l) => String(l.obj.reason));
    const has = (re: RegExp) =>
      assert.ok(
        reasons.some((r) => re.test(r)),
        `a logged reason matches ${re}: ${JSON.stringify(reasons)}`,
      );
    has(/timed out/);
    has(/BAD_MAC/);
    has(/FRAME_TOO_LARGE/);
    has(/before SetupConnection/);
    has(/DECODE|MALFORMED/);
  },
);

test(
  'the miner reconnects with backoff when the pool goes away and comes back',
  { timeout: 60_000 },
  async () => {
    const id = identity();
    const first = await startPool({ identity: id, initialTarget: 1n << 244n });
    const port = first.pool.address.port;
    const miner = new Miner({
      host: '127.0.0.1',
      port,
      authorityPublicKey: id.authorityPublicKey,
      minBackoffMs: 100,
      maxBackoffMs: 400,
    });
    await miner.start();
    stops.push(() => miner.stop());
    await waitFor(() => miner.stats.sharesAccepted >= 1, 20_000, 'shares on the first pool');
    await first.pool.stop();
    await waitFor(() => miner.stats.reconnects >= 2, 10_000, 'failed reconnect attempts');
    const second = await startPool({ identity: id, initialTarget: 1n << 244n, port });
    stops.push(() => second.pool.stop());
    await waitFor(
      () => second.pool.stats.sharesAccepted >= 2,
      20_000,
      'shares on the restarted pool',
    );
    assert.equal(miner.stats.connected, true);
  },
);
