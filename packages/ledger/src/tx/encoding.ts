import { sha256 } from '@keel/crypto';
import { keccak256 } from '@keel/crypto/hashes';
import {
  BufferReader,
  BufferWriter,
  bigIntToBytesLE,
  bytesToBigIntLE,
  DecodeError,
  DecodeErrorCode,
  utf8ToBytes,
} from '@keel/util';
import { defaultTxLimits, type TxLimits } from '../params.ts';
import { type SignedTx, TxKind, type TxKindName, type UnsignedTx } from './types.ts';

export const TX_VERSION = 1;
/** First byte of an Ethereum transaction in a ledger payload (see `evm/ethTx.ts`). */
const ETH_TX_TAG = 0x45;
/** Prepended to the unsigned encoding to form the signing payload (domain separation). */
export const TX_SIGNING_DOMAIN = utf8ToBytes('keel/tx/v1');
export const MAX_U128 = (1n << 128n) - 1n;
const KIND_NAMES = Object.keys(TxKind) as TxKindName[];
const METHOD_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CHAIN_ID_RE = /^[\x21-\x7e]+$/;

function invalid(message: string, meta: Record<string, unknown> = {}): DecodeError {
  return new DecodeError(DecodeErrorCode.INVALID_VALUE, message, meta);
}

function u128(w: BufferWriter, v: bigint, what: string): void {
  if (typeof v !== 'bigint' || v < 0n || v > MAX_U128) throw invalid(`${what} must fit in u128`);
  w.bytes(bigIntToBytesLE(v, 16));
}

function fixed(w: BufferWriter, b: Uint8Array, n: number, what: string): void {
  if (!(b instanceof Uint8Array) || b.length !== n) throw invalid(`${what} must be ${n} bytes`);
  w.bytes(b);
}

function sized(w: BufferWriter, b: Uint8Array, max: number, what: string): void {
  if (!(b instanceof Uint8Array) || b.length > max)
    throw invalid(`${what} is longer than ${max} bytes`);
  w.u32le(b.length).bytes(b);
}

/** The unsigned encoding (everything but the signature). See the README for the layout. */
export function encodeUnsignedTx(tx: UnsignedTx, limits: TxLimits = defaultTxLimits): Uint8Array {
  const w = new BufferWriter(128);
  const chain = utf8ToBytes(tx.chainId);
  if (!CHAIN_ID_RE.test(tx.chainId) || chain.length > limits.maxChainIdBytes)
    throw invalid(`chain id must be 1..${limits.maxChainIdBytes} printable ASCII bytes`);
  w.u8(TX_VERSION).u8(chain.length).bytes(chain);
  const kind = TxKind[tx.kind];
  if (kind === undefined) throw invalid(`unknown transaction kind ${String(tx.kind)}`);
  w.u8(kind);
  fixed(w, tx.from, 32, 'from');
  if (typeof tx.nonce !== 'bigint' || tx.nonce < 0n || tx.nonce >= 1n << 64n)
    throw invalid('nonce must fit in u64');
  w.u64le(tx.nonce);
  if (!Number.isSafeInteger(tx.gasLimit) || tx.gasLimit < 0)
    throw invalid('gasLimit must be a non-negative safe integer');
  w.u64le(BigInt(tx.gasLimit));
  u128(w, tx.gasPrice, 'gasPrice');
  switch (tx.kind) {
    case 'transfer':
      fixed(w, tx.to, 32, 'to');
      u128(w, tx.amount, 'amount');
      break;
    case 'deploy':
      sized(w, tx.code, limits.maxCodeBytes, 'code');
      sized(w, tx.initInput, limits.maxInputBytes, 'init input');
      break;
    case 'call': {
      fixed(w, tx.to, 32, 'to');
      u128(w, tx.value, 'value');
      const m = utf8ToBytes(tx.method);
      if (!METHOD_RE.test(tx.method) || m.length > limits.maxMethodBytes)
        throw invalid(`method must be an identifier of 1..${limits.maxMethodBytes} bytes`);
      w.u8(m.length).bytes(m);
      sized(w, tx.input, limits.maxInputBytes, 'input');
      break;
    }
    case 'stake':
      u128(w, tx.amount, 'amount');
      fixed(w, tx.blsPublicKey, 48, 'blsPublicKey');
      fixed(w, tx.blsPop, 96, 'blsPop');
      fixed(w, tx.vrfPublicKey, 32, 'vrfPublicKey');
      break;
    case 'unstake':
      u128(w, tx.amount, 'amount');
      break;
  }
  return w.finish();
}

/** The bytes the sender signs: `"keel/tx/v1" ‖ unsigned encoding`. */
export function txSigningPayload(tx: UnsignedTx, limits: TxLimits = defaultTxLimits): Uint8Array {
  const u = encodeUnsignedTx(tx, limits);
  const out = new Uint8Array(TX_SIGNING_DOMAIN.length + u.length);
  out.set(TX_SIGNING_DOMAIN, 0);
  out.set(u, TX_SIGNING_DOMAIN.length);
  return out;
}

/** Unsigned encoding ‖ 64-byte signature. */
export function encodeTx(tx: SignedTx, limits: TxLimits = defaultTxLimits): Uint8Array {
  const u = encodeUnsignedTx(tx, limits);
  if (!(tx.signature instanceof Uint8Array) || tx.signature.length !== 64)
    throw invalid('signature must be 64 bytes');
  const out = new Uint8Array(u.length + 64);
  out.set(u, 0);
  out.set(tx.signature, u.length);
  if (out.length > limits.maxTxBytes)
    throw invalid(`transaction is ${out.length} bytes, over the ${limits.maxTxBytes} limit`);
  return out;
}

/** The transaction id: sha256 of the signed encoding (unique: the decoder is canonical). */
export function txHash(tx: SignedTx | Uint8Array): Uint8Array {
  // An Ethereum transaction (`evm/ethTx.ts`) is known by its Ethereum hash.
  if (tx instanceof Uint8Array && tx[0] === ETH_TX_TAG) return keccak256(tx.subarray(1));
  return sha256(tx instanceof Uint8Array ? tx : encodeTx(tx));
}

function readSized(r: BufferReader, max: number, what: string): Uint8Array {
  const n = r.u32le();
  if (n > max) {
    throw new DecodeError(DecodeErrorCode.LIMIT_EXCEEDED, `${what} length ${n} exceeds ${max}`, {
      offset: r.offset,
    });
  }
  return r.copyBytes(n, what);
}

const readU128 = (r: BufferReader, what: string): bigint => bytesToBigIntLE(r.bytes(16, what));

/**
 * Decodes a signed transaction. Bounded: every length is checked against `limits` and the
 * bytes left before anything is allocated; strict: exactly one encoding per transaction
 * (trailing bytes, unknown versions/kinds, bad method names and chain ids are rejected).
 * Throws `DecodeError`. Does not check the signature.
 */
export function decodeTx(bytes: Uint8Array, limits: TxLimits = defaultTxLimits): SignedTx {
  if (!(bytes instanceof Uint8Array)) throw invalid('transaction must be bytes');
  if (bytes.length > limits.maxTxBytes) {
    throw new DecodeError(
      DecodeErrorCode.LIMIT_EXCEEDED,
      `transaction is ${bytes.length} bytes, over the ${limits.maxTxBytes} limit`,
    );
  }
  const r = new BufferReader(bytes);
  const version = r.u8();
  if (version !== TX_VERSION) throw invalid(`unknown transaction version ${version}`);
  const chainLen = r.u8();
  if (chainLen === 0 || chainLen > limits.maxChainIdBytes)
    throw invalid(`chain id length ${chainLen} outside 1..${limits.maxChainIdBytes}`);
  const chainId = String.fromCharCode(...r.bytes(chainLen, 'chain id'));
  if (!CHAIN_ID_RE.test(chainId)) throw invalid('chain id must be printable ASCII');
  const kindByte = r.u8();
  const kind = KIND_NAMES[kindByte];
  if (kind === undefined) throw invalid(`unknown transaction kind ${kindByte}`);
  const from = r.copyBytes(32, 'from');
  const nonce = r.u64le();
  const gas = r.u64le();
  if (gas > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid(`gas limit ${gas} is too large`);
  const common = { chainId, from, nonce, gasLimit: Number(gas), gasPrice: readU128(r, 'price') };
  let tx: UnsignedTx;
  switch (kind) {
    case 'transfer':
      tx = { ...common, kind, to: r.copyBytes(32, 'to'), amount: readU128(r, 'amount') };
      break;
    case 'deploy':
      tx = {
        ...common,
        kind,
        code: readSized(r, limits.maxCodeBytes, 'code'),
        initInput: readSized(r, limits.maxInputBytes, 'init input'),
      };
      break;
    case 'call': {
      const to = r.copyBytes(32, 'to');
      const value = readU128(r, 'value');
      const mLen = r.u8();
      if (mLen === 0 || mLen > limits.maxMethodBytes)
        throw invalid(`method length ${mLen} outside 1..${limits.maxMethodBytes}`);
      const method = String.fromCharCode(...r.bytes(mLen, 'method'));
      if (!METHOD_RE.test(method)) throw invalid('method must be an identifier');
      tx = {
        ...common,
        kind,
        to,
        value,
        method,
        input: readSized(r, limits.maxInputBytes, 'input'),
      };
      break;
    }
    case 'stake':
      tx = {
        ...common,
        kind,
        amount: readU128(r, 'amount'),
        blsPublicKey: r.copyBytes(48, 'blsPublicKey'),
        blsPop: r.copyBytes(96, 'blsPop'),
        vrfPublicKey: r.copyBytes(32, 'vrfPublicKey'),
      };
      break;
    case 'unstake':
      tx = { ...common, kind, amount: readU128(r, 'amount') };
      break;
  }
  const signature = r.copyBytes(64, 'signature');
  r.assertEnd('transaction');
  return { ...tx, signature };
}
