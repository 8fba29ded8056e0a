import { sha256 } from '@keel/crypto';
import { concatBytes, DecodeError, DecodeErrorCode } from '@keel/util';
import { bech32, bech32m, base58check as makeBase58check } from '@scure/base';

/** Address prefixes of one network (Core's chainparams base58/bech32 settings). */
export interface AddressParams {
  pubkeyHash: number;
  scriptHash: number;
  bech32Hrp: string;
}

export const mainnetAddressParams: AddressParams = {
  pubkeyHash: 0x00,
  scriptHash: 0x05,
  bech32Hrp: 'bc',
};
export const testnetAddressParams: AddressParams = {
  pubkeyHash: 0x6f,
  scriptHash: 0xc4,
  bech32Hrp: 'tb',
};
export const regtestAddressParams: AddressParams = {
  pubkeyHash: 0x6f,
  scriptHash: 0xc4,
  bech32Hrp: 'bcrt',
};

const b58c = makeBase58check(sha256);

function bad(message: string): DecodeError {
  return new DecodeError(DecodeErrorCode.INVALID_VALUE, message);
}

/** BIP173/BIP350: version 0 uses bech32, versions 1-16 use bech32m. */
export function encodeSegwitAddress(hrp: string, version: number, program: Uint8Array): string {
  checkProgram(version, program);
  const words = [version, ...bech32.toWords(program)];
  return version === 0 ? bech32.encode(hrp, words, 90) : bech32m.encode(hrp, words, 90);
}

export function decodeSegwitAddress(
  address: string,
  hrp: string,
): { version: number; program: Uint8Array } {
  const lower = address.toLowerCase();
  if (address !== lower && address !== address.toUpperCase())
    throw bad('mixed-case bech32 address');
  if (!lower.startsWith(`${hrp}1`)) throw bad(`address does not start with '${hrp}1'`);
  let decoded: { prefix: string; words: number[] } | undefined;
  let isM = false;
  try {
    decoded = bech32.decode(lower as `${string}1${string}`, 90);
  } catch {
    try {
      decoded = bech32m.decode(lower as `${string}1${string}`, 90);
      isM = true;
    } catch {
      throw bad('invalid bech32/bech32m checksum or characters');
    }
  }
  const [version, ...rest] = decoded.words;
  if (version === undefined || version > 16) throw bad('invalid witness version');
  if ((version === 0) === isM)
    throw bad(`witness version ${version} must use ${version === 0 ? 'bech32' : 'bech32m'}`);
  let program: Uint8Array;
  try {
    program = bech32.fromWords(rest);
  } catch {
    throw bad('invalid padding in witness program');
  }
  checkProgram(version, program);
  return { version, program };
}

function checkProgram(version: number, program: Uint8Array): void {
  if (!Number.isInteger(version) || version < 0 || version > 16)
    throw bad(`invalid witness version ${version}`);
  if (program.length < 2 || program.length > 40)
    throw bad(`witness program of ${program.length} bytes`);
  if (version === 0 && program.length !== 20 && program.length !== 32) {
    throw bad('version 0 witness program must be 20 or 32 bytes');
  }
}

/** The standard address for a scriptPubKey, or undefined when it has none (bare multisig, OP_RETURN…). */
export function scriptToAddress(
  script: Uint8Array,
  params: AddressParams = mainnetAddressParams,
): string | undefined {
  const s = script;
  if (
    s.length === 25 &&
    s[0] === 0x76 &&
    s[1] === 0xa9 &&
    s[2] === 0x14 &&
    s[23] === 0x88 &&
    s[24] === 0xac
  ) {
    return b58c.encode(concatBytes(Uint8Array.of(params.pubkeyHash), s.subarray(3, 23)));
  }
  if (s.length === 23 && s[0] === 0xa9 && s[1] === 0x14 && s[22] === 0x87) {
    return b58c.encode(concatBytes(Uint8Array.of(params.scriptHash), s.subarray(2, 22)));
  }
  // Witness program: OP_0 or OP_1..OP_16, then one direct push of 2-40 bytes (BIP141).
  if (
    s.length >= 4 &&
    s.length <= 42 &&
    s[1] === s.length - 2 &&
    (s[0] === 0 || (s[0]! >= 0x51 && s[0]! <= 0x60))
  ) {
    const version = s[0] === 0 ? 0 : s[0]! - 0x50;
    if (version === 0 && s.length !== 22 && s.length !== 34) return undefined;
    return encodeSegwitAddress(params.bech32Hrp, version, s.subarray(2));
  }
  return undefined;
}

/** The scriptPubKey an address pays to. Throws DecodeError for anything malformed or of another network. */
export function addressToScript(
  address: string,
  params: AddressParams = mainnetAddressParams,
): Uint8Array {
  if (address.toLowerCase().startsWith(`${params.bech32Hrp}1`)) {
    const { version, program } = decodeSegwitAddress(address, params.bech32Hrp);
    return concatBytes(Uint8Array.of(version === 0 ? 0 : 0x50 + version, program.length), program);
  }
  let payload: Uint8Array;
  try {
    payload = b58c.decode(address);
  } catch {
    throw bad('invalid base58check address');
  }
  if (payload.length !== 21) throw bad(`base58 payload of ${payload.length} bytes`);
  const hash = payload.subarray(1);
  if (payload[0] === params.pubkeyHash)
    return concatBytes(Uint8Array.of(0x76, 0xa9, 0x14), hash, Uint8Array.of(0x88, 0xac));
  if (payload[0] === params.scriptHash)
    return concatBytes(Uint8Array.of(0xa9, 0x14), hash, Uint8Array.of(0x87));
  throw bad(`unknown address version byte ${payload[0]}`);
}
