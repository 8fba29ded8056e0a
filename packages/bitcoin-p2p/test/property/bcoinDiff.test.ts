// Differential test against bcoin (an independent implementation, ../shared/peers/bcoin):
// every payload keel encodes is parsed by bcoin's packet classes and re-serialized to the same
// bytes. Values are brought into bcoin's domain first (bcoin keeps 64-bit fields as JS numbers
// below 2^53, addr services as 32 bits, and checks compact-block index consistency).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeMessage, encodeMessage, type P2PCommand, type P2PMessage } from '../../src/index.ts';
import { arbPayloadOf } from '../support/arbitraries.ts';

const BCOIN = join(import.meta.dirname, '../../../../../shared/peers/bcoin');
const present = existsSync(join(BCOIN, 'lib/net/packets.js'));

const COMMANDS: P2PCommand[] = [
  'version',
  'verack',
  'ping',
  'pong',
  'getaddr',
  'addr',
  'inv',
  'getdata',
  'notfound',
  'getblocks',
  'getheaders',
  'headers',
  'sendheaders',
  'block',
  'tx',
  'mempool',
  'feefilter',
  'sendcmpct',
  'cmpctblock',
  'getblocktxn',
  'blocktxn',
];

function clamp(x: unknown, bits: bigint): unknown {
  if (typeof x === 'bigint') return x % (1n << bits);
  if (x instanceof Uint8Array || x === null || typeof x !== 'object') return x;
  if (Array.isArray(x)) return x.map((v) => clamp(v, bits));
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, clamp(v, bits)]));
}

function inBcoinDomain(m: P2PMessage): boolean {
  if (m.command === 'version') {
    const v = m.payload;
    return v.version >= 0 && v.startHeight >= 0 && v.timestamp >= 0n;
  }
  if (m.command === 'cmpctblock') {
    return m.payload.prefilled.every((p, i) => p.index <= m.payload.shortIds.length + i);
  }
  return true;
}

test(
  'bcoin parses and re-serializes every payload keel encodes to the same bytes',
  { skip: !present && 'bcoin not found at ../shared/peers/bcoin' },
  () => {
    process.env.NODE_BACKEND = 'js'; // bcrypto's pure-JS backend: the shared copy is not built
    const packets = createRequire(import.meta.url)(join(BCOIN, 'lib/net/packets.js'));
    for (const command of COMMANDS) {
      const bits = command === 'addr' || command === 'version' ? 32n : 53n;
      const arb = (arbPayloadOf(command) as fc.Arbitrary<unknown>).map(
        (p) => ({ command, payload: clamp(p, bits) }) as P2PMessage,
      );
      fc.assert(
        fc.property(arb, (m) => {
          fc.pre(inBcoinDomain(m));
          const ours = Buffer.from(encodeMessage(m));
          const pkt = packets.fromRaw(command, ours);
          // bcoin's tx/block/cmpctblock/blocktxn packets drop witnesses unless flagged.
          if ('witness' in pkt) pkt.witness = true;
          const theirs: Buffer = pkt.toRaw();
          assert.equal(theirs.toString('hex'), ours.toString('hex'), command);
        }),
        { numRuns: 60 },
      );
    }
  },
);

test(
  'keel decodes the version and ping packets bcoin builds, field by field',
  { skip: !present && 'bcoin not found at ../shared/peers/bcoin' },
  () => {
    process.env.NODE_BACKEND = 'js';
    const packets = createRequire(import.meta.url)(join(BCOIN, 'lib/net/packets.js'));
    fc.assert(
      fc.property(
        fc.record({
          version: fc.integer({ min: 31800, max: 0x7fffffff }),
          services: fc.integer({ min: 0, max: 0xffffffff }),
          time: fc.integer({ min: 0, max: 2 ** 40 }),
          nonce: fc.uint8Array({ minLength: 8, maxLength: 8 }),
          agent: fc.string({ minLength: 1, maxLength: 100, unit: 'grapheme-ascii' }), // bcoin defaults ''
          height: fc.integer({ min: 0, max: 0x7fffffff }),
          noRelay: fc.boolean(),
        }),
        (o) => {
          const raw: Buffer = new packets.VersionPacket({
            ...o,
            nonce: Buffer.from(o.nonce),
          }).toRaw();
          const m = decodeMessage('version', raw);
          assert.ok(m?.command === 'version');
          const v = m.payload;
          assert.equal(v.version, o.version);
          assert.equal(v.services, BigInt(o.services));
          assert.equal(v.timestamp, BigInt(o.time));
          assert.equal(v.nonce, Buffer.from(o.nonce).readBigUInt64LE());
          assert.equal(v.userAgent, o.agent);
          assert.equal(v.startHeight, o.height);
          assert.equal(v.relay, !o.noRelay);
          const ping: Buffer = new packets.PingPacket(Buffer.from(o.nonce)).toRaw();
          assert.deepEqual(decodeMessage('ping', ping), {
            command: 'ping',
            payload: Buffer.from(o.nonce).readBigUInt64LE(),
          });
        },
      ),
      { numRuns: 200 },
    );
  },
);
