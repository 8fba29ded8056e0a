import type { ConformanceSuite, SuiteContext } from '@keel/conformance';
import { bytesToHex, concatBytes, hexToBytes } from '@keel/util';
import { bech32m } from '@scure/base';
import {
  tapBranchHash,
  tapLeafHash,
  taprootScriptPubKey,
  taprootTweakPrivateKey,
  taprootTweakPublicKey,
} from '../secp256k1/taproot.ts';
import type { Secp256k1Backend } from '../secp256k1/types.ts';
import { backendFor, SECP256K1_VARIANTS } from './_secp256k1Variant.ts';

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
interface KeyPathInput {
  given: {
    txinIndex: number;
    internalPrivkey: string;
    merkleRoot: string | null;
    hashType: number;
  };
  intermediary: { internalPubkey: string; tweak: string; tweakedPrivkey: string; sigHash: string };
  expected: { witness: string[] };
}
interface WalletVectors {
  scriptPubKey: SpkCase[];
  keyPathSpending: { inputSpending: KeyPathInput[] }[];
}

/** Leaf hashes by id, the merkle root, and each leaf's merkle path (BIP341 reference shape). */
export function taprootTree(tree: Tree): {
  leafHashes: Map<number, Uint8Array>;
  root: Uint8Array;
  paths: Map<number, Uint8Array[]>;
} {
  const leafHashes = new Map<number, Uint8Array>();
  const paths = new Map<number, Uint8Array[]>();
  const walk = (node: Tree): { hash: Uint8Array; ids: number[] } => {
    if (!Array.isArray(node)) {
      const h = tapLeafHash(hexToBytes(node.script), node.leafVersion);
      leafHashes.set(node.id, h);
      paths.set(node.id, []);
      return { hash: h, ids: [node.id] };
    }
    const l = walk(node[0]);
    const r = walk(node[1]);
    for (const id of l.ids) paths.get(id)!.push(r.hash);
    for (const id of r.ids) paths.get(id)!.push(l.hash);
    return { hash: tapBranchHash(l.hash, r.hash), ids: [...l.ids, ...r.ids] };
  };
  const { hash } = walk(tree);
  return { leafHashes, root: hash, paths };
}

function leaves(tree: Tree): Leaf[] {
  return Array.isArray(tree) ? [...leaves(tree[0]), ...leaves(tree[1])] : [tree];
}

/** One scriptPubKey case: tree hashes, tweak, output key, scriptPubKey, address, control blocks. */
export function checkScriptPubKeyCase(ctx: SuiteContext, b: Secp256k1Backend, c: SpkCase): void {
  const internal = hexToBytes(c.given.internalPubkey);
  let root: Uint8Array | null = null;
  const tree = c.given.scriptTree;
  const t = tree === null ? null : taprootTree(tree);
  if (t !== null) {
    const ids = [...t.leafHashes.keys()].sort((x, y) => x - y);
    ctx.expectEqual(
      ids.map((i) => bytesToHex(t.leafHashes.get(i)!)),
      c.intermediary.leafHashes,
      'leafHashes',
    );
    root = t.root;
  }
  ctx.expectEqual(root && bytesToHex(root), c.intermediary.merkleRoot, 'merkleRoot');
  const q = taprootTweakPublicKey(b, internal, root);
  ctx.expectEqual(bytesToHex(q.tweak), c.intermediary.tweak, 'tweak');
  ctx.expectEqual(bytesToHex(q.xOnly), c.intermediary.tweakedPubkey, 'tweakedPubkey');
  ctx.expectEqual(
    bytesToHex(taprootScriptPubKey(q.xOnly)),
    c.expected.scriptPubKey,
    'scriptPubKey',
  );
  const words = [1, ...bech32m.toWords(q.xOnly)];
  ctx.expectEqual(bech32m.encode('bc', words), c.expected.bip350Address, 'bip350Address');
  if (t !== null && tree !== null) {
    const blocks = leaves(tree).map((leaf) =>
      bytesToHex(
        concatBytes(Uint8Array.of(leaf.leafVersion | q.parity), internal, ...t.paths.get(leaf.id)!),
      ),
    );
    ctx.expectEqual(blocks, c.expected.scriptPathControlBlocks, 'scriptPathControlBlocks');
  }
}

/** One key-path input: internal key, tweak, tweaked key, and the BIP340 signature over sigHash. */
export function checkKeyPathInput(ctx: SuiteContext, b: Secp256k1Backend, c: KeyPathInput): void {
  const sk = hexToBytes(c.given.internalPrivkey);
  const root = c.given.merkleRoot === null ? null : hexToBytes(c.given.merkleRoot);
  const k = taprootTweakPrivateKey(b, sk, root);
  ctx.expectEqual(bytesToHex(k.internalXOnly), c.intermediary.internalPubkey, 'internalPubkey');
  ctx.expectEqual(bytesToHex(k.tweak), c.intermediary.tweak, 'tweak');
  ctx.expectEqual(bytesToHex(k.tweakedPrivateKey), c.intermediary.tweakedPrivkey, 'tweakedPrivkey');
  // BIP341's reference signs with all-zero aux_rand; hash type 0 adds no suffix byte.
  const sig = b.schnorrSign(
    hexToBytes(c.intermediary.sigHash),
    k.tweakedPrivateKey,
    new Uint8Array(32),
  );
  const ht = c.given.hashType;
  const witness = ht === 0 ? sig : concatBytes(sig, Uint8Array.of(ht));
  ctx.expectEqual(bytesToHex(witness), c.expected.witness[0], 'witness signature');
  const q = b.xOnlyTweakAdd(k.internalXOnly, k.tweak);
  ctx.expectTrue(
    q !== null && b.schnorrVerify(sig, hexToBytes(c.intermediary.sigHash), q.xOnly),
    'signature verifies under the output key',
  );
}

/**
 * BIP341 wallet vectors, key/tweak parts per secp256k1 backend. The full file (sighash, witnesses,
 * signed tx) is @keel/bitcoin's `bip341-wallet` suite; this one keeps the crypto layer honest.
 */
export const bip341WalletSuite: ConformanceSuite = {
  name: 'bip341-keys',
  description:
    'BIP341 wallet vectors: tree hashes, tweaks, output keys, addresses, key-path signatures over the given sighash',
  files: [FILE],
  ownsDirs: ['bips/bip-0341'],
  expectedCases: 14,
  variants: SECP256K1_VARIANTS,
  async run(ctx) {
    const v = ctx.readJson(FILE) as WalletVectors;
    const loaded = await backendFor(ctx);
    const cases: [string, (b: Secp256k1Backend) => void][] = [];
    v.scriptPubKey.forEach((c, i) => {
      cases.push([`scriptPubKey-${i}`, (b) => checkScriptPubKeyCase(ctx, b, c)]);
    });
    v.keyPathSpending.forEach((tx, j) => {
      for (const input of tx.inputSpending) {
        const id = `keyPathSpending-${j}-input-${input.given.txinIndex}`;
        cases.push([id, (b) => checkKeyPathInput(ctx, b, input)]);
      }
    });
    for (const [id, fn] of cases) {
      if ('reason' in loaded) ctx.skip(id, loaded.reason);
      else ctx.check(id, () => fn(loaded.backend));
    }
  },
};
