import { sha256 } from '@keel/crypto';
import { BufferReader, BufferWriter, DecodeError, DecodeErrorCode, utf8ToBytes } from '@keel/util';
import { plainBytes, readUtf8 } from './codec.ts';

/**
 * The handshake each side sends on connect. A validator proves it holds its staked BLS key by
 * signing (genesis hash, its libp2p peer id); peers on another chain id or genesis are refused.
 */
export interface Hello {
  readonly chainId: string;
  readonly genesisHash: Uint8Array;
  /** Validator index, or -1 for a non-validator node. */
  readonly validator: number;
  readonly signature: Uint8Array;
  readonly committedHeight: number;
}

export function helloSigningMessage(genesisHash: Uint8Array, peerId: Uint8Array): Uint8Array {
  return sha256(
    new BufferWriter(128)
      .varBytes(utf8ToBytes('keel/hello/v1'))
      .bytes(genesisHash)
      .varBytes(peerId)
      .finish(),
  );
}

export function encodeHello(h: Hello): Uint8Array {
  return new BufferWriter(200)
    .u8(1)
    .varBytes(utf8ToBytes(h.chainId))
    .bytes(h.genesisHash)
    .i32le(h.validator)
    .varBytes(h.signature)
    .u64le(BigInt(h.committedHeight))
    .finish();
}

export function decodeHello(bytes: Uint8Array): Hello {
  const r = new BufferReader(plainBytes(bytes));
  const v = r.u8();
  if (v !== 1) throw new DecodeError(DecodeErrorCode.INVALID_VALUE, `hello version ${v}`);
  const chainId = readUtf8(r.varBytes(64, 'chain id'), 'chain id');
  const genesisHash = r.copyBytes(32, 'genesis hash');
  const validator = r.i32le();
  const signature = r.varBytes(96, 'signature').slice();
  const h = r.u64le();
  r.assertEnd('hello');
  if (h > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DecodeError(DecodeErrorCode.INVALID_VALUE, 'hello height too large');
  }
  return { chainId, genesisHash, validator, signature, committedHeight: Number(h) };
}
