import type { ConformanceSuite } from '@keel/conformance';
import { BufferReader, bytesToHex, hexToBytes } from '@keel/util';
import { decodeTransaction, type TxOut } from '../primitives/transaction.ts';
import {
  createMemorySignatureCache,
  createTxSignatureChecker,
  type SignatureChecker,
} from '../script/checker.ts';
import { parseScriptFlags, ScriptFlags } from '../script/flags.ts';
import { precomputeTxData } from '../script/sighash.ts';
import { verifyScript } from '../script/verify.ts';
import { backendFor } from './script.ts';

const FILE = 'bitcoin-core/script_assets_test.json';

interface Spend {
  scriptSig: string;
  witness: string[];
}

interface AssetCase {
  tx: string;
  prevouts: string[];
  index: number;
  flags: string;
  comment: string;
  success?: Spend;
  failure?: Spend;
  final?: boolean;
}

function decodeTxOut(hex: string): TxOut {
  const r = new BufferReader(hexToBytes(hex));
  const value = r.i64le();
  const scriptPubKey = r.varBytes(r.remaining, 'scriptPubKey').slice();
  r.assertEnd('prevout');
  return { value, scriptPubKey };
}

/** Core's ALL_CONSENSUS_FLAGS: every combination of the seven consensus flags that is valid. */
const CONSENSUS_FLAG_SETS: readonly number[] = (() => {
  const bits = [
    ScriptFlags.P2SH,
    ScriptFlags.DERSIG,
    ScriptFlags.NULLDUMMY,
    ScriptFlags.CHECKLOCKTIMEVERIFY,
    ScriptFlags.CHECKSEQUENCEVERIFY,
    ScriptFlags.WITNESS,
    ScriptFlags.TAPROOT,
  ];
  const out: number[] = [];
  for (let i = 0; i < 1 << bits.length; i++) {
    let f = 0;
    bits.forEach((b, j) => {
      if (i & (1 << j)) f |= b;
    });
    if (f & ScriptFlags.WITNESS && !(f & ScriptFlags.P2SH)) continue;
    if (f & ScriptFlags.TAPROOT && !(f & ScriptFlags.WITNESS)) continue;
    out.push(f);
  }
  return out;
})();

/** Memoizes the (flag-independent) tweak check across the flag sets of one case. */
function memoTapTweak(checker: SignatureChecker): SignatureChecker {
  const memo = new Map<string, boolean>();
  // delegate explicitly: the checker's methods live on its prototype (a spread would drop them)
  return {
    checkECDSASignature: (sig, pub, code, v) => checker.checkECDSASignature(sig, pub, code, v),
    checkSchnorrSignature: (sig, pub, v, exec) => checker.checkSchnorrSignature(sig, pub, v, exec),
    checkLockTime: (t) => checker.checkLockTime(t),
    checkSequence: (s) => checker.checkSequence(s),
    checkTapTweak(p, root, q, parity) {
      const k = `${bytesToHex(p)}${bytesToHex(root)}${bytesToHex(q)}${parity}`;
      let v = memo.get(k);
      if (v === undefined) {
        v = checker.checkTapTweak(p, root, q, parity);
        memo.set(k, v);
      }
      return v;
    },
  };
}

/**
 * Core's script_assets_test.json (btcd's taproot-ref subset, 2760 cases). As in Core's
 * script_assets_tests: `success` must verify under every consensus flag set that is a subset
 * of the case's flags (every set when `final`), and `failure` must fail under every superset.
 */
export const taprootSuite: ConformanceSuite = {
  name: 'bitcoin-taproot',
  description: 'Core script assets (taproot, tapscript, segwit v0 and legacy around them)',
  files: [FILE],
  expectedCases: 2760,
  variants: ['noble', 'libsecp256k1'],
  async run(ctx) {
    const backend = await backendFor(ctx.variant);
    const cases = ctx.readJson(FILE) as AssetCase[];
    cases.forEach((c, n) => {
      ctx.check(`assets#${n}:${c.comment}`, () => {
        const base = decodeTransaction(hexToBytes(c.tx));
        const prevouts = c.prevouts.map(decodeTxOut);
        const testFlags = parseScriptFlags(c.flags);
        const cache = createMemorySignatureCache(1000);
        const attempt = (spend: Spend) => {
          const inputs = base.inputs.slice();
          inputs[c.index] = {
            ...inputs[c.index]!,
            scriptSig: hexToBytes(spend.scriptSig),
            witness: spend.witness.map(hexToBytes),
          };
          const tx = { ...base, inputs };
          const checker = memoTapTweak(
            createTxSignatureChecker({
              tx,
              inputIndex: c.index,
              amount: prevouts[c.index]!.value,
              spentOutputs: prevouts,
              txData: precomputeTxData(tx, prevouts),
              backend,
              cache,
            }),
          );
          const input = tx.inputs[c.index]!;
          return (f: number) =>
            verifyScript(
              input.scriptSig,
              prevouts[c.index]!.scriptPubKey,
              input.witness,
              f,
              checker,
            );
        };
        if (c.success) {
          const verify = attempt(c.success);
          for (const f of CONSENSUS_FLAG_SETS) {
            if (!c.final && (f & testFlags) !== f) continue;
            const v = verify(f);
            ctx.expectTrue(
              v.ok,
              `success spend failed with flags 0x${f.toString(16)}: ${!v.ok && v.error}`,
            );
          }
        }
        if (c.failure) {
          const verify = attempt(c.failure);
          for (const f of CONSENSUS_FLAG_SETS) {
            if ((f & testFlags) !== testFlags) continue;
            ctx.expectTrue(!verify(f).ok, `failure spend verified with flags 0x${f.toString(16)}`);
          }
        }
      });
    });
  },
};
