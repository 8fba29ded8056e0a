import { keccak256 } from '@keel/crypto';
import {
  type Address,
  type BlockEnv,
  CANCUN,
  createStepWitness,
  createTxStepper,
  encodeStatic,
  encodeStepWitness,
  type MemoryWorldState,
  type Transaction,
} from '@keel/evm';
import { concatBytes } from '@keel/util';

/** One L2 transaction of a disputed batch, as the step machine runs it. */
export interface TraceTx {
  readonly tx: Transaction;
  readonly sender: Address;
  readonly env: BlockEnv;
}

/**
 * The honest actor's view of a batch: it replays the txs on copies of the pre-batch state and
 * answers every question of the dispute game from its own execution — the state root after
 * each tx (stage 1), the step commitment of tx j at any position (stage 2, padded with the
 * DONE state), the two end states of tx j and the leaf proof (pre state + witness).
 */
export class BatchTrace {
  /** State before tx i (i = 0 … n); states[n] is after the batch. */
  private readonly states: MemoryWorldState[] = [];

  constructor(
    pre: MemoryWorldState,
    readonly txs: readonly TraceTx[],
  ) {
    let s = pre.copy();
    this.states.push(s.copy());
    for (const t of txs) {
      createTxStepper(s, t.tx, t.sender, t.env, { fork: CANCUN }).runToEnd();
      this.states.push(s.copy());
      s = s.copy();
    }
  }

  get n(): number {
    return this.txs.length;
  }

  /** The L2 state root after `i` txs. */
  rootAt(i: number): Uint8Array {
    return (this.states[i] as MemoryWorldState).stateRoot();
  }

  private stepper(j: number, position: number) {
    const t = this.txs[j] as TraceTx;
    const m = createTxStepper(
      (this.states[j] as MemoryWorldState).copy(),
      t.tx,
      t.sender,
      t.env,
      {
        fork: CANCUN,
      },
      { commitments: true },
    );
    while (m.steps < position && m.step()) {
      // replay to `position` (a DONE machine stays where it is)
    }
    return m;
  }

  /** keccak256 of each tx's step-state static part, and of their packed list. */
  inputs(): Uint8Array[] {
    return this.txs.map((_, j) => keccak256(encodeStatic(this.stepper(j, 0).stepState().static)));
  }

  inputsHash(): Uint8Array {
    return keccak256(concatBytes(...this.inputs()));
  }

  commitmentAt(j: number, position: number): Uint8Array {
    return this.stepper(j, position).commitment();
  }

  pendingState(j: number): Uint8Array {
    return this.stepper(j, 0).encode();
  }

  /** The DONE state of tx j (its step count is at most `maxSteps`). */
  doneState(j: number, maxSteps: number): Uint8Array {
    return this.stepper(j, maxSteps).encode();
  }

  /** The leaf proof at `position` of tx j: the pre state and the witness of the next step. */
  leafProof(j: number, position: number): { pre: Uint8Array; witness: Uint8Array } {
    const m = this.stepper(j, position);
    const { witness } = createStepWitness(m, (this.states[j] as MemoryWorldState).copy());
    return { pre: m.encode(), witness: encodeStepWitness(witness) };
  }
}
