/** A hand-driven SV2 client for tests: sends chosen messages, waits for typed replies. */
import type { MessageName, Sv2Message, Sv2Payload } from '@keel/stratum';
import { connectNoise, type Sv2Connection } from '../../src/net/noiseConnection.ts';
import { sha256d } from './fixtures.ts';

export class RawClient {
  readonly inbox: Sv2Message[] = [];
  closedReason: string | undefined;
  private waiters: Array<() => void> = [];

  private constructor(readonly conn: Sv2Connection) {
    conn.attach({
      onMessage: (m) => {
        this.inbox.push(m);
        for (const w of this.waiters.splice(0)) w();
      },
      onClose: (r) => {
        this.closedReason = r;
        for (const w of this.waiters.splice(0)) w();
      },
    });
  }

  static async connect(port: number, authorityPublicKey: Uint8Array): Promise<RawClient> {
    const conn = await connectNoise({
      host: '127.0.0.1',
      port,
      authorityPublicKey,
      limits: { maxPayloadLength: 1 << 20, rejectUnknown: false },
      timeoutMs: 5000,
    });
    return new RawClient(conn);
  }

  send(m: Sv2Message): void {
    this.conn.send(m);
  }

  /** Removes and returns the first message of `type` matching `pred`, waiting up to `ms`. */
  async next<N extends MessageName>(
    type: N,
    pred: (p: Sv2Payload<N>) => boolean = () => true,
    ms = 5000,
  ): Promise<Sv2Payload<N>> {
    const end = Date.now() + ms;
    for (;;) {
      const i = this.inbox.findIndex((m) => m.type === type && pred(m.payload as Sv2Payload<N>));
      if (i >= 0) return this.inbox.splice(i, 1)[0]!.payload as Sv2Payload<N>;
      if (this.closedReason !== undefined) throw new Error(`closed: ${this.closedReason}`);
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${type}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  setup(flags = 0): Promise<Sv2Payload<'SetupConnectionSuccess'>> {
    this.send({
      type: 'SetupConnection',
      payload: {
        protocol: 0,
        minVersion: 2,
        maxVersion: 2,
        flags,
        endpointHost: '127.0.0.1',
        endpointPort: 0,
        vendor: 'test',
        hardwareVersion: '',
        firmware: '',
        deviceId: '',
      },
    });
    return this.next('SetupConnectionSuccess');
  }

  close(): void {
    this.conn.close('test done');
  }
}

/** An 80-byte header assembled in the test from the fields the pool sent. */
export function header(
  version: number,
  prevHash: Uint8Array,
  merkleRoot: Uint8Array,
  ntime: number,
  nbits: number,
  nonce: number,
): Uint8Array {
  const h = new Uint8Array(80);
  const v = new DataView(h.buffer);
  v.setUint32(0, version >>> 0, true);
  h.set(prevHash, 4);
  h.set(merkleRoot, 36);
  v.setUint32(68, ntime, true);
  v.setUint32(72, nbits, true);
  v.setUint32(76, nonce >>> 0, true);
  return h;
}

export function headerValue(h: Uint8Array): bigint {
  const hash = sha256d(h);
  let v = 0n;
  for (let i = 31; i >= 0; i--) v = (v << 8n) | BigInt(hash[i]!);
  return v;
}

/** First nonce from `start` whose header hash lies in (lo, hi]. */
export function findNonce(
  make: (nonce: number) => Uint8Array,
  lo: bigint,
  hi: bigint,
  start = 0,
): number {
  for (let n = start; n < start + 50_000_000; n++) {
    const v = headerValue(make(n));
    if (v > lo && v <= hi) return n;
  }
  throw new Error('no nonce found');
}
