export {
  type SipHashKey,
  sipHashKeyFromBytes,
  sipHashKeyFromU64,
  sipHashUint256,
  sipHashUint256Extra,
  sipHashUint256Low32,
  sipHashUint256Low48,
  siphash24,
  siphash24U64,
  siphash24x128,
} from './siphash.ts';
