export { decodeRLP, defaultRLPLimits, type RLPLimits, type RLPValue } from './decode.ts';
export { encodeRLP, type RLPInput } from './encode.ts';
export { bigintToRLPBytes, rlpBytes, rlpBytesToBigint, rlpList } from './fields.ts';
