export { MemoryTrieNodeStore, type TrieNodeStore } from './nodeStore.ts';
export { type TrieProofLimits, verifyProof } from './proof.ts';
export { MerklePatriciaTrie, type MerklePatriciaTrieOptions } from './trie.ts';
export { EMPTY_TRIE_ROOT, trieRoot } from './trieRoot.ts';
