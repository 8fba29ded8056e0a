// The simulator's PRNG is util's SeededRng: every run is a pure function of its seed.
export { SeededRng as SimRng } from '@keel/util';
