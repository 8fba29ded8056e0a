import { bytesToHex, equalBytes } from '@keel/util';
import { handleBlockRequest, handleBlockResponse, requestBlock } from './chain.ts';
import { advanceTo, handleTimeout, onTimer } from './pacemaker.ts';
import { handleProposal, tryPropose } from './proposals.ts';
import { type NodeState, reject, type StepContext } from './state.ts';
import type { ConsensusInput, ConsensusMessage, ConsensusOutput } from './types.ts';
import { handleVote } from './votes.ts';

export interface StepResult {
  readonly state: NodeState;
  readonly outputs: ConsensusOutput[];
}

/**
 * The consensus state machine: one input (a message, a timer, a clock reading) in, the updated
 * state and what to do out. Deterministic: the same inputs in the same order give the same
 * outputs. A halted node produces no outputs.
 */
export function step(state: NodeState, input: ConsensusInput): StepResult {
  const c: StepContext = { s: state, out: [], now: input.now };
  if (state.halted) return { state, outputs: [] };
  switch (input.type) {
    case 'start':
      if (!state.started) {
        state.started = true;
        resumeFromSafety(c);
        advanceTo(c, Math.max(1, state.safety.highQC.view + 1), 'start');
        tryPropose(c);
      }
      break;
    case 'timer':
      if (state.started) onTimer(c, input.view);
      break;
    case 'tick':
      break;
    case 'message':
      if (state.started) onMessage(c, input.from, input.message);
      break;
  }
  return { state, outputs: c.out };
}

function onMessage(c: StepContext, from: number, m: ConsensusMessage): void {
  if (!m || typeof m !== 'object' || !(m.genesisHash instanceof Uint8Array)) {
    reject(c, from, 'malformed message');
    return;
  }
  // Genesis lock: a peer on another genesis is refused outright.
  if (!equalBytes(m.genesisHash, c.s.cert.chain.genesisHash)) {
    reject(c, from, 'genesis hash mismatch');
    return;
  }
  switch (m.type) {
    case 'proposal': {
      handleProposal(c, from, m);
      return;
    }
    case 'vote': {
      handleVote(c, from, m);
      return;
    }
    case 'timeout': {
      handleTimeout(c, from, m);
      return;
    }
    case 'blockRequest': {
      handleBlockRequest(c, from, m);
      return;
    }
    case 'blockResponse': {
      handleBlockResponse(c, from, m);
      return;
    }
    default: {
      reject(c, from, 'unknown message type');
      return;
    }
  }
}

/** After a restart the persisted high QC names a head we may no longer hold: fetch it. */
function resumeFromSafety(c: StepContext): void {
  const qc = c.s.safety.highQC;
  if (qc.view === 0) return;
  const key = bytesToHex(qc.blockHash);
  c.s.headKey = key;
  if (!c.s.blocks.has(key)) requestBlock(c, key, null);
}
