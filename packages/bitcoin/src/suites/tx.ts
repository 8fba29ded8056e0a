import type { ConformanceSuite, SuiteContext } from '@keel/conformance';
import type { Secp256k1Backend } from '@keel/crypto';
import { hexToBytes } from '@keel/util';
import { checkTransaction } from '../consensus/checkTransaction.ts';
import {
  decodeTransaction,
  hashToHex,
  type Transaction,
  type TxOut,
} from '../primitives/transaction.ts';
import { parseScriptAsm } from '../script/asm.ts';
import {
  createMemorySignatureCache,
  createTxSignatureChecker,
  type SignatureCache,
} from '../script/checker.ts';
import { ALL_SCRIPT_FLAGS, parseScriptFlags, ScriptFlags } from '../script/flags.ts';
import { precomputeTxData } from '../script/sighash.ts';
import { verifyScript } from '../script/verify.ts';
import { backendFor } from './script.ts';

const VALID = 'bitcoin-core/tx_valid.json';
const INVALID = 'bitcoin-core/tx_invalid.json';

type PrevoutRow = [string, number, string, number?];

/** Every named flag, one bit each (Core's mapFlagNames without NONE). */
const FLAG_BITS = Object.entries(ScriptFlags).filter(([, bit]) => bit !== 0);

/** Core's FillFlags: CLEANSTACK needs WITNESS, WITNESS needs P2SH. */
function fillFlags(flags: number): number {
  if (flags & ScriptFlags.CLEANSTACK) flags |= ScriptFlags.WITNESS;
  if (flags & ScriptFlags.WITNESS) flags |= ScriptFlags.P2SH;
  return flags;
}

/** Core's TrimFlags: drop what lost its prerequisite. */
function trimFlags(flags: number): number {
  if (!(flags & ScriptFlags.P2SH)) flags &= ~ScriptFlags.WITNESS;
  if (!(flags & ScriptFlags.WITNESS)) flags &= ~ScriptFlags.CLEANSTACK;
  return flags;
}

/** Runs every input's scripts; returns the first failure as "input i: ERROR", or undefined. */
function checkTxScripts(
  tx: Transaction,
  prevouts: Map<string, TxOut>,
  flags: number,
  backend: Secp256k1Backend,
  cache: SignatureCache,
): string | undefined {
  const spent = tx.inputs.map((i) =>
    prevouts.get(`${hashToHex(i.prevout.txid)}:${i.prevout.vout}`),
  );
  if (spent.some((s) => s === undefined)) return 'missing prevout in test';
  const spentOutputs = spent as TxOut[];
  const txData = precomputeTxData(tx, spentOutputs);
  for (let i = 0; i < tx.inputs.length; i++) {
    const input = tx.inputs[i]!;
    const prev = spentOutputs[i]!;
    const checker = createTxSignatureChecker({
      tx,
      inputIndex: i,
      amount: prev.value,
      spentOutputs,
      txData,
      backend,
      cache,
    });
    const v = verifyScript(input.scriptSig, prev.scriptPubKey, input.witness, flags, checker);
    if (!v.ok) return `input ${i}: ${v.error}`;
  }
  return undefined;
}

function parsePrevouts(rows: PrevoutRow[]): Map<string, TxOut> {
  const m = new Map<string, TxOut>();
  for (const [txidHex, vout, asm, amount] of rows) {
    m.set(`${txidHex}:${vout >>> 0}`, {
      value: BigInt(amount ?? 0),
      scriptPubKey: parseScriptAsm(asm),
    });
  }
  return m;
}

function runValid(ctx: SuiteContext, entry: unknown[], backend: Secp256k1Backend): void {
  const [rows, rawTx, excludedStr] = entry as [PrevoutRow[], string, string];
  const prevouts = parsePrevouts(rows);
  // Valid signatures do not depend on flags: verify each once across the flag variations.
  const cache = createMemorySignatureCache(1000);
  const tx = decodeTransaction(hexToBytes(rawTx));
  ctx.expectEqual(checkTransaction(tx), { ok: true }, 'CheckTransaction');
  const excluded = parseScriptFlags(excludedStr);
  const flags = ALL_SCRIPT_FLAGS & ~excluded;
  ctx.expectEqual(flags, fillFlags(flags), 'test flags are a valid combination');
  ctx.expectEqual(
    checkTxScripts(tx, prevouts, flags, backend, cache),
    undefined,
    'valid with all flags',
  );
  // Removing any flag must not invalidate a valid transaction.
  for (const [name, bit] of FLAG_BITS) {
    const fewer = trimFlags(flags & ~bit);
    const r = checkTxScripts(tx, prevouts, fewer, backend, cache);
    ctx.expectEqual(r, undefined, `valid without ${name}`);
  }
  // The excluded flags are maximal: adding back any one of them makes it fail.
  for (const [name, bit] of FLAG_BITS) {
    if (!(excluded & bit)) continue;
    const more = fillFlags(flags | bit);
    const r = checkTxScripts(tx, prevouts, more, backend, cache);
    ctx.expectTrue(r !== undefined, `expected failure when re-adding excluded flag ${name}`);
  }
}

function runInvalid(ctx: SuiteContext, entry: unknown[], backend: Secp256k1Backend): void {
  const [rows, rawTx, flagStr] = entry as [PrevoutRow[], string, string];
  const prevouts = parsePrevouts(rows);
  // Valid signatures do not depend on flags: verify each once across the flag variations.
  const cache = createMemorySignatureCache(1000);
  const tx = decodeTransaction(hexToBytes(rawTx));
  const ct = checkTransaction(tx);
  if (flagStr === 'BADTX' || !ct.ok) {
    ctx.expectTrue(
      flagStr === 'BADTX',
      `CheckTransaction failed (${!ct.ok && ct.reason}) but the test is not BADTX`,
    );
    ctx.expectTrue(!ct.ok, 'BADTX: CheckTransaction must fail');
    return;
  }
  const flags = parseScriptFlags(flagStr);
  ctx.expectEqual(flags, fillFlags(flags), 'test flags are a valid combination');
  ctx.expectTrue(
    checkTxScripts(tx, prevouts, flags, backend, cache) !== undefined,
    'expected script failure',
  );
  // Adding flags must not make an invalid transaction valid.
  for (const [name, bit] of FLAG_BITS) {
    const r = checkTxScripts(tx, prevouts, fillFlags(flags | bit), backend, cache);
    ctx.expectTrue(r !== undefined, `unexpectedly valid with ${name} added`);
  }
  // The listed flags are minimal: removing any one of them makes it valid.
  for (const [name, bit] of FLAG_BITS) {
    if (!(flags & bit)) continue;
    const r = checkTxScripts(tx, prevouts, trimFlags(flags & ~bit), backend, cache);
    ctx.expectEqual(r, undefined, `valid once ${name} is removed`);
  }
}

/**
 * Core's tx_valid.json / tx_invalid.json, checked the way Core's transaction_tests do:
 * valid transactions pass with all but the excluded flags, still pass with fewer flags and
 * fail when any excluded flag is re-added; invalid ones fail CheckTransaction (BADTX) or fail
 * their scripts with the listed flags, still fail with more flags, and pass when any
 * listed flag is removed.
 */
export const txSuite: ConformanceSuite = {
  name: 'bitcoin-tx',
  description:
    "Bitcoin Core's tx_valid.json and tx_invalid.json: CheckTransaction and input scripts",
  files: [VALID, INVALID],
  expectedCases: 121 + 93,
  variants: ['noble', 'libsecp256k1'],
  async run(ctx) {
    const backend = await backendFor(ctx.variant);
    for (const [file, tag, fn] of [
      [VALID, 'tx_valid', runValid],
      [INVALID, 'tx_invalid', runInvalid],
    ] as const) {
      let n = 0;
      for (const entry of ctx.readJson(file) as unknown[][]) {
        if (!Array.isArray(entry[0])) continue; // comment
        ctx.check(`${tag}#${n++}`, () => fn(ctx, entry, backend));
      }
    }
  },
};
