/**
 * A fixed-template TemplateProvider for the load bench: one template on a mainnet-difficulty
 * target, so shares at an easy channel target never become blocks and the job never changes
 * mid-run (the regtest chain would turn half of them into blocks).
 */
import {
  encodeCoinbaseOutput,
  nbitsToTarget,
  type SubmitResult,
  type TemplateListener,
  type TemplateProvider,
  targetToU256,
} from '@keel/stratum';

export class StaticTemplateProvider implements TemplateProvider {
  subscribe(l: TemplateListener): () => void {
    const nbits = 0x17034219;
    l.onNewTemplate({
      templateId: 1n,
      futureTemplate: true,
      version: 0x20000000,
      coinbaseTxVersion: 2,
      coinbasePrefix: Uint8Array.of(0x03, 0x40, 0x0d, 0x03),
      coinbaseTxInputSequence: 0xffffffff,
      coinbaseTxValueRemaining: 312_500_000n,
      coinbaseTxOutputs: [
        encodeCoinbaseOutput({
          value: 0n,
          scriptPubKey: Uint8Array.from([
            0x6a,
            0x24,
            0xaa,
            0x21,
            0xa9,
            0xed,
            ...new Uint8Array(32).fill(5),
          ]),
        }),
      ],
      coinbaseTxLocktime: 0,
      merklePath: Array.from({ length: 12 }, (_, i) => new Uint8Array(32).fill(i + 1)),
    });
    l.onSetNewPrevHash({
      templateId: 1n,
      prevHash: new Uint8Array(32).fill(9),
      headerTimestamp: Math.floor(Date.now() / 1000),
      nBits: nbits,
      target: targetToU256(nbitsToTarget(nbits)),
    });
    return () => {};
  }

  async submitSolution(): Promise<SubmitResult> {
    return { accepted: false, reason: 'static template' };
  }
}
