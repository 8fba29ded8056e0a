import {
  type App,
  type Block,
  blockHash,
  type ConsensusOutput,
  type ConsensusParams,
  createGenesisBlock,
  createNodeState,
  createRoundRobinElection,
  type NodeState,
  type ProposalMessage,
  proposalSigningMessage,
  type QuorumCertificate,
  type SignatureScheme,
  simConsensusParams,
  ValidatorSet,
  voteSigningMessage,
} from '@keel/consensus';
import { simKey } from '@keel/consensus/sim';
import { loadBlsBackend } from '@keel/crypto/bls';

export const scheme: SignatureScheme = await loadBlsBackend('blst');

export const nullApp: App = {
  proposePayload: () => new Uint8Array([1, 2, 3]),
  validatePayload: () => true,
  onCommit: () => {},
};

/** A network of `stakes.length` validators whose keys the test holds (it can sign as anyone). */
export function createFixture(
  stakes: readonly number[],
  params: ConsensusParams = simConsensusParams,
) {
  const infos = stakes.map((stake, i) => ({ stake, publicKey: simKey(scheme, i).publicKey }));
  const validators = new ValidatorSet(infos, scheme);
  const chainId = 'keel-test';
  const genesis = createGenesisBlock({ chainId, validators: infos });
  const gHash = blockHash(genesis);
  const election = createRoundRobinElection(validators);
  const ctx = { chainId, genesisHash: gHash };
  const node = (index: number): NodeState =>
    createNodeState({
      chainId,
      genesis,
      validators,
      index,
      secretKey: simKey(scheme, index).secretKey,
      scheme,
      election,
      app: nullApp,
      params,
    });
  const genesisQC: QuorumCertificate = {
    view: 0,
    blockHash: gHash,
    signers: new Uint8Array(0),
    signature: new Uint8Array(0),
  };
  /** A QC signed by `signers` (default: everyone). */
  const qcFor = (view: number, hash: Uint8Array, signers?: number[]): QuorumCertificate => {
    const ids = signers ?? stakes.map((_, i) => i);
    const msg = voteSigningMessage(ctx, view, hash);
    return {
      view,
      blockHash: hash,
      signers: validators.encodeBitmap(ids),
      signature: scheme.aggregateSignatures(
        ids.map((i) => scheme.sign(simKey(scheme, i).secretKey, msg)),
      ),
    };
  };
  /** A correctly signed proposal by the round-robin leader of `view`. */
  const proposal = (
    view: number,
    parent: Block,
    qc: QuorumCertificate,
    payload = new Uint8Array([view & 0xff]),
  ): { message: ProposalMessage; block: Block; hash: Uint8Array } => {
    const proposer = election.leader(view, parent.seed);
    const { proof, seed } = election.prove(view, parent.seed, undefined);
    const block: Block = {
      parentHash: blockHash(parent),
      height: parent.height + 1,
      view,
      proposer,
      payload,
      qc,
      leaderProof: proof,
      seed,
    };
    const hash = blockHash(block);
    const signature = scheme.sign(
      simKey(scheme, proposer).secretKey,
      proposalSigningMessage(ctx, view, hash),
    );
    return {
      message: { type: 'proposal', genesisHash: gHash, block, tc: null, signature },
      block,
      hash,
    };
  };
  return { validators, genesis, gHash, election, ctx, node, genesisQC, qcFor, proposal };
}

export function ofType<T extends ConsensusOutput['type']>(
  outputs: readonly ConsensusOutput[],
  type: T,
): Extract<ConsensusOutput, { type: T }>[] {
  return outputs.filter((o): o is Extract<ConsensusOutput, { type: T }> => o.type === type);
}

export function events(outputs: readonly ConsensusOutput[]) {
  return ofType(outputs, 'event').map((o) => o.event);
}
