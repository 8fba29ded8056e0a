import type { ConformanceSuite, SuiteContext } from '@keel/conformance';
import type { Secp256k1Backend } from '@keel/crypto';
import {
  tapBranchHash,
  tapLeafHash,
  taprootScriptPubKey,
  taprootTweakPrivateKey,
  taprootTweakPublicKey,
} from '@keel/crypto/secp256k1';
import { bytesToHex, concatBytes, hexToBytes } from '@keel/util';
import { checkTransaction } from '../consensus/checkTransaction.ts';
import { decodeTransaction, type Transaction, type TxOut } from '../primitives/transaction.ts';
import { createTxSignatureChecker } from '../script/checker.ts';
import { ALL_SCRIPT_FLAGS } from '../script/flags.ts';
import {
  type PrecomputedTxData,
  precomputeTxData,
  taprootSighash,
  taprootSigMsg,
} from '../script/sighash.ts';
import { verifyScript } from '../script/verify.ts';
import { backendFor } from './script.ts';

const FILE = 'bips/bip-0341/wallet-test-vectors.json';

interface Leaf {
  id: number;
  script: string;
  leafVersion: number;
}
type Tree = Leaf | [Tree, Tree];

interface SpkCase {
  given: { internalPubkey: string; scriptTree: Tree | null };
  intermediary: {
    leafHashes?: string[];
    merkleRoot: string | null;
    tweak: string;
    tweakedPubkey: string;
  };
  expected: { scriptPubKey: string; bip350Address: string; scriptPathControlBlocks?: string[] };
}

interface InputCase {
  given: {
    txinIndex: number;
    internalPrivkey: string;
    merkleRoot: string | null;
    hashType: number;
  };
  intermediary: {
    internalPubkey: string;
    tweak: string;
    tweakedPrivkey: string;
    sigMsg: string;
    sigHash: string;
  };
  expected: { witness: string[] };
}

interface KeyPathTx {
  given: { rawUnsignedTx: string; utxosSpent: { scriptPubKey: string; amountSats: number }[] };
  intermediary: Record<
    'hashAmounts' | 'hashOutputs' | 'hashPrevouts' | 'hashScriptPubkeys' | 'hashSequences',
    string
  >;
  inputSpending: InputCase[];
  auxiliary: { fullySignedTx: string };
}

// ---- BIP350 bech32m (encoding only; the suite checks addresses)
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32M_CONST = 0x2bc830a3;

function polymod(values: number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= gen[i]!;
  }
  return chk >>> 0;
}

/** A segwit v1+ address (BIP350): hrp, witness version, program. */
export function encodeBech32mAddress(hrp: string, version: number, program: Uint8Array): string {
  const data = [version];
  let acc = 0;
  let bits = 0;
  for (const b of program) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      data.push((acc >>> bits) & 31);
    }
  }
  if (bits > 0) data.push((acc << (5 - bits)) & 31);
  const hrpExpand = [...hrp].map((c) => c.charCodeAt(0) >> 5);
  hrpExpand.push(0, ...[...hrp].map((c) => c.charCodeAt(0) & 31));
  const mod = polymod([...hrpExpand, ...data, 0, 0, 0, 0, 0, 0]) ^ BECH32M_CONST;
  const checksum = Array.from({ length: 6 }, (_, i) => (mod >>> (5 * (5 - i))) & 31);
  return `${hrp}1${[...data, ...checksum].map((d) => CHARSET[d]).join('')}`;
}

/** Leaf hashes by id, merkle root, and each leaf's path (the BIP341 reference's tree walk). */
function walkTree(tree: Tree): {
  leaves: Leaf[];
  hashes: Map<number, Uint8Array>;
  root: Uint8Array;
  paths: Map<number, Uint8Array[]>;
} {
  const hashes = new Map<number, Uint8Array>();
  const paths = new Map<number, Uint8Array[]>();
  const leaves: Leaf[] = [];
  const walk = (node: Tree): { hash: Uint8Array; ids: number[] } => {
    if (!Array.isArray(node)) {
      const h = tapLeafHash(hexToBytes(node.script), node.leafVersion);
      hashes.set(node.id, h);
      paths.set(node.id, []);
      leaves.push(node);
      return { hash: h, ids: [node.id] };
    }
    const l = walk(node[0]);
    const r = walk(node[1]);
    for (const id of l.ids) paths.get(id)!.push(r.hash);
    for (const id of r.ids) paths.get(id)!.push(l.hash);
    return { hash: tapBranchHash(l.hash, r.hash), ids: [...l.ids, ...r.ids] };
  };
  return { leaves, hashes, root: walk(tree).hash, paths };
}

function checkScriptPubKey(ctx: SuiteContext, b: Secp256k1Backend, c: SpkCase): void {
  const internal = hexToBytes(c.given.internalPubkey);
  const tree = c.given.scriptTree ? walkTree(c.given.scriptTree) : null;
  if (tree) {
    const ids = [...tree.hashes.keys()].sort((x, y) => x - y);
    ctx.expectEqual(
      ids.map((i) => bytesToHex(tree.hashes.get(i)!)),
      c.intermediary.leafHashes,
      'leafHashes',
    );
  }
  const root = tree ? tree.root : null;
  ctx.expectEqual(root && bytesToHex(root), c.intermediary.merkleRoot, 'merkleRoot');
  const q = taprootTweakPublicKey(b, internal, root);
  ctx.expectEqual(bytesToHex(q.tweak), c.intermediary.tweak, 'tweak');
  ctx.expectEqual(bytesToHex(q.xOnly), c.intermediary.tweakedPubkey, 'tweakedPubkey');
  ctx.expectEqual(
    bytesToHex(taprootScriptPubKey(q.xOnly)),
    c.expected.scriptPubKey,
    'scriptPubKey',
  );
  ctx.expectEqual(
    encodeBech32mAddress('bc', 1, q.xOnly),
    c.expected.bip350Address,
    'bip350Address',
  );
  if (tree) {
    const blocks = tree.leaves.map((leaf) =>
      bytesToHex(
        concatBytes(
          Uint8Array.of(leaf.leafVersion | q.parity),
          internal,
          ...tree.paths.get(leaf.id)!,
        ),
      ),
    );
    ctx.expectEqual(blocks, c.expected.scriptPathControlBlocks, 'scriptPathControlBlocks');
  }
}

interface TxContext {
  tx: Transaction;
  spent: TxOut[];
  txData: PrecomputedTxData;
}

function txContext(k: KeyPathTx): TxContext {
  const tx = decodeTransaction(hexToBytes(k.given.rawUnsignedTx));
  const spent = k.given.utxosSpent.map((u) => ({
    value: BigInt(u.amountSats),
    scriptPubKey: hexToBytes(u.scriptPubKey),
  }));
  return { tx, spent, txData: precomputeTxData(tx, spent) };
}

/** The transaction-wide BIP341 hashes, and every input of the fully signed transaction verifying. */
function checkTransactionLevel(
  ctx: SuiteContext,
  b: Secp256k1Backend,
  k: KeyPathTx,
  t: TxContext,
): void {
  const d = t.txData;
  ctx.expectEqual(bytesToHex(d.amountsSingle!), k.intermediary.hashAmounts, 'hashAmounts');
  ctx.expectEqual(bytesToHex(d.outputsSingle), k.intermediary.hashOutputs, 'hashOutputs');
  ctx.expectEqual(bytesToHex(d.prevoutsSingle), k.intermediary.hashPrevouts, 'hashPrevouts');
  ctx.expectEqual(
    bytesToHex(d.scriptPubKeysSingle!),
    k.intermediary.hashScriptPubkeys,
    'hashScriptPubkeys',
  );
  ctx.expectEqual(bytesToHex(d.sequencesSingle), k.intermediary.hashSequences, 'hashSequences');
  const signed = decodeTransaction(hexToBytes(k.auxiliary.fullySignedTx));
  ctx.expectEqual(checkTransaction(signed), { ok: true }, 'CheckTransaction');
  const txData = precomputeTxData(signed, t.spent);
  signed.inputs.forEach((input, i) => {
    const checker = createTxSignatureChecker({
      tx: signed,
      inputIndex: i,
      amount: t.spent[i]!.value,
      spentOutputs: t.spent,
      txData,
      backend: b,
    });
    const v = verifyScript(
      input.scriptSig,
      t.spent[i]!.scriptPubKey,
      input.witness,
      ALL_SCRIPT_FLAGS,
      checker,
    );
    ctx.expectTrue(v.ok, `fully signed tx input ${i}: ${!v.ok && v.error}`);
  });
}

/** One key-path input: keys and tweak, SigMsg, sighash, signature, and the witness verifying. */
function checkInput(ctx: SuiteContext, b: Secp256k1Backend, c: InputCase, t: TxContext): void {
  const { txinIndex: idx, hashType } = c.given;
  const root = c.given.merkleRoot === null ? null : hexToBytes(c.given.merkleRoot);
  const key = taprootTweakPrivateKey(b, hexToBytes(c.given.internalPrivkey), root);
  ctx.expectEqual(bytesToHex(key.internalXOnly), c.intermediary.internalPubkey, 'internalPubkey');
  ctx.expectEqual(bytesToHex(key.tweak), c.intermediary.tweak, 'tweak');
  ctx.expectEqual(
    bytesToHex(key.tweakedPrivateKey),
    c.intermediary.tweakedPrivkey,
    'tweakedPrivkey',
  );
  const msg = taprootSigMsg(t.txData, idx, hashType);
  ctx.expectEqual(msg && bytesToHex(msg), c.intermediary.sigMsg, 'sigMsg');
  const sighash = taprootSighash(t.txData, idx, hashType);
  ctx.expectEqual(sighash && bytesToHex(sighash), c.intermediary.sigHash, 'sigHash');
  // BIP341's reference signs with all-zero aux_rand; hash type 0 has no suffix byte.
  const sig = b.schnorrSign(sighash!, key.tweakedPrivateKey, new Uint8Array(32));
  const item = hashType === 0 ? sig : concatBytes(sig, Uint8Array.of(hashType));
  ctx.expectEqual([bytesToHex(item)], c.expected.witness, 'witness');
  const checker = createTxSignatureChecker({
    tx: t.tx,
    inputIndex: idx,
    amount: t.spent[idx]!.value,
    spentOutputs: t.spent,
    txData: t.txData,
    backend: b,
  });
  const v = verifyScript(
    new Uint8Array(0),
    t.spent[idx]!.scriptPubKey,
    [item],
    ALL_SCRIPT_FLAGS,
    checker,
  );
  ctx.expectTrue(v.ok, `key-path witness verifies: ${!v.ok && v.error}`);
}

/**
 * The whole BIP341 wallet vector file: scriptPubKey construction (tree hashes, tweak, output
 * key, bech32m address, control blocks) and key-path spending (transaction hashes, SigMsg,
 * sighash, signature, final witness, and the fully signed transaction verifying).
 */
export const bip341WalletSuite: ConformanceSuite = {
  name: 'bip341-wallet',
  description: 'BIP341 wallet vectors: output construction, sighash, key-path witnesses, signed tx',
  files: [FILE],
  ownsDirs: ['bips/bip-0341'],
  expectedCases: 7 + 1 + 7,
  variants: ['noble', 'libsecp256k1'],
  async run(ctx) {
    const backend = await backendFor(ctx.variant);
    const v = ctx.readJson(FILE) as { scriptPubKey: SpkCase[]; keyPathSpending: KeyPathTx[] };
    v.scriptPubKey.forEach((c, i) => {
      ctx.check(`scriptPubKey-${i}`, () => checkScriptPubKey(ctx, backend, c));
    });
    v.keyPathSpending.forEach((k, j) => {
      const t = txContext(k);
      ctx.check(`keyPathSpending-${j}`, () => checkTransactionLevel(ctx, backend, k, t));
      for (const input of k.inputSpending) {
        const id = `keyPathSpending-${j}-input-${input.given.txinIndex}`;
        ctx.check(id, () => checkInput(ctx, backend, input, t));
      }
    });
  },
};
