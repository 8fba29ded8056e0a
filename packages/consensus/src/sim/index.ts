export {
  allByzantineBehaviours,
  ByzantineBehaviour,
  byzantineSends,
  type Send,
} from './byzantine.ts';
export {
  defaultLivenessBound,
  LivenessChecker,
  SafetyChecker,
  type SafetyViolation,
} from './checkers.ts';
export {
  type ChurnEvent,
  type ChurnOptions,
  generateChurn,
  StakingSimApp,
  simProofOfPossession,
  simVerifyPop,
} from './churn.ts';
export { type SimKey, simKey } from './keys.ts';
export { EventQueue } from './queue.ts';
export {
  runSeedSweep,
  type SeedSweepOptions,
  type SweepReport,
} from './report.ts';
export { SimRng } from './rng.ts';
export { loadSimScheme } from './scheme.ts';
export {
  runSimulation,
  type SimCrash,
  type SimPartition,
  type SimulationOptions,
  type SimulationResult,
} from './simulator.ts';
export { createSimVrf, simVrfKey } from './vrf.ts';
