import { keccak256 } from '@keel/crypto';
import type { Log } from '@keel/evm';
import { bytesToBigInt, concatBytes, equalBytes } from '@keel/util';
import { RollupError, RollupErrorCode } from '../errors.ts';
import { L2_BRIDGE_ADDRESS, MAX_MESSAGE_DATA, WITHDRAWAL_TREE_DEPTH } from '../params.ts';
import type { WithdrawalMessage } from '../types.ts';
import {
  addressWord,
  bytesTail,
  eventTopic,
  readAddress,
  readBytes,
  readWord,
  word,
} from './abi.ts';

export const MESSAGE_PASSED_TOPIC: Uint8Array = eventTopic(
  'MessagePassed(uint256,address,address,uint256,bytes)',
);

/** `keccak256(abi.encode(nonce, sender, target, value, data))` — what `Bridge.sol` hashes. */
export function withdrawalHash(w: WithdrawalMessage): Uint8Array {
  return keccak256(
    concatBytes(
      word(w.nonce),
      addressWord(w.sender),
      addressWord(w.target),
      word(w.value),
      word(0xa0n),
      bytesTail(w.data),
    ),
  );
}

/** The withdrawal a log is, or undefined when the log is not the L2 bridge's MessagePassed. */
export function withdrawalFromLog(log: Log): WithdrawalMessage | undefined {
  if (!equalBytes(log.address, L2_BRIDGE_ADDRESS)) return undefined;
  if (log.topics.length !== 3 || !equalBytes(log.topics[0]!, MESSAGE_PASSED_TOPIC))
    return undefined;
  return {
    nonce: bytesToBigInt(log.topics[1]!),
    sender: readAddress(log.topics[2]!),
    target: readAddress(readWord(log.data, 0)),
    value: bytesToBigInt(readWord(log.data, 1)),
    data: readBytes(log.data, 2, MAX_MESSAGE_DATA),
  };
}

const ZERO = new Uint8Array(32);

function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  return keccak256(concatBytes(a, b));
}

/** Roots of all-empty subtrees by height (0 = an empty leaf). */
const EMPTY_SUBTREE: Uint8Array[] = (() => {
  const z: Uint8Array[] = [ZERO];
  for (let h = 1; h <= WITHDRAWAL_TREE_DEPTH; h++) z.push(hashPair(z[h - 1]!, z[h - 1]!));
  return z;
})();

function checkCount(n: number): void {
  if (n > 2 ** WITHDRAWAL_TREE_DEPTH) {
    throw new RollupError(
      RollupErrorCode.LIMIT_EXCEEDED,
      `${n} withdrawals exceed the tree's ${2 ** WITHDRAWAL_TREE_DEPTH} leaves`,
    );
  }
}

/** Levels of the depth-16 tree over `leaves` (only the non-empty prefix of each level is kept). */
function levels(leaves: readonly Uint8Array[]): Uint8Array[][] {
  checkCount(leaves.length);
  const out: Uint8Array[][] = [[...leaves]];
  for (let h = 0; h < WITHDRAWAL_TREE_DEPTH; h++) {
    const cur = out[h]!;
    const next: Uint8Array[] = [];
    for (let i = 0; i < cur.length; i += 2) {
      next.push(hashPair(cur[i]!, cur[i + 1] ?? EMPTY_SUBTREE[h]!));
    }
    out.push(next);
  }
  return out;
}

export function withdrawalRoot(leaves: readonly Uint8Array[]): Uint8Array {
  return levels(leaves)[WITHDRAWAL_TREE_DEPTH]![0] ?? EMPTY_SUBTREE[WITHDRAWAL_TREE_DEPTH]!;
}

/** The 16 siblings, bottom-up, proving `leaves[index]`. */
export function withdrawalProof(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
    throw new RollupError(RollupErrorCode.INVALID_INPUT, `no withdrawal at index ${index}`);
  }
  const lv = levels(leaves);
  const proof: Uint8Array[] = [];
  for (let h = 0; h < WITHDRAWAL_TREE_DEPTH; h++) {
    proof.push(lv[h]![(index >> h) ^ 1] ?? EMPTY_SUBTREE[h]!);
  }
  return proof;
}

/** The root a proof leads to (what `Bridge.sol` recomputes). */
export function rootFromProof(leaf: Uint8Array, index: number, siblings: readonly Uint8Array[]) {
  if (siblings.length !== WITHDRAWAL_TREE_DEPTH || siblings.some((s) => s.length !== 32)) {
    throw new RollupError(RollupErrorCode.INVALID_PROOF, 'a proof is 16 siblings of 32 bytes');
  }
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** WITHDRAWAL_TREE_DEPTH) {
    throw new RollupError(RollupErrorCode.INVALID_PROOF, `leaf index ${index} out of range`);
  }
  let node = leaf;
  for (let h = 0; h < WITHDRAWAL_TREE_DEPTH; h++) {
    node = (index >> h) & 1 ? hashPair(siblings[h]!, node) : hashPair(node, siblings[h]!);
  }
  return node;
}

/** Verifies a withdrawal against a batch's output root; throws INVALID_PROOF when it fails. */
export function verifyWithdrawalProof(opts: {
  readonly outputRoot: Uint8Array;
  readonly stateRoot: Uint8Array;
  readonly l2BlockHash: Uint8Array;
  readonly withdrawal: WithdrawalMessage;
  readonly index: number;
  readonly siblings: readonly Uint8Array[];
}): void {
  const root = rootFromProof(withdrawalHash(opts.withdrawal), opts.index, opts.siblings);
  if (!equalBytes(outputRoot(opts.stateRoot, root, opts.l2BlockHash), opts.outputRoot)) {
    throw new RollupError(
      RollupErrorCode.INVALID_PROOF,
      'withdrawal proof does not match the output root',
    );
  }
}

/** `keccak256(abi.encode(stateRoot, withdrawalRoot, l2BlockHash))`. */
export function outputRoot(
  stateRoot: Uint8Array,
  withdrawalsRoot: Uint8Array,
  l2BlockHash: Uint8Array,
): Uint8Array {
  return keccak256(concatBytes(stateRoot, withdrawalsRoot, l2BlockHash));
}
