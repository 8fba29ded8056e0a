import { ed25519, nobleBls } from '@keel/crypto';
import { bigIntToBytes } from '@keel/util';
import {
  createGenesisState,
  createLedger,
  type Ledger,
  type LedgerState,
  type SignedTx,
  signTx,
  type TxBody,
} from '../src/index.ts';

export const CHAIN_ID = 'keel-test';

/** A deterministic 32-byte ed25519 seed. */
export function seed(i: number): Uint8Array {
  const s = new Uint8Array(32);
  s[0] = 0x5e;
  s[31] = i;
  return s;
}

export interface Key {
  readonly seed: Uint8Array;
  readonly address: Uint8Array;
}

export function key(i: number): Key {
  const s = seed(i);
  return { seed: s, address: ed25519.getPublicKey(s) };
}

export interface ValidatorKeys {
  readonly account: Key;
  readonly blsSecret: Uint8Array;
  readonly blsPublicKey: Uint8Array;
  readonly blsPop: Uint8Array;
  readonly vrfPublicKey: Uint8Array;
}

const validatorCache = new Map<number, ValidatorKeys>();

export function validatorKeys(i: number): ValidatorKeys {
  const hit = validatorCache.get(i);
  if (hit) return hit;
  const blsSecret = bigIntToBytes(BigInt(1000 + i), 32);
  const v = {
    account: key(200 + i),
    blsSecret,
    blsPublicKey: nobleBls.secretKeyToPublicKey(blsSecret),
    blsPop: nobleBls.popProve(blsSecret),
    vrfPublicKey: ed25519.getPublicKey(seed(100 + i)),
  };
  validatorCache.set(i, v);
  return v;
}

export const alice = key(1);
export const bob = key(2);
export const carol = key(3);
export const INITIAL = 10n ** 12n;

let shared: Ledger | undefined;
export function ledger(): Ledger {
  shared ??= createLedger();
  return shared;
}

export function genesis(l: Ledger = ledger()): LedgerState {
  const v = validatorKeys(0);
  return createGenesisState(l, {
    chainId: CHAIN_ID,
    balances: [
      { address: alice.address, amount: INITIAL },
      { address: bob.address, amount: INITIAL },
      { address: v.account.address, amount: INITIAL },
    ],
    validators: [
      {
        address: v.account.address,
        stake: 10_000n,
        blsPublicKey: v.blsPublicKey,
        blsPop: v.blsPop,
        vrfPublicKey: v.vrfPublicKey,
      },
    ],
  }).state;
}

export function tx(
  from: Key,
  nonce: number | bigint,
  body: TxBody,
  gasLimit = 1_000_000,
  gasPrice = 1n,
): SignedTx {
  return signTx(
    { chainId: CHAIN_ID, from: from.address, nonce: BigInt(nonce), gasLimit, gasPrice, ...body },
    from.seed,
  );
}

export const BLOCK = { height: 1n, time: 1_700_000_000_000n };

/** keel ABI helpers (mirror of the SDK's Writer). */
export const abi = {
  u64(v: bigint | number): Uint8Array {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
    return b;
  },
  u32(v: number): Uint8Array {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, true);
    return b;
  },
  bytes(b: Uint8Array): Uint8Array {
    const out = new Uint8Array(4 + b.length);
    out.set(abi.u32(b.length), 0);
    out.set(b, 4);
    return out;
  },
  readU64(b: Uint8Array, at = 0): bigint {
    return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(at, true);
  },
};

export function sampleTxs(): SignedTx[] {
  const v = validatorKeys(1);
  return [
    tx(alice, 0, { kind: 'transfer', to: bob.address, amount: 12345n }),
    tx(alice, 1, {
      kind: 'deploy',
      code: Uint8Array.of(0, 0x61, 0x73, 0x6d),
      initInput: Uint8Array.of(9),
    }),
    tx(alice, 2, {
      kind: 'call',
      to: bob.address,
      value: 7n,
      method: 'transfer',
      input: Uint8Array.of(1, 2, 3),
    }),
    tx(alice, 3, {
      kind: 'stake',
      amount: 5000n,
      blsPublicKey: v.blsPublicKey,
      blsPop: v.blsPop,
      vrfPublicKey: v.vrfPublicKey,
    }),
    tx(alice, 4, { kind: 'unstake', amount: (1n << 128n) - 1n }),
  ];
}
