import type { SignatureScheme } from '@keel/consensus';
import { ValidatorSet, verifyQC, voteSigningMessage } from '@keel/consensus';
import { loadSimScheme, runSimulation, simKey } from '@keel/consensus/sim';
import { loadBlsBackend } from '@keel/crypto/bls';
import type { BenchHarness, BenchMain } from '@keel/util';

const SIZES = [4, 16, 64, 128] as const;

/**
 * `keel bench consensus`: for 4/16/64/128 validators, the simulator's wall time per committed
 * block (real BLS via blst, ECVRF leaders), messages per view, and the cost of verifying one
 * QC (aggregating the signers' keys + one pairing check), blst with noble as the anchor.
 */
export const main: BenchMain = async (h) => {
  const blst = await loadBlsBackend('blst');
  const noble = await loadBlsBackend('noble');
  const sizes = h.scale < 1 ? SIZES.slice(0, 2) : SIZES;
  for (const n of sizes) {
    benchSimulation(h, n, await loadSimScheme('blst'));
    const b = qcVerifyMs(h, blst, n);
    const a = qcVerifyMs(h, noble, n);
    h.report({
      bench: 'consensus',
      metric: `qc-verify n=${n}`,
      value: b,
      unit: 'ms',
      anchor: 'noble',
      anchorValue: a,
    });
  }
};

function benchSimulation(h: BenchHarness, n: number, scheme: SignatureScheme): void {
  const views = n >= 64 ? 12 : 30;
  const started = performance.now();
  const r = runSimulation({ seed: 1, validators: n, views, scheme, election: 'ecvrf' });
  const wall = performance.now() - started;
  h.log(`n=${n}: ${r.viewsReached} views, ${r.maxCommittedHeight} blocks in ${wall.toFixed(0)} ms`);
  h.report({
    bench: 'consensus',
    metric: `sim wall time per committed block n=${n}`,
    value: wall / Math.max(1, r.maxCommittedHeight),
    unit: 'ms/block',
  });
  h.report({
    bench: 'consensus',
    metric: `messages per view n=${n}`,
    value: r.messagesPerView,
    unit: 'messages',
  });
}

/** One QC of ⌊2n/3⌋+1 signers: fresh validator set each run, so key aggregation is counted. */
function qcVerifyMs(h: BenchHarness, scheme: SignatureScheme, n: number): number {
  const keys = Array.from({ length: n }, (_, i) => simKey(scheme, i));
  const infos = keys.map((k) => ({ stake: 1, publicKey: k.publicKey }));
  const chain = { chainId: 'bench', genesisHash: new Uint8Array(32) };
  const hash = new Uint8Array(32).fill(1);
  const signers = Array.from({ length: Math.floor((2 * n) / 3) + 1 }, (_, i) => i);
  const msg = voteSigningMessage(chain, 7, hash);
  const signature = scheme.aggregateSignatures(
    signers.map((i) => scheme.sign(keys[i]!.secretKey, msg)),
  );
  let ok = true;
  const ms = h.timeMs(
    () => {
      const validators = new ValidatorSet(infos, scheme);
      const qc = { view: 7, blockHash: hash, signers: validators.encodeBitmap(signers), signature };
      ok &&= verifyQC({ chain, validators, scheme }, qc);
    },
    { runs: 5 },
  );
  if (!ok) h.log(`qc-verify n=${n} (${scheme.name}): verification FAILED`);
  return ms;
}
