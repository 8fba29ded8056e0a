import type { BenchMain } from '@keel/util';

/** Benchmarks by name; each package exposes its bench module as a `./bench` subpath. */
export const benches: Readonly<
  Record<string, { description: string; load: () => Promise<BenchMain> }>
> = {
  crypto: {
    description: 'secp256k1 / BLS / ed25519 / ECVRF / SipHash per backend, with backend ratios',
    load: () => import('@keel/crypto/bench').then((m) => m.main),
  },
  runtime: {
    description:
      'WASM runtime: metered vs unmetered compute, host-call round trip, instrumentation speed',
    load: () => import('@keel/runtime/bench').then((m) => m.main),
  },
  evm: {
    description:
      'EVM Mgas/s and tx/s on hand-assembled ERC-20 transfers, a keccak loop and a storage loop; anchor: @ethereumjs/vm in the same run',
    load: () => import('@keel/evm/bench').then((m) => m.main),
  },
  ledger: {
    description:
      'ledger: native and token transfers/s through applyBlock with signature checks (anchor: ed25519 alone), state-root recomputation',
    load: () => import('@keel/ledger/bench').then((m) => m.main),
  },
  'bitcoin-validate': {
    description:
      'full validation of real blocks with prevouts, 1 thread vs 2 workers, per secp256k1 backend; anchor: signature checks alone',
    load: () => import('@keel/bitcoin/bench').then((m) => m.main),
  },
  consensus: {
    description:
      'consensus simulator: wall time per committed block, messages per view, QC verify (blst vs noble) at 4/16/64/128 validators',
    load: () => import('@keel/consensus/bench').then((m) => m.main),
  },
  replay: {
    description:
      'Bitcoin replay of a generated regtest chain: blocks/s, inputs/s, signature share of CPU, cache hit rate, peak RSS per dbcache',
    load: () => import('@keel/bitcoin-node/bench').then((m) => m.main),
  },
  p2p: {
    description:
      'Bitcoin IBD of a 2,000-block regtest chain of signed spends from a keel peer over loopback (blocks/s, inputs/s; anchor: replay of the same blocks), BIP152 bytes compact vs full, mempool admission p50/p99',
    load: () => import('@keel/bitcoin-node/bench-p2p').then((m) => m.main),
  },
  minisketch: {
    description:
      'minisketch: decode of a 32-bit capacity-128 sketch with 128 differences and sketch creation per element, beside libminisketch (g++ generic and CLMUL) in the same run',
    load: () => import('@keel/minisketch/bench').then((m) => m.main),
  },
  stratum: {
    description:
      'Stratum V2: bytes on the wire vs SV1, shares validated/s, handshakes/s, 10k-connection load',
    load: () => import('@keel/stratum-node/bench').then((m) => m.main),
  },
  mempool: {
    description:
      'chain mempool: insert p50/p95/p99 at 50k and 500k pending, template selection, memory',
    load: () => import('@keel/chain-node/bench-mempool').then((m) => m.main),
  },
  verkle: {
    description:
      'verkle: 256-point MSM, inserts/s and commit at 10k/100k keys, Kaustinen witness size and stateless verify, 2,000-opening multiproof verify; anchor: verkle-cryptography-wasm in the same run',
    load: () => import('@keel/verkle/bench').then((m) => m.main),
  },
  blobs: {
    description:
      'EIP-4844 blobs: sidecar verification blobs/s (c-kzg, anchor node-eth-kzg), blob pool admission p50/p95 at 10k pending',
    load: () => import('@keel/chain-node/bench-blobs').then((m) => m.main),
  },
  zk: {
    description:
      'rollup ZK: Groth16 verify ms of keel (noble bn254) on the committed fixture proof; anchor: snarkjs verify of the same proof in the same run',
    load: () => import('@keel/rollup/bench-zk').then((m) => m.main),
  },
  rollup: {
    description:
      'rollup node: sequencer L2 tx/s (anchor: bare execution), bytes posted per L2 tx (anchor: raw tx), batch derivation ms (anchor: sealing)',
    load: () => import('@keel/rollup-node/bench').then((m) => m.main),
  },
  devnet: {
    description: '4 validators on loopback under transfer load: sustained tx/s, finality p50/p95',
    load: () => import('@keel/chain-node/bench').then((m) => m.main),
  },
};
