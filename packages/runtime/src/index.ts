export {
  ExecutionError,
  type ModuleLocation,
  ModuleValidationError,
  RuntimeError,
  RuntimeErrorCode,
} from './errors.ts';
export { CallStatus, HOST_API, HOST_MODULE, type HostSignature } from './host/hostApi.ts';
export {
  GAS_EXPORT,
  type InstrumentedModule,
  instrumentModule,
  MEMORY_EXPORT,
  STACK_EXPORT,
} from './metering/instrument.ts';
export {
  defaultExecutionLimits,
  defaultGasCosts,
  defaultModuleLimits,
  type ExecutionLimits,
  type GasCosts,
  type ModuleLimits,
} from './options.ts';
export {
  type CallParameters,
  createRuntime,
  type ModuleInfo,
  Runtime,
  type RuntimeOptions,
} from './runtime.ts';
export { JournaledState } from './state/journaledState.ts';
export { MemoryStateBackend } from './state/memoryBackend.ts';
export type { RuntimeState, StateBackend, StateChanges } from './state/runtimeState.ts';
export {
  ADDRESS_BYTES,
  type Address,
  AMOUNT_BYTES,
  type BlockContext,
  type ExecutionResult,
  type ExecutionStatus,
  type Log,
  MAX_AMOUNT,
  type SignatureVerifier,
  TOPIC_BYTES,
  type Verifiers,
} from './types.ts';
export { analyzeModule, INIT_EXPORT, type ModuleAnalysis } from './validate.ts';
