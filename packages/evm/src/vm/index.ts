export { create2Address, createAddress } from './address.ts';
export { runTx, systemCall } from './runTx.ts';
export {
  type BlockEnv,
  InvalidTxReason,
  type InvalidTxResult,
  type Log,
  type RunTxOptions,
  type RunTxResult,
  type SystemCallResult,
  type TxResult,
  type VmOptions,
} from './types.ts';
