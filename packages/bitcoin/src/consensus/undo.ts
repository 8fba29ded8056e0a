import type { Secp256k1Backend } from '@keel/crypto';
import { BufferReader, BufferWriter, concatBytes, DecodeError, DecodeErrorCode } from '@keel/util';
import type { Coin } from './coins.ts';

/** The coins one transaction spent, in input order. */
export interface TxUndo {
  spent: Coin[];
}

/** What disconnecting a block needs: one TxUndo per non-coinbase transaction, in block order. */
export interface BlockUndo {
  txs: TxUndo[];
}

/*
 * Serialization: Bitcoin Core's rev*.dat record body (CBlockUndo), so undo data can be
 * compared with Core's byte for byte:
 *   CBlockUndo = CompactSize(n) TxUndo*n;  TxUndo = CompactSize(n) Coin*n
 *   Coin = VARINT(height*2 + coinbase) [VARINT(0) if height > 0] VARINT(CompressAmount(value))
 *          CompressedScript
 * VARINT is Core's base-128 big-endian varint where each continuation subtracts one.
 */

function writeVarInt(w: BufferWriter, n: bigint): void {
  const tmp: number[] = [];
  for (;;) {
    tmp.push(Number(n & 0x7fn) | (tmp.length ? 0x80 : 0));
    if (n <= 0x7fn) break;
    n = (n >> 7n) - 1n;
  }
  for (let i = tmp.length - 1; i >= 0; i--) w.u8(tmp[i]!);
}

function readVarInt(r: BufferReader): bigint {
  let n = 0n;
  for (let i = 0; i < 10; i++) {
    const b = r.u8();
    n = (n << 7n) | BigInt(b & 0x7f);
    if (!(b & 0x80)) return n;
    n++;
  }
  throw new DecodeError(DecodeErrorCode.INVALID_VALUE, 'VARINT longer than 10 bytes');
}

/** Core's CompressAmount: drop trailing decimal zeros into an exponent. */
export function compressAmount(n: bigint): bigint {
  if (n === 0n) return 0n;
  let e = 0n;
  while (n % 10n === 0n && e < 9n) {
    n /= 10n;
    e++;
  }
  if (e < 9n) {
    const d = n % 10n;
    n /= 10n;
    return 1n + (n * 9n + d - 1n) * 10n + e;
  }
  return 1n + (n - 1n) * 10n + 9n;
}

export function decompressAmount(x: bigint): bigint {
  if (x === 0n) return 0n;
  x--;
  let e = x % 10n;
  x /= 10n;
  let n: bigint;
  if (e < 9n) {
    const d = (x % 9n) + 1n;
    x /= 9n;
    n = x * 10n + d;
  } else {
    n = x + 1n;
  }
  for (; e > 0n; e--) n *= 10n;
  return n;
}

const SPECIAL_SCRIPTS = 6;
const MAX_SCRIPT = 10_000;

function compressScript(s: Uint8Array, backend?: Secp256k1Backend): Uint8Array | undefined {
  // P2PKH, P2SH, and P2PK with a compressed or (valid) uncompressed key
  if (
    s.length === 25 &&
    s[0] === 0x76 &&
    s[1] === 0xa9 &&
    s[2] === 20 &&
    s[23] === 0x88 &&
    s[24] === 0xac
  )
    return concatBytes(Uint8Array.of(0), s.subarray(3, 23));
  if (s.length === 23 && s[0] === 0xa9 && s[1] === 20 && s[22] === 0x87)
    return concatBytes(Uint8Array.of(1), s.subarray(2, 22));
  if (s.length === 35 && s[0] === 33 && s[34] === 0xac && (s[1] === 2 || s[1] === 3))
    return s.slice(1, 34);
  if (s.length === 67 && s[0] === 65 && s[66] === 0xac && s[1] === 4 && backend) {
    if (backend.parsePublicKey(s.subarray(1, 66)) === null) return undefined;
    return concatBytes(Uint8Array.of(4 | (s[65]! & 1)), s.subarray(2, 34));
  }
  return undefined;
}

function decompressScript(kind: number, body: Uint8Array, backend?: Secp256k1Backend): Uint8Array {
  switch (kind) {
    case 0:
      return concatBytes(Uint8Array.of(0x76, 0xa9, 20), body, Uint8Array.of(0x88, 0xac));
    case 1:
      return concatBytes(Uint8Array.of(0xa9, 20), body, Uint8Array.of(0x87));
    case 2:
    case 3:
      return concatBytes(Uint8Array.of(33, kind), body, Uint8Array.of(0xac));
    default: {
      const full = backend?.parsePublicKey(concatBytes(Uint8Array.of(kind - 2), body));
      if (!full) {
        throw new DecodeError(
          DecodeErrorCode.INVALID_VALUE,
          backend
            ? 'compressed uncompressed-P2PK key is not on the curve'
            : 'decoding a compressed uncompressed-P2PK script needs a secp256k1 backend',
        );
      }
      return concatBytes(Uint8Array.of(65), full, Uint8Array.of(0xac));
    }
  }
}

function writeCoin(w: BufferWriter, c: Coin, backend?: Secp256k1Backend): void {
  writeVarInt(w, BigInt(c.height) * 2n + (c.coinbase ? 1n : 0n));
  if (c.height > 0) writeVarInt(w, 0n);
  writeVarInt(w, compressAmount(c.value));
  const special = compressScript(c.scriptPubKey, backend);
  if (special) {
    w.bytes(special);
  } else {
    writeVarInt(w, BigInt(c.scriptPubKey.length + SPECIAL_SCRIPTS));
    w.bytes(c.scriptPubKey);
  }
}

function readCoin(r: BufferReader, backend?: Secp256k1Backend): Coin {
  const code = readVarInt(r);
  const height = Number(code >> 1n);
  if (height > 0) readVarInt(r);
  const value = decompressAmount(readVarInt(r));
  const size = Number(readVarInt(r));
  let scriptPubKey: Uint8Array;
  if (size < SPECIAL_SCRIPTS) {
    scriptPubKey = decompressScript(
      size,
      r.bytes(size < 2 ? 20 : 32, 'compressed script'),
      backend,
    );
  } else {
    const len = size - SPECIAL_SCRIPTS;
    // Core replaces oversized scripts with OP_RETURN (they are unspendable anyway)
    if (len > MAX_SCRIPT) {
      r.skip(len);
      scriptPubKey = Uint8Array.of(0x6a);
    } else scriptPubKey = r.copyBytes(len, 'script');
  }
  return { value, scriptPubKey, height, coinbase: (code & 1n) === 1n };
}

/**
 * Encodes undo data as Core's CBlockUndo. With a secp256k1 `backend`, uncompressed P2PK
 * keys are compressed exactly as Core does; without one they are stored as raw scripts
 * (still decodable by Core, but not byte-identical for those outputs).
 */
export function encodeBlockUndo(undo: BlockUndo, backend?: Secp256k1Backend): Uint8Array {
  const w = new BufferWriter(1024);
  w.compactSize(undo.txs.length);
  for (const t of undo.txs) {
    w.compactSize(t.spent.length);
    for (const c of t.spent) writeCoin(w, c, backend);
  }
  return w.finish();
}

/** Decodes Core's CBlockUndo; counts are bounded by the remaining bytes before allocation. */
export function decodeBlockUndo(bytes: Uint8Array, backend?: Secp256k1Backend): BlockUndo {
  const r = new BufferReader(bytes);
  const n = r.compactSize(r.remaining, 'tx undo count');
  const txs: TxUndo[] = [];
  for (let i = 0; i < n; i++) {
    const m = r.compactSize(Math.floor(r.remaining / 3), 'coin count');
    const spent: Coin[] = [];
    for (let j = 0; j < m; j++) spent.push(readCoin(r, backend));
    txs.push({ spent });
  }
  r.assertEnd('block undo');
  return { txs };
}
