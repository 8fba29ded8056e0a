import { type ErrorMeta, KeelError } from '@keel/util';

export const NodeErrorCode = {
  /** The datadir's chainstate and block index disagree (e.g. a chainstate made by replay). */
  STORE: 'ERR_NODE_STORE',
  /** A bad option value (network, address, port, assumevalid hash...). */
  CONFIG: 'ERR_NODE_CONFIG',
  /** A socket or listener failed. */
  NET: 'ERR_NODE_NET',
  /** The node is shutting down. */
  STOPPED: 'ERR_NODE_STOPPED',
} as const;
export type NodeErrorCode = (typeof NodeErrorCode)[keyof typeof NodeErrorCode];

/** An error of the node process (chain manager, sockets, RPC server), with a stable code. */
export class NodeError extends KeelError {
  constructor(code: NodeErrorCode, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta);
    this.name = 'NodeError';
  }
}
