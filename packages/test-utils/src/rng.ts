// The seeded PRNG lives in @keel/util (pure code such as the consensus simulator uses it too).
export { SeededRng } from '@keel/util';
