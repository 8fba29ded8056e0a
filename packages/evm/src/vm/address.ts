import { keccak256 } from '@keel/crypto/hashes';
import { encodeRLP } from '../rlp/encode.ts';
import { bigintToRLPBytes } from '../rlp/fields.ts';
import type { Address } from '../tx/types.ts';
import { wordToBytes } from './words.ts';

/** CREATE: keccak256(rlp([sender, nonce]))[12:]. */
export function createAddress(sender: Address, nonce: bigint): Address {
  return keccak256(encodeRLP([sender, bigintToRLPBytes(nonce)])).slice(12);
}

/** CREATE2 (EIP-1014): keccak256(0xff ++ sender ++ salt ++ keccak256(initcode))[12:]. */
export function create2Address(sender: Address, salt: bigint, initcode: Uint8Array): Address {
  const buf = new Uint8Array(85);
  buf[0] = 0xff;
  buf.set(sender, 1);
  buf.set(wordToBytes(salt), 21);
  buf.set(keccak256(initcode), 53);
  return keccak256(buf).slice(12);
}
