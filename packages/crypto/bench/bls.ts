import { type BenchHarness, bigIntToBytes, utf8ToBytes } from '@keel/util';
import { type BlsBackend, loadBlsBackend, nobleBls } from '../src/bls/index.ts';

const N_FAST = 100;
const N_AGG = 16;

interface Fixture {
  sk: Uint8Array;
  pk: Uint8Array;
  msg: Uint8Array;
  sig: Uint8Array;
  fastPks: Uint8Array[];
  fastSig: Uint8Array;
  aggPks: Uint8Array[];
  aggMsgs: Uint8Array[];
  aggSig: Uint8Array;
}

/** Deterministic keys; both backends produce identical bytes, so the faster one builds it. */
function fixture(bls: BlsBackend): Fixture {
  const sks = Array.from({ length: N_FAST }, (_, i) => bigIntToBytes(0x5eed0000n + BigInt(i), 32));
  const msg = utf8ToBytes('keel bls bench: one attestation root, 32 bytes...').subarray(0, 32);
  const fastPks = sks.map((k) => bls.secretKeyToPublicKey(k));
  const aggMsgs = sks.slice(0, N_AGG).map((_, i) => utf8ToBytes(`keel bls bench message #${i}`));
  return {
    sk: sks[0]!,
    pk: fastPks[0]!,
    msg,
    sig: bls.sign(sks[0]!, msg),
    fastPks,
    fastSig: bls.aggregateSignatures(sks.map((k) => bls.sign(k, msg))),
    aggPks: fastPks.slice(0, N_AGG),
    aggMsgs,
    aggSig: bls.aggregateSignatures(sks.slice(0, N_AGG).map((k, i) => bls.sign(k, aggMsgs[i]!))),
  };
}

function ops(f: Fixture): [string, (b: BlsBackend) => unknown][] {
  return [
    ['bls sign', (b) => b.sign(f.sk, f.msg)],
    ['bls verify', (b) => b.verify(f.pk, f.msg, f.sig)],
    [
      `bls fastAggregateVerify ${N_FAST} pubkeys`,
      (b) => b.fastAggregateVerify(f.fastPks, f.msg, f.fastSig),
    ],
    [`bls aggregateVerify ${N_AGG}`, (b) => b.aggregateVerify(f.aggPks, f.aggMsgs, f.aggSig)],
  ];
}

/** `keel bench crypto` BLS rows: ops/s per backend; noble rows carry blst as the anchor. */
export async function benchBls(h: BenchHarness): Promise<void> {
  let blst: BlsBackend | undefined;
  try {
    blst = await loadBlsBackend('blst');
  } catch (e) {
    h.log(`bls: blst unavailable (${(e as Error).message}); noble rows have no anchor`);
  }
  const f = fixture(blst ?? nobleBls);
  for (const [metric, run] of ops(f)) {
    if (run(blst ?? nobleBls) === false) h.log(`bls: ${metric} fixture did not verify`);
    const anchorValue = blst ? h.opsPerSecond(() => run(blst)) : undefined;
    if (anchorValue !== undefined) {
      h.report({ bench: 'crypto', metric: `${metric} [blst]`, value: anchorValue, unit: 'ops/s' });
    }
    const value = h.opsPerSecond(() => run(nobleBls));
    h.report({
      bench: 'crypto',
      metric: `${metric} [noble]`,
      value,
      unit: 'ops/s',
      ...(anchorValue !== undefined ? { anchor: `${metric} [blst]`, anchorValue } : {}),
    });
  }
}
