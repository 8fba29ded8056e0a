import type { Stream } from '@libp2p/interface';
import { ChainNodeError, ChainNodeErrorCode } from '../errors.ts';

/** Reads a stream to its end, refusing more than `max` bytes (a peer cannot make us buffer more). */
export async function readAll(stream: Stream, max: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream.source) {
    // Copy now into a plain Uint8Array: the chunk may be a Buffer view of reused memory.
    const bytes = new Uint8Array(chunk.subarray());
    total += bytes.length;
    if (total > max) {
      stream.abort(new ChainNodeError(ChainNodeErrorCode.NETWORK, 'message too large'));
      throw new ChainNodeError(ChainNodeErrorCode.NETWORK, `message over ${max} bytes`, {
        oversized: true,
      });
    }
    parts.push(bytes);
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Writes one message and closes our side. */
export async function writeOne(stream: Stream, bytes: Uint8Array): Promise<void> {
  await stream.sink([bytes]);
}

/** Rejects after `ms` unless `p` settles first. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(
      () => reject(new ChainNodeError(ChainNodeErrorCode.NETWORK, `${what} timed out`)),
      ms,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}
