export { secp256k1Preference } from './backends.ts';
export { type Collected, spawnCollect, waitUntil } from './processes.ts';
export { SeededRng } from './rng.ts';
export { freePort, tempDir } from './tmp.ts';
export { testSuite, vectorsDirOrSkip } from './vectors.ts';
