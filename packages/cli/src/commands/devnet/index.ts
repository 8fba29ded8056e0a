import { Command } from 'commander';

/** `keel devnet`: a local multi-validator BFT chain on loopback (what `npm start` runs). */
export function devnetCommand(): Command {
  return new Command('devnet').description(
    'Run a local BFT-chain devnet: N validator processes on loopback with JSON-RPC.',
  );
}
