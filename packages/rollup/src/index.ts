export { RollupError, RollupErrorCode } from './errors.ts';
