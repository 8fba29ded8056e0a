/**
 * Core's JSON shapes for scripts, transactions, headers and blocks (core_write.cpp's
 * ScriptToUniv/TxToUniv, blockchain.cpp's blockheaderToJSON/blockToJSON).
 */
import {
  type AddressParams,
  type Block,
  type BlockHeader,
  encodeBlock,
  encodeTransaction,
  hashToHex,
  hasWitness,
  isCoinbase,
  mainnetAddressParams,
  regtestAddressParams,
  scriptToAddress,
  type Transaction,
  testnetAddressParams,
  transactionSizes,
  txid,
  wtxid,
} from '@keel/bitcoin';
import type { NetworkName } from '@keel/bitcoin/consensus';
import {
  isUnspendable,
  isValidSignatureEncoding,
  Opcode,
  opcodeName,
  readScriptOp,
} from '@keel/bitcoin/script';
import { bytesToHex, compactSizeLength } from '@keel/util';
import { btc } from './params.ts';

export function addressParams(network: NetworkName): AddressParams {
  if (network === 'main') return mainnetAddressParams;
  if (network === 'regtest') return regtestAddressParams;
  return testnetAddressParams;
}

/** Core's GetOpName: small numbers as digits, the rest by name. */
function opName(op: number): string {
  if (op === Opcode.OP_0) return '0';
  if (op === Opcode.OP_1NEGATE) return '-1';
  if (op >= Opcode.OP_1 && op <= Opcode.OP_16) return String(op - Opcode.OP_1 + 1);
  const n = opcodeName(op);
  return n ?? 'OP_UNKNOWN';
}

/** CScriptNum of at most 4 bytes, little-endian sign-magnitude. */
function smallNum(b: Uint8Array): number {
  if (b.length === 0) return 0;
  let v = 0;
  for (let i = 0; i < b.length; i++) v += b[i]! * 2 ** (8 * i);
  const top = b[b.length - 1]!;
  if (top & 0x80) return -(v - 0x80 * 2 ** (8 * (b.length - 1)));
  return v;
}

const SIGHASH_NAMES: Record<number, string> = {
  1: 'ALL',
  2: 'NONE',
  3: 'SINGLE',
  129: 'ALL|ANYONECANPAY',
  130: 'NONE|ANYONECANPAY',
  131: 'SINGLE|ANYONECANPAY',
};

/** Core's ScriptToAsmStr; `sighashDecode` renders DER signatures' hash type as `[ALL]`. */
export function scriptAsm(script: Uint8Array, sighashDecode = false): string {
  const parts: string[] = [];
  const unspendable = isUnspendable(script);
  let pc = 0;
  while (pc < script.length) {
    const op = readScriptOp(script, pc);
    if (!op) {
      parts.push('[error]');
      break;
    }
    pc = op.next;
    if (op.data === undefined || op.opcode > Opcode.OP_PUSHDATA4) {
      parts.push(opName(op.opcode));
      continue;
    }
    const d = op.data;
    if (d.length <= 4) {
      parts.push(String(smallNum(d)));
      continue;
    }
    const ht = d[d.length - 1]!;
    if (sighashDecode && !unspendable && SIGHASH_NAMES[ht] && isValidSignatureEncoding(d)) {
      parts.push(`${bytesToHex(d.subarray(0, d.length - 1))}[${SIGHASH_NAMES[ht]}]`);
    } else {
      parts.push(bytesToHex(d));
    }
  }
  return parts.join(' ');
}

/** Core's Solver type names. */
export function scriptType(s: Uint8Array): string {
  const n = s.length;
  if (
    n === 25 &&
    s[0] === 0x76 &&
    s[1] === 0xa9 &&
    s[2] === 0x14 &&
    s[23] === 0x88 &&
    s[24] === 0xac
  )
    return 'pubkeyhash';
  if (n === 23 && s[0] === 0xa9 && s[1] === 0x14 && s[22] === 0x87) return 'scripthash';
  if ((n === 35 && s[0] === 33) || (n === 67 && s[0] === 65)) {
    if (s[n - 1] === 0xac) return 'pubkey';
  }
  if (n >= 4 && n <= 42 && s[1] === n - 2 && (s[0] === 0 || (s[0]! >= 0x51 && s[0]! <= 0x60))) {
    const v = s[0] === 0 ? 0 : s[0]! - 0x50;
    if (v === 0 && n === 22) return 'witness_v0_keyhash';
    if (v === 0 && n === 34) return 'witness_v0_scripthash';
    if (v === 1 && n === 34) return 'witness_v1_taproot';
    if (v === 1 && n === 4 && s[2] === 0x4e && s[3] === 0x73) return 'anchor';
    if (v !== 0) return 'witness_unknown';
    return 'nonstandard';
  }
  if (n >= 1 && s[0] === Opcode.OP_RETURN && pushOnly(s, 1)) return 'nulldata';
  if (isMultisig(s)) return 'multisig';
  return 'nonstandard';
}

function pushOnly(s: Uint8Array, from: number): boolean {
  let pc = from;
  while (pc < s.length) {
    const op = readScriptOp(s, pc);
    if (!op || op.opcode > Opcode.OP_16) return false;
    pc = op.next;
  }
  return true;
}

function multisigParts(s: Uint8Array): { m: number; keys: Uint8Array[] } | undefined {
  const ops = [];
  let pc = 0;
  while (pc < s.length) {
    const op = readScriptOp(s, pc);
    if (!op) return undefined;
    ops.push(op);
    pc = op.next;
  }
  if (ops.length < 4 || ops.at(-1)!.opcode !== Opcode.OP_CHECKMULTISIG) return undefined;
  const small = (o: number) => (o >= Opcode.OP_1 && o <= Opcode.OP_16 ? o - Opcode.OP_1 + 1 : -1);
  const m = small(ops[0]!.opcode);
  const nk = small(ops.at(-2)!.opcode);
  const keys = ops.slice(1, -2).map((o) => o.data);
  if (m < 1 || nk !== keys.length || m > nk) return undefined;
  if (keys.some((k) => !k || (k.length !== 33 && k.length !== 65))) return undefined;
  return { m, keys: keys as Uint8Array[] };
}

function isMultisig(s: Uint8Array): boolean {
  return multisigParts(s) !== undefined;
}

const INPUT_CHARSET =
  '0123456789()[],\'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#"\\ ';
const CHECKSUM_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GEN = [0xf5dee51989n, 0xa9fdca3312n, 0x1bab10e32dn, 0x3706b1677an, 0x644d626ffdn];

function polymod(c: bigint, val: number): bigint {
  const c0 = c >> 35n;
  let r = ((c & 0x7ffffffffn) << 5n) ^ BigInt(val);
  for (let i = 0; i < 5; i++) if ((c0 >> BigInt(i)) & 1n) r ^= GEN[i]!;
  return r;
}

/** BIP380 descriptor checksum (`desc#checksum`). */
export function descriptorChecksum(desc: string): string {
  let c = 1n;
  let cls = 0;
  let count = 0;
  for (const ch of desc) {
    const pos = INPUT_CHARSET.indexOf(ch);
    if (pos < 0) return '';
    c = polymod(c, pos & 31);
    cls = cls * 3 + (pos >> 5);
    if (++count === 3) {
      c = polymod(c, cls);
      cls = 0;
      count = 0;
    }
  }
  if (count > 0) c = polymod(c, cls);
  for (let i = 0; i < 8; i++) c = polymod(c, 0);
  c ^= 1n;
  let out = '';
  for (let j = 0; j < 8; j++) out += CHECKSUM_CHARSET[Number((c >> BigInt(5 * (7 - j))) & 31n)];
  return out;
}

/** Core's InferDescriptor without a signing provider. */
export function inferDescriptor(s: Uint8Array, ap: AddressParams): string {
  const type = scriptType(s);
  let d: string;
  const addr = scriptToAddress(s, ap);
  if (type === 'pubkey') d = `pk(${bytesToHex(s.subarray(1, s.length - 1))})`;
  else if (type === 'witness_v1_taproot') d = `rawtr(${bytesToHex(s.subarray(2))})`;
  else if (type === 'multisig') {
    const p = multisigParts(s)!;
    d = `multi(${p.m},${p.keys.map(bytesToHex).join(',')})`;
  } else if (addr !== undefined && type !== 'nonstandard') d = `addr(${addr})`;
  else d = `raw(${bytesToHex(s)})`;
  return `${d}#${descriptorChecksum(d)}`;
}

/** Core's ScriptToUniv (scriptPubKey form: asm, desc, hex, address, type). */
export function scriptPubKeyToJSON(s: Uint8Array, ap: AddressParams) {
  const type = scriptType(s);
  const address =
    type === 'nonstandard' || type === 'nulldata' ? undefined : scriptToAddress(s, ap);
  return {
    asm: scriptAsm(s),
    desc: inferDescriptor(s, ap),
    hex: bytesToHex(s),
    ...(address === undefined ? {} : { address }),
    type,
  };
}

/** Core's TxToUniv: `prevouts` (when known) adds verbosity-3-style fee; `blockhash` adds it. */
export function txToJSON(tx: Transaction, ap: AddressParams, extra: { fee?: bigint } = {}) {
  const sizes = transactionSizes(tx);
  const cb = isCoinbase(tx);
  return {
    txid: hashToHex(txid(tx)),
    hash: hashToHex(hasWitness(tx) ? wtxid(tx) : txid(tx)),
    version: tx.version,
    size: sizes.total,
    vsize: Math.ceil(sizes.weight / 4),
    weight: sizes.weight,
    locktime: tx.locktime,
    vin: tx.inputs.map((i) => ({
      ...(cb
        ? { coinbase: bytesToHex(i.scriptSig) }
        : {
            txid: hashToHex(i.prevout.txid),
            vout: i.prevout.vout,
            scriptSig: { asm: scriptAsm(i.scriptSig, true), hex: bytesToHex(i.scriptSig) },
          }),
      ...(i.witness.length ? { txinwitness: i.witness.map(bytesToHex) } : {}),
      sequence: i.sequence,
    })),
    vout: tx.outputs.map((o, n) => ({
      value: btc(o.value),
      n,
      scriptPubKey: scriptPubKeyToJSON(o.scriptPubKey, ap),
    })),
    ...(extra.fee === undefined ? {} : { fee: btc(extra.fee) }),
  };
}

export function txHex(tx: Transaction): string {
  return bytesToHex(encodeTransaction(tx));
}

export interface HeaderContext {
  hash: Uint8Array;
  header: BlockHeader;
  height: number;
  chainWork: bigint;
  confirmations: number;
  mediantime: number;
  nTx?: number;
  previous?: Uint8Array;
  next?: Uint8Array;
}

const hex32 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

/** Core's GetDifficulty: difficulty 1 target over the block's target. */
export function difficulty(bits: number): number {
  let shift = (bits >>> 24) & 0xff;
  let diff = 0x0000ffff / (bits & 0x00ffffff);
  while (shift < 29) {
    diff *= 256;
    shift++;
  }
  while (shift > 29) {
    diff /= 256;
    shift--;
  }
  return diff;
}

/** Core's blockheaderToJSON. */
export function headerToJSON(c: HeaderContext) {
  const h = c.header;
  return {
    hash: hashToHex(c.hash),
    confirmations: c.confirmations,
    height: c.height,
    version: h.version,
    versionHex: hex32(h.version),
    merkleroot: hashToHex(h.merkleRoot),
    time: h.time,
    mediantime: c.mediantime,
    nonce: h.nonce >>> 0,
    bits: hex32(h.bits),
    target: targetHex(h.bits),
    difficulty: difficulty(h.bits),
    chainwork: c.chainWork.toString(16).padStart(64, '0'),
    nTx: c.nTx ?? 0,
    ...(c.previous ? { previousblockhash: hashToHex(c.previous) } : {}),
    ...(c.next ? { nextblockhash: hashToHex(c.next) } : {}),
  };
}

export function targetHex(bits: number): string {
  const exp = (bits >>> 24) & 0xff;
  const mant = BigInt(bits & 0x007fffff);
  const t = exp <= 3 ? mant >> BigInt(8 * (3 - exp)) : mant << BigInt(8 * (exp - 3));
  return t.toString(16).padStart(64, '0');
}

/** Core's blockToJSON for verbosity 1 (txids) and 2 (decoded transactions). */
export function blockToJSON(block: Block, c: HeaderContext, verbosity: 1 | 2, ap: AddressParams) {
  const raw = encodeBlock(block);
  // header and tx count are non-witness data: counted four times in the weight
  let stripped = 80 + compactSizeLength(block.txs.length);
  let weight = stripped * 4;
  for (const tx of block.txs) {
    const s = transactionSizes(tx);
    stripped += s.base;
    weight += s.weight;
  }
  return {
    ...headerToJSON({ ...c, nTx: block.txs.length }),
    strippedsize: stripped,
    size: raw.length,
    weight,
    tx:
      verbosity === 1
        ? block.txs.map((t) => hashToHex(txid(t)))
        : block.txs.map((t) => ({ ...txToJSON(t, ap), hex: txHex(t) })),
  };
}
