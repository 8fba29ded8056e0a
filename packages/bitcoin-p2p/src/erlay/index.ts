export {
  DEFAULT_RECON_Q,
  estimateQ,
  estimateSketchCapacity,
  maxDecodeElements,
  qFromWire,
  qToWire,
  RECON_FALSE_POSITIVE_COEF,
} from './estimator.ts';
export { type FanoutCandidate, type FanoutOptions, selectFanout } from './fanout.ts';
export {
  BYTES_PER_SKETCH_CAPACITY,
  decodeReconcilDiff,
  decodeReqRecon,
  decodeReqSketchExt,
  decodeSketch,
  encodeReconcilDiff,
  encodeReqRecon,
  encodeReqSketchExt,
  encodeSketch,
  MAX_RECONSET_SIZE,
  MAX_SKETCH_CAPACITY,
  Q_PRECISION,
  RECON_FIELD_SIZE,
  type ReconcilDiff,
  type ReqRecon,
} from './messages.ts';
export {
  type AddResult,
  type InitiatorStep,
  type ReconciliationOptions,
  ReconciliationState,
  type ReconRole,
} from './reconciliation.ts';
export { computeReconSalt, RECON_STATIC_SALT, RECON_VERSION, reconShortId } from './salt.ts';
export { DEFAULT_RECON_INTERVAL_MS, ReconciliationScheduler } from './scheduler.ts';
