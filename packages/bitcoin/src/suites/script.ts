import type { ConformanceSuite } from '@keel/conformance';
import type { Secp256k1Backend } from '@keel/crypto';
import { loadSecp256k1Backend } from '@keel/crypto/secp256k1';
import { bytesToHex, concatBytes, hexToBytes } from '@keel/util';
import { type Transaction, type TxOut, txid } from '../primitives/transaction.ts';
import { parseScriptAsm } from '../script/asm.ts';
import {
  createMemorySignatureCache,
  createTxSignatureChecker,
  type SignatureCache,
} from '../script/checker.ts';
import { parseScriptFlags, ScriptFlags } from '../script/flags.ts';
import { precomputeTxData } from '../script/sighash.ts';
import { TAPSCRIPT_LEAF_VERSION, tapleafHash, taprootOutputKey } from '../script/taproot.ts';
import { verifyScript } from '../script/verify.ts';

const FILE = 'bitcoin-core/script_tests.json';

/** Loads the suite variant's secp256k1 backend. */
export function backendFor(variant: string | undefined): Promise<Secp256k1Backend> {
  return loadSecp256k1Backend(variant === 'libsecp256k1' ? 'libsecp256k1' : 'noble');
}

/**
 * The crediting transaction of Core's script tests: a coinbase-like input with scriptSig
 * `OP_0 OP_0` and one output of `amount` to `scriptPubKey`.
 */
export function buildCreditingTx(scriptPubKey: Uint8Array, amount: bigint): Transaction {
  return {
    version: 1,
    inputs: [
      {
        prevout: { txid: new Uint8Array(32), vout: 0xffffffff },
        scriptSig: Uint8Array.of(0, 0),
        sequence: 0xffffffff,
        witness: [],
      },
    ],
    outputs: [{ value: amount, scriptPubKey }],
    locktime: 0,
  };
}

/** The spending transaction: spends output 0 of `credit` with `scriptSig`/`witness`. */
export function buildSpendingTx(
  scriptSig: Uint8Array,
  witness: Uint8Array[],
  credit: Transaction,
): Transaction {
  return {
    version: 1,
    inputs: [
      { prevout: { txid: txid(credit), vout: 0 }, scriptSig, sequence: 0xffffffff, witness },
    ],
    outputs: [{ value: credit.outputs[0]!.value, scriptPubKey: new Uint8Array(0) }],
    locktime: 0,
  };
}

/** BIP341's nothing-up-my-sleeve point H, the internal key Core's tapscript tests use. */
const NUMS_H = hexToBytes('50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0');

/** A small deterministic generator for the flag variations (the package is pure: no ambient randomness). */
function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 16; // 16 random bits, like Core's randbits(16)
  };
}

interface ParsedCase {
  witness: Uint8Array[];
  amount: bigint;
  scriptSig: Uint8Array;
  scriptPubKey: Uint8Array;
  flags: number;
  expected: string;
}

function parseCase(entry: unknown[], backend: Secp256k1Backend): ParsedCase {
  let pos = 0;
  let witness: Uint8Array[] = [];
  let amount = 0n;
  let spkAsm: string;
  if (Array.isArray(entry[0])) {
    const w = entry[0] as unknown[];
    amount = BigInt(Math.round((w[w.length - 1] as number) * 1e8));
    let tapscript: Uint8Array | undefined;
    let control: Uint8Array | undefined;
    let outputKey: Uint8Array | undefined;
    witness = (w.slice(0, -1) as string[]).map((item) => {
      if (item.startsWith('#SCRIPT#')) {
        tapscript = parseScriptAsm(item.slice('#SCRIPT#'.length));
        return tapscript;
      }
      if (item === '#CONTROLBLOCK#') {
        const leaf = tapleafHash(TAPSCRIPT_LEAF_VERSION, tapscript!);
        const q = taprootOutputKey(backend, NUMS_H, leaf)!;
        outputKey = q.xOnly;
        control = concatBytes(Uint8Array.of(TAPSCRIPT_LEAF_VERSION | q.parity), NUMS_H);
        return control;
      }
      return hexToBytes(item);
    });
    pos = 1;
    spkAsm = entry[pos + 1] as string;
    if (outputKey) spkAsm = spkAsm.replace('#TAPROOTOUTPUT#', `0x${bytesToHex(outputKey)}`);
  } else {
    spkAsm = entry[pos + 1] as string;
  }
  return {
    witness,
    amount,
    scriptSig: parseScriptAsm(entry[pos] as string),
    scriptPubKey: parseScriptAsm(spkAsm),
    flags: parseScriptFlags(entry[pos + 2] as string),
    expected: entry[pos + 3] as string,
  };
}

function run(
  c: ParsedCase,
  flags: number,
  backend: Secp256k1Backend,
  cache: SignatureCache,
): string {
  const credit = buildCreditingTx(c.scriptPubKey, c.amount);
  const spend = buildSpendingTx(c.scriptSig, c.witness, credit);
  const spent: TxOut[] = [credit.outputs[0]!];
  const checker = createTxSignatureChecker({
    tx: spend,
    inputIndex: 0,
    amount: c.amount,
    spentOutputs: spent,
    txData: precomputeTxData(spend, spent),
    backend,
    cache,
  });
  const v = verifyScript(c.scriptSig, c.scriptPubKey, c.witness, flags, checker);
  return v.ok ? 'OK' : v.error;
}

/**
 * Core's script_tests.json: each case runs as the spend of a crediting transaction and
 * must give the exact expected error. Like Core, 16 flag variations per case also run:
 * removing flags from a passing case keeps it passing, adding flags to a failing case keeps
 * it failing.
 */
export const scriptSuite: ConformanceSuite = {
  name: 'bitcoin-script',
  description: "Bitcoin Core's script_tests.json: interpreter verdicts and exact ScriptError names",
  files: [FILE],
  expectedCases: 1222,
  variants: ['noble', 'libsecp256k1'],
  async run(ctx) {
    const backend = await backendFor(ctx.variant);
    const entries = ctx.readJson(FILE) as unknown[][];
    let n = 0;
    for (const entry of entries) {
      if (entry.length === 1) continue;
      const id = `script_tests#${n++}`;
      ctx.check(id, () => {
        const c = parseCase(entry, backend);
        const cache = createMemorySignatureCache(100);
        ctx.expectEqual(run(c, c.flags, backend, cache), c.expected, 'verdict');
        const expectOk = c.expected === 'OK';
        const rnd = lcg(n);
        for (let i = 0; i < 16; i++) {
          const extra = rnd();
          const combined = expectOk ? c.flags & ~extra : c.flags | extra;
          const P2SH_WITNESS = ScriptFlags.P2SH | ScriptFlags.WITNESS;
          if (combined & ScriptFlags.CLEANSTACK && ~combined & P2SH_WITNESS) continue;
          if (combined & ScriptFlags.WITNESS && ~combined & ScriptFlags.P2SH) continue;
          const got = run(c, combined, backend, cache);
          ctx.expectTrue(
            (got === 'OK') === expectOk,
            `with flags 0x${combined.toString(16)}: got ${got}, expected ${expectOk ? 'OK' : 'failure'}`,
          );
        }
      });
    }
  },
};
