export { createMemoryWorldState, EMPTY_CODE_HASH, type MemoryWorldState } from './memoryState.ts';
export type { AccountHeader, AccountInit, WorldState } from './types.ts';
