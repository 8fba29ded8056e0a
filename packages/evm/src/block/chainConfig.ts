import { EvmError, EvmErrorCode } from '../errors.ts';

/** The forks block processing knows, oldest first. */
export type BlockFork = 'shanghai' | 'cancun';

/**
 * A post-merge chain: its id and the timestamps at which Shanghai and Cancun activate
 * (`undefined`: never). Forks are data, so a test network that switches mid-chain
 * (`ShanghaiToCancunAtTime15k`) is just `{ shanghaiTime: 0n, cancunTime: 15000n }`.
 */
export interface ChainConfig {
  readonly chainId: bigint;
  readonly shanghaiTime: bigint;
  readonly cancunTime: bigint | undefined;
}

/** The fork in force for a block with `timestamp`. */
export function forkAt(config: ChainConfig, timestamp: bigint): BlockFork {
  if (config.cancunTime !== undefined && timestamp >= config.cancunTime) return 'cancun';
  if (timestamp >= config.shanghaiTime) return 'shanghai';
  throw new EvmError(
    EvmErrorCode.INVALID_ARGUMENT,
    `timestamp ${timestamp} is before Shanghai (${config.shanghaiTime}); earlier forks are not supported`,
  );
}

/** Chain configs of the ethereum/tests blockchain-test `network` names this package runs. */
export function chainConfigForTestNetwork(network: string): ChainConfig | undefined {
  switch (network) {
    case 'Shanghai':
      return { chainId: 1n, shanghaiTime: 0n, cancunTime: undefined };
    case 'Cancun':
      return { chainId: 1n, shanghaiTime: 0n, cancunTime: 0n };
    case 'ShanghaiToCancunAtTime15k':
      return { chainId: 1n, shanghaiTime: 0n, cancunTime: 15000n };
    default:
      return undefined;
  }
}
