// @keel/dashboard: the web UI (`keel dashboard`) and its same-origin proxy server.
export { DashboardError, DashboardErrorCode } from './errors.ts';
export {
  type BitcoinAuth,
  type BitcoinEndpoint,
  type DashboardOptions,
  dashboardLimits,
  defaultDashboardOptions,
  parseBitcoinEndpoint,
  parseEndpointUrl,
} from './options.ts';
export { bitcoinReadMethods, chainReadMethods, dashboardCallGas, screenCall } from './proxy.ts';
export { type DashboardServer, startDashboardServer } from './server.ts';
