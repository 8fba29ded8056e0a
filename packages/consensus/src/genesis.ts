import { encodeGenesisPayload } from './encoding.ts';
import { genesisSeed } from './leaderElection.ts';
import type { Block } from './types.ts';
import type { ValidatorInfo } from './validatorSet.ts';

export interface CreateGenesisParameters {
  readonly chainId: string;
  readonly validators: readonly ValidatorInfo[];
  /** The application's initial state commitment (opaque to consensus). */
  readonly appState?: Uint8Array;
}

/**
 * The genesis block: height 0, view 0, its payload commits to the chain id and the validator
 * set. Its hash is bound into every signature, which is what locks peers to one genesis.
 */
export function createGenesisBlock(p: CreateGenesisParameters): Block {
  const payload = encodeGenesisPayload(p.chainId, p.validators, p.appState ?? new Uint8Array(0));
  const zero = new Uint8Array(32);
  return {
    parentHash: zero,
    height: 0,
    view: 0,
    proposer: 0,
    payload,
    qc: { view: 0, blockHash: zero, signers: new Uint8Array(0), signature: new Uint8Array(0) },
    leaderProof: new Uint8Array(0),
    seed: genesisSeed(payload),
  };
}
