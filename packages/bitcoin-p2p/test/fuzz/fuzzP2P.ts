// Bounded fuzzing of every @keel/bitcoin-p2p decoder (`npm run fuzz:p2p -- --seconds 60`).
// Random and mutated bytes go into every message decoder, the V1Decoder and the V2Transport
// (fresh and after a real handshake); anything other than a value, null or a P2PError fails.
// `erlay`: random sequences of decoded reqrecon/sketch/reqsketchext/reconcildiff (random bytes
// through the registry) into a BIP330 ReconciliationState of either role.
// Not part of `npm test`: the properties in test/property run a short version of the same.
import { networks } from '@keel/bitcoin/consensus';
import fc from 'fast-check';
import {
  computeReconSalt,
  decodeMessage,
  encodeMessage,
  encodeV1Frame,
  P2P_COMMANDS,
  P2PError,
  ReconciliationState,
  V1Decoder,
  V2Transport,
} from '../../src/index.ts';
import { arbMessage } from '../support/arbitraries.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const seconds = opt('seconds', 30);
const seed = opt('seed', Date.now() % 2 ** 31);
const MAGIC = networks.regtest.magic;

function guard(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof P2PError)) throw e;
  }
}

function checkEvents(evs: { kind: string; error?: unknown }[]): void {
  for (const e of evs) if (e.kind === 'error' && !(e.error instanceof P2PError)) throw e.error;
}

const properties = {
  decoders: fc.property(
    fc.constantFrom(...P2P_COMMANDS),
    fc.uint8Array({ maxLength: 2000 }),
    (c, b) => guard(() => void decodeMessage(c, b)),
  ),
  mutated: fc.property(arbMessage, fc.nat(), fc.integer({ min: 0, max: 255 }), (m, at, v) => {
    const b = encodeMessage(m).slice();
    if (b.length) b[at % b.length] = v;
    guard(() => void decodeMessage(m.command, b));
  }),
  erlay: fc.property(
    fc.boolean(),
    fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 30 }),
    fc.array(
      fc.tuple(
        fc.constantFrom('reqrecon', 'sketch', 'reqsketchext', 'reconcildiff', 'respond', 'request'),
        fc.uint8Array({ maxLength: 300 }),
      ),
      { maxLength: 8 },
    ),
    (initiator, txs, steps) => {
      const s = new ReconciliationState({
        role: initiator ? 'initiator' : 'responder',
        key: computeReconSalt(1n, 2n),
      });
      for (const t of txs) s.add(t);
      for (const [c, b] of steps) {
        guard(() => {
          if (c === 'request') return void s.requestReconciliation();
          if (c === 'respond') return void s.respondSketch();
          const m = decodeMessage(c, b);
          if (m?.command === 'reqrecon') s.onReqRecon(m.payload);
          else if (m?.command === 'sketch') s.onSketch(m.payload);
          else if (m?.command === 'reqsketchext') s.onReqSketchExt();
          else if (m?.command === 'reconcildiff') s.onReconcilDiff(m.payload);
        });
      }
    },
  ),
  v1: fc.property(
    fc.array(
      fc.oneof(
        fc.uint8Array({ maxLength: 100 }),
        fc
          .tuple(fc.constantFrom(...P2P_COMMANDS), fc.uint8Array({ maxLength: 500 }))
          .map(([c, p]) => encodeV1Frame(MAGIC, c, p)),
      ),
      { maxLength: 10 },
    ),
    (chunks) => {
      const d = new V1Decoder({ magic: MAGIC });
      for (const c of chunks) checkEvents(d.push(c));
    },
  ),
  v2: fc.property(
    fc.boolean(),
    fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 10 }),
    (init, chunks) => {
      const key = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
      const t = new V2Transport({ initiating: init, magic: MAGIC, privateKey: key });
      t.start();
      for (const c of chunks) checkEvents(t.receive(c).events);
    },
  ),
};

const deadline = Date.now() + seconds * 1000;
let round = 0;
const runs: Record<string, number> = {};
while (Date.now() < deadline) {
  for (const [name, prop] of Object.entries(properties)) {
    fc.assert(prop as fc.IProperty<unknown>, { numRuns: 200, seed: seed + round });
    runs[name] = (runs[name] ?? 0) + 200;
  }
  round++;
}
console.log(JSON.stringify({ fuzz: 'p2p', seconds, seed, runs }));
