// fast-check arbitraries for every P2P message, written from the wire formats (BIPs, Core's
// protocol.h), independently of the codecs they test.
import type { BlockHeader, Transaction } from '@keel/bitcoin/primitives';
import fc from 'fast-check';
import type { P2PCommand, P2PMessage } from '../../src/index.ts';

// Plain-prototype objects, so that deepEqual against decoded values compares fields only.
const rec = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> =>
  fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const i32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const i64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
const hash = fc.uint8Array({ minLength: 32, maxLength: 32 });
const bytes = (max: number) => fc.uint8Array({ maxLength: max });

const netAddress = rec({
  services: u64,
  ip: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  port: fc.integer({ min: 0, max: 0xffff }),
});

export const arbHeader: fc.Arbitrary<BlockHeader> = rec({
  version: i32,
  prevBlock: hash,
  merkleRoot: hash,
  time: u32,
  bits: u32,
  nonce: u32,
});

/** Transactions with at least one input (a zero-input one is ambiguous with BIP144's marker). */
export const arbTx: fc.Arbitrary<Transaction> = rec({
  version: i32,
  inputs: fc.array(
    rec({
      prevout: rec({ txid: hash, vout: u32 }),
      scriptSig: bytes(40),
      sequence: u32,
      witness: fc.array(bytes(40), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  outputs: fc.array(rec({ value: i64, scriptPubKey: bytes(40) }), { maxLength: 3 }),
  locktime: u32,
});

const lengths: Record<number, number> = { 1: 4, 2: 16, 4: 32, 5: 32, 6: 16 };
const addrV2Entry = fc
  .oneof(
    fc.constantFrom(1, 2, 4, 5, 6).chain((id) =>
      rec({
        networkId: fc.constant(id),
        addr: fc.uint8Array({ minLength: lengths[id]!, maxLength: lengths[id]! }),
      }),
    ),
    // TORv2 (no longer known to Core) and future ids: any length up to MAX_ADDRV2_SIZE.
    rec({
      networkId: fc.oneof(fc.constant(3), fc.integer({ min: 7, max: 255 }), fc.constant(0)),
      addr: bytes(512),
    }),
  )
  .chain(({ networkId, addr }) =>
    rec({
      time: u32,
      services: u64,
      networkId: fc.constant(networkId),
      addr: fc.constant(addr),
      port: fc.integer({ min: 0, max: 0xffff }),
    }),
  );

const inv = fc.array(rec({ type: u32, hash }), { maxLength: 20 });
const locator = rec({
  version: i32,
  locator: fc.array(hash, { maxLength: 101 }),
  hashStop: hash,
});
const increasing = (max: number, maxLen: number) =>
  fc
    .uniqueArray(fc.integer({ min: 0, max }), { maxLength: maxLen })
    .map((a) => a.sort((x, y) => x - y));

const payloads: {
  [C in P2PCommand]: fc.Arbitrary<Extract<P2PMessage, { command: C }>['payload']>;
} = {
  version: rec({
    version: i32,
    services: u64,
    timestamp: i64,
    addrRecv: netAddress,
    addrFrom: netAddress,
    nonce: u64,
    userAgent: fc.string({ maxLength: 256 }),
    startHeight: i32,
    relay: fc.boolean(),
  }),
  verack: fc.constant(null),
  wtxidrelay: fc.constant(null),
  sendaddrv2: fc.constant(null),
  sendheaders: fc.constant(null),
  mempool: fc.constant(null),
  getaddr: fc.constant(null),
  addr: fc.array(
    rec({
      time: u32,
      services: u64,
      ip: netAddress.map((a) => a.ip),
      port: fc.integer({ min: 0, max: 0xffff }),
    }),
    { maxLength: 20 },
  ),
  addrv2: fc.array(addrV2Entry, { maxLength: 10 }),
  sendcmpct: rec({ announce: fc.boolean(), version: u64 }),
  feefilter: i64,
  ping: u64,
  pong: u64,
  inv,
  getdata: inv,
  notfound: inv,
  getheaders: locator,
  getblocks: locator,
  headers: fc.array(arbHeader, { maxLength: 30 }),
  block: rec({ header: arbHeader, txs: fc.array(arbTx, { maxLength: 3 }) }),
  tx: arbTx,
  sendtxrcncl: rec({ version: u32, salt: u64 }),
  reqrecon: rec({
    setSize: fc.integer({ min: 0, max: 0xffff }),
    q: fc.integer({ min: 0, max: 0xffff }),
  }),
  sketch: fc
    .integer({ min: 0, max: 40 })
    .chain((n) => fc.uint8Array({ minLength: 4 * n, maxLength: 4 * n })),
  reqsketchext: fc.constant(null),
  reconcildiff: rec({ success: fc.boolean(), askShortIds: fc.array(u32, { maxLength: 40 }) }),
  cmpctblock: rec({
    header: arbHeader,
    nonce: u64,
    shortIds: fc.array(fc.integer({ min: 0, max: 2 ** 48 - 1 }), { maxLength: 20 }),
    prefilled: increasing(200, 3).chain((idx) =>
      fc.tuple(...idx.map((index) => arbTx.map((tx) => ({ index, tx })))),
    ),
  }),
  getblocktxn: rec({ blockHash: hash, indexes: increasing(0xffff, 30) }),
  blocktxn: rec({ blockHash: hash, txs: fc.array(arbTx, { maxLength: 3 }) }),
};

export function arbPayloadOf<C extends P2PCommand>(command: C) {
  return payloads[command];
}

export const arbMessage: fc.Arbitrary<P2PMessage> = fc.oneof(
  ...(Object.keys(payloads) as P2PCommand[]).map((command) =>
    (payloads[command] as fc.Arbitrary<unknown>).map(
      (payload) => ({ command, payload }) as P2PMessage,
    ),
  ),
);
