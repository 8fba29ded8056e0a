export { computeCapacity, computeMaxElements } from './capacity.ts';
export { MinisketchError, MinisketchErrorCode } from './errors.ts';
export { fieldModulus } from './moduli.ts';
export {
  createMinisketch,
  createMinisketchFromBytes,
  DEFAULT_MAX_CAPACITY,
  isSupportedBits,
  Minisketch,
  type MinisketchOptions,
  serializedSize,
} from './sketch.ts';
