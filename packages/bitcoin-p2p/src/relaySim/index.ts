export { compareRelay, outboundTable, type RelayComparison } from './compare.ts';
export { buildTopology, runRelaySim } from './sim.ts';
export {
  defaultRelaySimOptions,
  type RelayBytes,
  type RelayMode,
  type RelaySimOptions,
  type RelaySimResult,
} from './types.ts';
