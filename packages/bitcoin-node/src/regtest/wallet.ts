import type { Transaction, TxOut } from '@keel/bitcoin';
import {
  legacySighash,
  precomputeTxData,
  segwitV0Sighash,
  tapleafHash,
  taprootOutputKey,
  taprootSighash,
  tapTweakHash,
} from '@keel/bitcoin/script';
import { hash160, sha256 } from '@keel/crypto';
import { type Secp256k1Backend, signatureToDer } from '@keel/crypto/secp256k1';
import { concatBytes, InvariantError, type SeededRng } from '@keel/util';

/** The output types the generator pays to and spends, each signed for real. */
export const OUTPUT_KINDS = [
  'p2pkh',
  'p2sh-multisig',
  'p2wpkh',
  'p2wsh',
  'p2tr-key',
  'p2tr-script',
] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

const OP_0 = 0x00;
const OP_1 = 0x51;
const OP_2 = 0x52;
const OP_3 = 0x53;
const OP_DUP = 0x76;
const OP_EQUAL = 0x87;
const OP_EQUALVERIFY = 0x88;
const OP_HASH160 = 0xa9;
const OP_CHECKSIG = 0xac;
const OP_CHECKMULTISIG = 0xae;
const SIGHASH_ALL = 1;
const NO_CODESEP = 0xffffffff;

const push = (b: Uint8Array) => concatBytes(Uint8Array.of(b.length), b);

/** Keys and scripts of one wallet "slot": enough to pay to and spend every kind. */
interface KeySet {
  sk: Uint8Array[];
  pk: Uint8Array[];
  redeem: Uint8Array; // 2-of-3 multisig (P2SH)
  witnessScript: Uint8Array; // 1-of-2 multisig (P2WSH)
  internal: Uint8Array; // x-only internal key (P2TR)
  keyPathSk: Uint8Array; // tweaked secret for the key-path output
  keyPathOut: Uint8Array;
  leaf: Uint8Array; // <xonly pk3> OP_CHECKSIG
  leafHash: Uint8Array;
  scriptOut: Uint8Array;
  control: Uint8Array;
}

/** Script pubkeys and signing for the generator's outputs. */
export class RegtestKeys {
  private readonly sets: KeySet[] = [];

  constructor(
    readonly backend: Secp256k1Backend,
    rng: SeededRng,
    count = 4,
  ) {
    for (let i = 0; i < count; i++) this.sets.push(this.makeSet(rng));
  }

  get count(): number {
    return this.sets.length;
  }

  private makeSet(rng: SeededRng): KeySet {
    const b = this.backend;
    const sk: Uint8Array[] = [];
    while (sk.length < 4) {
      const k = rng.bytes(32);
      if (b.isValidPrivateKey(k)) sk.push(k);
    }
    const pk = sk.map((k) => b.publicKeyCreate(k, true));
    const redeem = concatBytes(
      Uint8Array.of(OP_2),
      push(pk[0]!),
      push(pk[1]!),
      push(pk[2]!),
      Uint8Array.of(OP_3, OP_CHECKMULTISIG),
    );
    const witnessScript = concatBytes(
      Uint8Array.of(OP_1),
      push(pk[1]!),
      push(pk[2]!),
      Uint8Array.of(OP_2, OP_CHECKMULTISIG),
    );
    // BIP341 key path: the internal key must have even Y, so negate an odd-Y secret
    const evenSk = pk[0]![0] === 0x03 ? b.privateKeyNegate(sk[0]!) : sk[0]!;
    const internal = b.xOnlyPublicKey(evenSk);
    const keyPathSk = b.privateKeyTweakAdd(evenSk, tapTweakHash(internal, null));
    const keyPathOut = taprootOutputKey(b, internal, null)!.xOnly;
    const leaf = concatBytes(push(b.xOnlyPublicKey(sk[3]!)), Uint8Array.of(OP_CHECKSIG));
    const leafHash = tapleafHash(0xc0, leaf);
    const tweaked = taprootOutputKey(b, internal, leafHash)!;
    const control = concatBytes(Uint8Array.of(0xc0 | tweaked.parity), internal);
    return {
      sk,
      pk,
      redeem,
      witnessScript,
      internal,
      keyPathSk,
      keyPathOut,
      leaf,
      leafHash,
      scriptOut: tweaked.xOnly,
      control,
    };
  }

  scriptPubKey(kind: OutputKind, slot: number): Uint8Array {
    const s = this.sets[slot]!;
    switch (kind) {
      case 'p2pkh':
        return concatBytes(
          Uint8Array.of(OP_DUP, OP_HASH160),
          push(hash160(s.pk[0]!)),
          Uint8Array.of(OP_EQUALVERIFY, OP_CHECKSIG),
        );
      case 'p2sh-multisig':
        return concatBytes(
          Uint8Array.of(OP_HASH160),
          push(hash160(s.redeem)),
          Uint8Array.of(OP_EQUAL),
        );
      case 'p2wpkh':
        return concatBytes(Uint8Array.of(OP_0), push(hash160(s.pk[0]!)));
      case 'p2wsh':
        return concatBytes(Uint8Array.of(OP_0), push(sha256(s.witnessScript)));
      case 'p2tr-key':
        return concatBytes(Uint8Array.of(OP_1), push(s.keyPathOut));
      case 'p2tr-script':
        return concatBytes(Uint8Array.of(OP_1), push(s.scriptOut));
    }
  }

  /**
   * Signs every input of `tx` in place. `spent[i]` is what input i spends, with the kind and
   * key slot of that output.
   */
  sign(tx: Transaction, spent: ReadonlyArray<TxOut & { kind: OutputKind; slot: number }>): void {
    const b = this.backend;
    const txData = precomputeTxData(tx, spent);
    const ecdsa = (msg: Uint8Array, sk: Uint8Array) =>
      concatBytes(signatureToDer(b.ecdsaSign(msg, sk)), Uint8Array.of(SIGHASH_ALL));
    tx.inputs.forEach((input, i) => {
      const o = spent[i]!;
      const s = this.sets[o.slot]!;
      switch (o.kind) {
        case 'p2pkh': {
          const sig = ecdsa(legacySighash(tx, i, o.scriptPubKey, SIGHASH_ALL), s.sk[0]!);
          input.scriptSig = concatBytes(push(sig), push(s.pk[0]!));
          break;
        }
        case 'p2sh-multisig': {
          const h = legacySighash(tx, i, s.redeem, SIGHASH_ALL);
          const redeemPush = concatBytes(Uint8Array.of(0x4c, s.redeem.length), s.redeem);
          input.scriptSig = concatBytes(
            Uint8Array.of(OP_0),
            push(ecdsa(h, s.sk[0]!)),
            push(ecdsa(h, s.sk[2]!)),
            redeemPush,
          );
          break;
        }
        case 'p2wpkh': {
          const code = this.scriptPubKey('p2pkh', o.slot);
          const h = segwitV0Sighash(tx, i, code, o.value, SIGHASH_ALL, txData);
          input.witness = [ecdsa(h, s.sk[0]!), s.pk[0]!];
          break;
        }
        case 'p2wsh': {
          const h = segwitV0Sighash(tx, i, s.witnessScript, o.value, SIGHASH_ALL, txData);
          input.witness = [new Uint8Array(0), ecdsa(h, s.sk[2]!), s.witnessScript];
          break;
        }
        case 'p2tr-key': {
          const h = taprootSighash(txData, i, 0);
          if (!h) throw new InvariantError('taproot sighash unavailable');
          input.witness = [b.schnorrSign(h, s.keyPathSk)];
          break;
        }
        case 'p2tr-script': {
          const h = taprootSighash(txData, i, 0, {
            tapleafHash: s.leafHash,
            codeSeparatorPos: NO_CODESEP,
          });
          if (!h) throw new InvariantError('taproot sighash unavailable');
          input.witness = [b.schnorrSign(h, s.sk[3]!), s.leaf, s.control];
          break;
        }
      }
    });
  }
}
