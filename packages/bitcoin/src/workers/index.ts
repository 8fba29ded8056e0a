export {
  createScriptCheckPool,
  type ScriptCheckPool,
  type ScriptCheckPoolOptions,
  WorkerPoolError,
} from './pool.ts';
