/** The five transaction kinds and their one-byte tags on the wire. */
export const TxKind = { transfer: 0, deploy: 1, call: 2, stake: 3, unstake: 4 } as const;
export type TxKindName = keyof typeof TxKind;

interface TxCommon {
  /** Chain identifier, 1..32 printable ASCII bytes: replay protection across chains. */
  readonly chainId: string;
  /** The sender's 32-byte ed25519 public key, which is also its account address. */
  readonly from: Uint8Array;
  /** Must equal the sender account's nonce; the account's nonce then increases by one. */
  readonly nonce: bigint;
  /** Most gas the transaction may use (intrinsic gas included). */
  readonly gasLimit: number;
  /** Fee per gas unit; the fee is gasUsed × gasPrice. */
  readonly gasPrice: bigint;
}

export interface TransferBody {
  readonly kind: 'transfer';
  readonly to: Uint8Array;
  readonly amount: bigint;
}

export interface DeployBody {
  readonly kind: 'deploy';
  readonly code: Uint8Array;
  /** Input of the module's `init` method, run right after deployment when it exports one. */
  readonly initInput: Uint8Array;
}

export interface CallBody {
  readonly kind: 'call';
  readonly to: Uint8Array;
  /** Native coin moved from the sender to the contract before the method runs. */
  readonly value: bigint;
  readonly method: string;
  readonly input: Uint8Array;
}

export interface StakeBody {
  readonly kind: 'stake';
  readonly amount: bigint;
  /** 48-byte compressed BLS12-381 G1 key the validator signs votes with. */
  readonly blsPublicKey: Uint8Array;
  /** 96-byte BLS proof of possession of `blsPublicKey` (checked on stake). */
  readonly blsPop: Uint8Array;
  /** 32-byte ECVRF-EDWARDS25519 public key for leader election. */
  readonly vrfPublicKey: Uint8Array;
}

export interface UnstakeBody {
  readonly kind: 'unstake';
  readonly amount: bigint;
}

export type TxBody = TransferBody | DeployBody | CallBody | StakeBody | UnstakeBody;
export type UnsignedTx = TxCommon & TxBody;
export type SignedTx = UnsignedTx & { readonly signature: Uint8Array };
