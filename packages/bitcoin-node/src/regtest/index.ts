export { encodeBlockStream, RegtestChain, type RegtestChainOptions } from './generator.ts';
export { OUTPUT_KINDS, type OutputKind, RegtestKeys } from './wallet.ts';
