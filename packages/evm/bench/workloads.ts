import { keccak256 } from '@keel/crypto/hashes';
import { bigIntToBytes, bytesToHex, concatBytes, utf8ToBytes } from '@keel/util';
import { assemble } from './asm.ts';

/** One benchmark: a contract, its initial storage, and the calldata of each call. */
export interface Workload {
  readonly name: string;
  readonly code: Uint8Array;
  /** Storage of the contract before the first call (slot → value). */
  readonly storage: ReadonlyMap<bigint, bigint>;
  /** Calls whose gas keel and the anchor must agree on before timing. */
  readonly checkCalls: number;
  /** Calldata of call `i`; it depends on `i % 256` only (the anchor replays 256 signed txs). */
  calldata(i: number): Uint8Array;
}

const TRANSFER_TOPIC = keccak256(utf8ToBytes('Transfer(address,address,uint256)'));
const hex = (b: Uint8Array) => `0x${bytesToHex(b)}`;
const word = (n: bigint) => bigIntToBytes(n, 32);

/**
 * A minimal ERC-20 `transfer(address,uint256)`: balances at keccak256(owner ‖ 0) as solc lays
 * out `mapping(address => uint256)` in slot 0, a balance check, two SSTOREs, the Transfer log.
 */
const ERC20 = assemble(`
  0x00 CALLDATALOAD 0xe0 SHR 0xa9059cbb EQ @transfer JUMPI
  0x00 0x00 REVERT
  transfer:
  CALLER 0x00 MSTORE 0x00 0x20 MSTORE 0x40 0x00 KECCAK256   ; [slotFrom]
  DUP1 SLOAD 0x24 CALLDATALOAD                              ; [slotFrom balFrom amount]
  DUP1 DUP3 LT @fail JUMPI
  SWAP1 DUP2 SWAP1 SUB DUP3 SSTORE SWAP1 POP                ; [amount]
  0x04 CALLDATALOAD 0x00 MSTORE 0x40 0x00 KECCAK256         ; [amount slotTo]
  DUP1 SLOAD DUP3 ADD SWAP1 SSTORE                          ; [amount]
  0x00 MSTORE 0x04 CALLDATALOAD CALLER ${hex(TRANSFER_TOPIC)} 0x20 0x00 LOG3
  0x01 0x00 MSTORE 0x20 0x00 RETURN
  fail:
  0x00 0x00 REVERT
`);

/** `iterations` rounds of keccak256 over a counter plus a multiply-add, kept in memory. */
function keccakLoop(iterations: number): Uint8Array {
  return assemble(`
    0x${iterations.toString(16)}
    loop:
    DUP1 0x00 MSTORE 0x20 0x00 KECCAK256 DUP2 MUL 0x07 ADD 0x20 MSTORE
    0x01 SWAP1 SUB DUP1 @loop JUMPI
    STOP
  `);
}

/** `slots` rounds of sstore(i, sload(i) + i + 1). */
function storageLoop(slots: number): Uint8Array {
  return assemble(`
    0x${slots.toString(16)}
    loop:
    DUP1 SLOAD DUP2 ADD 0x01 ADD DUP2 SSTORE
    0x01 SWAP1 SUB DUP1 @loop JUMPI
    STOP
  `);
}

/** Balance slot of `owner` in the ERC-20 above. */
export function erc20BalanceSlot(owner: Uint8Array): bigint {
  return BigInt(hex(keccak256(concatBytes(word(BigInt(hex(owner))), word(0n)))));
}

export function workloads(sender: Uint8Array): Workload[] {
  const recipients = 256;
  return [
    {
      name: 'erc20 transfer',
      code: ERC20,
      storage: new Map([[erc20BalanceSlot(sender), 1n << 200n]]),
      // Past 256: every recipient seen once (new slot) and again (existing slot).
      checkCalls: 300,
      calldata: (i) =>
        concatBytes(
          Uint8Array.of(0xa9, 0x05, 0x9c, 0xbb),
          word(0x1000n + BigInt(i % recipients)),
          word(1000n + BigInt(i % recipients)),
        ),
    },
    {
      name: 'keccak loop',
      code: keccakLoop(500),
      storage: new Map(),
      checkCalls: 5,
      calldata: () => new Uint8Array(0),
    },
    {
      name: 'storage loop',
      code: storageLoop(200),
      storage: new Map(),
      // The first call sets 200 fresh slots, later ones update them.
      checkCalls: 5,
      calldata: () => new Uint8Array(0),
    },
  ];
}
